import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { isolatedEnv } from "../e2e/support.js";
import { repoRoot, tempDir } from "../support/paths.js";
import { pathWithoutKustomize, render, shellQuote, waitForExit, writeProgram } from "./support.js";

const output = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-fake\ndata:\n  greeting: hello\n";

interface FakeSetup {
  /** The kustomization folder. */
  readonly app: string;
  /** The folder with the fake programs, to put in front of PATH. */
  readonly bin: string;
  /** The folder where the fake programs record what they saw. */
  readonly records: string;
}

function setup(): FakeSetup {
  const app = tempDir("kreveal-app-");
  writeFileSync(path.join(app, "kustomization.yaml"), "resources: []\n");
  return { app, bin: tempDir("kreveal-bin-"), records: tempDir("kreveal-records-") };
}

/** Returns the script of a fake kustomize or kubectl that records its arguments and two variables, then prints `output`. */
function recordingProgram(records: string, name: string): string {
  const file = shellQuote(path.join(records, name));
  return [
    `printf '%s\\n' "$@" > ${file}.args`,
    `printf '%s\\n' "$KUSTOMIZE_PLUGIN_HOME" "$SOPS_AGE_KEY_FILE" > ${file}.env`,
    `printf '%s' ${shellQuote(output)}`,
    "",
  ].join("\n");
}

function recorded(records: string, file: string): string[] {
  return readFileSync(path.join(records, file), "utf8").split("\n").slice(0, -1);
}

test("standalone kustomize: flags, env, output", () => {
  const { app, bin, records } = setup();
  writeProgram(bin, "kustomize", recordingProgram(records, "kustomize"));
  writeProgram(bin, "kubectl", recordingProgram(records, "kubectl"));
  const cwd = tempDir();
  const env = isolatedEnv({
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
    SOPS_AGE_KEY_FILE: "/keys/age.txt",
    KUSTOMIZE_PLUGIN_HOME: "/somewhere/else",
  });

  const result = render([app], { cwd, env });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, output);
  assert.deepEqual(recorded(records, "kustomize.args"), ["build", "--enable-alpha-plugins", "--enable-exec", app]);
  const [pluginHome, keyFile] = recorded(records, "kustomize.env");
  assert.equal(pluginHome, path.join(repoRoot, "generators"));
  assert.equal(keyFile, "/keys/age.txt");
  assert.throws(() => readFileSync(path.join(records, "kubectl.args")), { code: "ENOENT" });
});

test("kubectl fallback: no --enable-exec", () => {
  const { app, bin, records } = setup();
  writeProgram(bin, "kubectl", recordingProgram(records, "kubectl"));
  const env = isolatedEnv({ PATH: `${bin}${path.delimiter}${pathWithoutKustomize()}`, SOPS_AGE_KEY_FILE: "/keys/age.txt" });

  const result = render([path.relative(repoRoot, app)], { cwd: repoRoot, env });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, output);
  assert.deepEqual(recorded(records, "kubectl.args"), ["kustomize", "--enable-alpha-plugins", app]);
  const [pluginHome, keyFile] = recorded(records, "kubectl.env");
  assert.equal(pluginHome, path.join(repoRoot, "generators"));
  assert.equal(keyFile, "/keys/age.txt");
});

test("failed kustomize: stdout stays empty", () => {
  const { app, bin } = setup();
  writeProgram(bin, "kustomize", `printf '%s' ${shellQuote(output)}\necho 'Error: accumulating resources: boom' >&2\nexit 3\n`);
  const env = isolatedEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` });

  const result = render([app], { cwd: app, env });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^Error: accumulating resources: boom$/m);
  assert.match(result.stderr, /kustomize build failed with exit status 3; its messages are above \[TOOL_FAILED\]/);
});

test("empty kustomize output fails", () => {
  const { app, bin } = setup();
  writeProgram(bin, "kustomize", "printf '\\n'\n");
  const env = isolatedEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` });

  const result = render([app], { cwd: app, env });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /kustomize build succeeded but produced no resources \[INPUT_EMPTY\]/);
});

test("node dump in stderr is hidden", () => {
  const { app, bin } = setup();
  const dump = [
    'E1204 10:00:00.000000   100 run.go:72] "command failed" err=<',
    '\tunable to find field "data.PASSWORD.x" in replacement target: wrong node kind: expected MappingNode but got ScalarNode: node contents:',
    "\taHVudGVyMi12YWx1ZQ==",
    " >",
    "",
  ].join("\n");
  writeProgram(bin, "kustomize", `printf '%s' ${shellQuote(dump)} >&2\nexit 1\n`);
  const env = isolatedEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` });

  const result = render([app], { cwd: app, env });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.doesNotMatch(result.stderr, /aHVudGVyMi12YWx1ZQ==/);
  assert.match(result.stderr, /unable to find field "data\.PASSWORD\.x" in replacement target/);
  assert.match(result.stderr, /node contents: \(hidden by kreveal render/);
});

test("timeout stops kustomize and its plugins", async () => {
  const { app, bin, records } = setup();
  const pidFile = (name: string): string => shellQuote(path.join(records, name));
  // The fake prints a partial result, starts a plugin-like child and waits for it.
  writeProgram(
    bin,
    "kustomize",
    [`echo $$ > ${pidFile("kustomize.pid")}`, `printf '%s' ${shellQuote(output)}`, "sleep 30 &", `echo $! > ${pidFile("plugin.pid")}`, "wait", ""].join("\n"),
  );
  const env = isolatedEnv({ PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` });

  const started = Date.now();
  const result = render(["--timeout", "1", app], { cwd: app, env });
  const elapsed = Date.now() - started;

  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /kustomize build timed out after 1 s; kreveal stopped it and its plugins/);
  assert.ok(elapsed < 15_000, `render took ${elapsed} ms`);
  for (const name of ["kustomize.pid", "plugin.pid"]) {
    const pid = Number(readFileSync(path.join(records, name), "utf8").trim());
    assert.ok(await waitForExit(pid, 5_000), `process ${name} (${pid}) still runs`);
  }
});

test("no kustomize or kubectl on PATH", () => {
  const { app } = setup();
  const result = render([app], { cwd: app, env: isolatedEnv({ PATH: tempDir("kreveal-empty-bin-") }) });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /neither kustomize nor kubectl was found on PATH \[FILE_NOT_FOUND\]/);
});

test("invalid --timeout is a usage error", () => {
  const { app } = setup();
  for (const value of ["0", "-5", "soon", ""]) {
    const result = render([`--timeout=${value}`, app], { cwd: app, env: isolatedEnv() });
    assert.equal(result.status, 1, value);
    assert.equal(result.stdout, "", value);
    assert.match(result.stderr, /invalid --timeout .*\[USAGE\]/, value);
  }
});

test("help states the --mask limit", () => {
  const result = render(["--help"], { cwd: tempDir(), env: isolatedEnv() });
  assert.equal(result.status, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /usage: kreveal render \[--mask\] \[--timeout SECONDS\] DIR/);
  assert.match(result.stderr, /short and unsalted/);
  assert.match(result.stderr, /not from a determined attacker/);
});
