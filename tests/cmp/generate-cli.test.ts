import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { findKind, isolatedEnv, parseStream, requireBundle, runKreveal, secretData, skipWithout, tempRepo, type RunResult } from "../e2e/support.js";
import { pathWithoutKustomize, shellQuote, waitForExit, writeProgram } from "../render/support.js";
import { repoRoot, tempDir } from "../support/paths.js";

const output = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-fake\ndata:\n  greeting: hello\n";

before(() => {
  requireBundle();
});

interface App {
  readonly root: string;
  readonly app: string;
  readonly bin: string;
  readonly records: string;
}

/** Creates a repository with a kustomization at apps/web, a folder for fake programs and one for their records. */
function kustomizeApp(): App {
  const root = realpathSync.native(tempRepo());
  const app = path.join(root, "apps", "web");
  mkdirSync(app, { recursive: true });
  writeFileSync(path.join(app, "kustomization.yaml"), "resources: []\n");
  return { root, app, bin: tempDir("kreveal-bin-"), records: tempDir("kreveal-records-") };
}

function generate(app: App, extra: Record<string, string> = {}): RunResult {
  const env = isolatedEnv({ PATH: `${app.bin}${path.delimiter}${process.env.PATH ?? ""}`, ARGOCD_APP_SOURCE_PATH: "apps/web", ...extra });
  return runKreveal(["cmp", "generate"], { cwd: app.app, env });
}

/** Writes a fake kustomize that records its arguments and environment, then prints `output`. */
function recordingKustomize(app: App): void {
  const file = shellQuote(path.join(app.records, "kustomize"));
  writeProgram(app.bin, "kustomize", [`printf '%s\\n' "$@" > ${file}.args`, `env > ${file}.env`, `printf '%s' ${shellQuote(output)}`, ""].join("\n"));
}

function recordedLines(app: App, name: string): string[] {
  return readFileSync(path.join(app.records, name), "utf8").split("\n").slice(0, -1);
}

test("kustomize: no --enable-exec by default", () => {
  const app = kustomizeApp();
  recordingKustomize(app);

  const result = generate(app);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, `---\n${output}`);
  assert.deepEqual(recordedLines(app, "kustomize.args"), ["build", "--enable-alpha-plugins", app.app]);
});

test("kustomize: --enable-exec when sidecar allows", () => {
  const app = kustomizeApp();
  recordingKustomize(app);

  const result = generate(app, { KREVEAL_CMP_ENABLE_EXEC: "true" });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(recordedLines(app, "kustomize.args"), ["build", "--enable-alpha-plugins", "--enable-exec", app.app]);
});

test("kustomize: Application cannot enable exec", () => {
  const app = kustomizeApp();
  recordingKustomize(app);

  const result = generate(app, { ARGOCD_ENV_KREVEAL_CMP_ENABLE_EXEC: "true" });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(recordedLines(app, "kustomize.args"), ["build", "--enable-alpha-plugins", app.app]);
  assert.match(result.stderr, /^kreveal: warning: ignored ARGOCD_ENV_KREVEAL_CMP_ENABLE_EXEC: KREVEAL_CMP_ENABLE_EXEC may be set only in the sidecar's own environment/m);
});

test("kustomize: child env without Application settings", () => {
  const app = kustomizeApp();
  recordingKustomize(app);

  const result = generate(app, {
    ARGOCD_APP_NAME: "web",
    ARGOCD_APP_PROJECT_NAME: "team-a",
    ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: "source", string: "kustomize" }]),
    PARAM_SOURCE: "kustomize",
    ARGOCD_ENV_VAULT_TOKEN: "hvs.must-not-show",
    ARGOCD_ENV_KREVEAL_ALLOW_EMPTY: "false",
  });
  assert.equal(result.status, 0, result.stderr);

  const env = new Map<string, string>();
  for (const line of recordedLines(app, "kustomize.env")) {
    const equals = line.indexOf("=");
    env.set(line.slice(0, equals), line.slice(equals + 1));
  }
  assert.equal(env.get("KREVEAL_REPO_ROOT"), app.root);
  assert.equal(env.get("KUSTOMIZE_PLUGIN_HOME"), path.join(repoRoot, "generators"));
  assert.equal(env.get("ARGOCD_APP_PROJECT_NAME"), "team-a");
  assert.equal(env.get("ARGOCD_APP_NAME"), "web");
  for (const name of env.keys()) {
    assert.ok(!name.startsWith("ARGOCD_ENV_"), `${name} reached kustomize`);
    assert.ok(!name.startsWith("PARAM_"), `${name} reached kustomize`);
    assert.notEqual(name, "ARGOCD_APP_PARAMETERS", `${name} reached kustomize`);
  }
  assert.doesNotMatch(result.stderr, /must-not-show/);
  assert.match(result.stderr, /ignored ARGOCD_ENV_VAULT_TOKEN: VAULT_TOKEN may be set only/);
});

test("kustomize failure: TOOL_FAILED, stdout empty", () => {
  const app = kustomizeApp();
  writeProgram(app.bin, "kustomize", `printf '%s' ${shellQuote(output)}\necho 'Error: accumulating resources: boom' >&2\nexit 3\n`);

  const result = generate(app);
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^Error: accumulating resources: boom$/m);
  assert.match(result.stderr, /kustomize build failed with exit status 3; its messages are above \[TOOL_FAILED\]/);
});

test("no kustomize or kubectl: TOOL_FAILED", () => {
  const app = kustomizeApp();
  const result = runKreveal(["cmp", "generate"], { cwd: app.app, env: isolatedEnv({ PATH: app.bin }) });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /neither kustomize nor kubectl was found on PATH \[TOOL_FAILED\]/);
});

test("budget spent: TIMEOUT, kustomize group killed", async () => {
  const app = kustomizeApp();
  const pidFile = (name: string): string => shellQuote(path.join(app.records, name));
  writeProgram(
    app.bin,
    "kustomize",
    [`echo $$ > ${pidFile("kustomize.pid")}`, `printf '%s' ${shellQuote(output)}`, "sleep 30 &", `echo $! > ${pidFile("plugin.pid")}`, "wait", ""].join("\n"),
  );

  const started = Date.now();
  const result = generate(app, { KREVEAL_CMP_TIMEOUT_SECONDS: "1" });
  const elapsed = Date.now() - started;

  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /generate did not finish within 1 s \(KREVEAL_CMP_TIMEOUT_SECONDS\): kustomize build was still running \[TIMEOUT\]/);
  assert.ok(elapsed < 10_000, `generate took ${elapsed} ms`);
  for (const name of ["kustomize.pid", "plugin.pid"]) {
    const pid = Number(readFileSync(path.join(app.records, name), "utf8").trim());
    assert.ok(await waitForExit(pid, 5_000), `process ${name} (${pid}) still runs`);
  }
});

test("empty result: INPUT_EMPTY", () => {
  const app = kustomizeApp();
  writeProgram(app.bin, "kustomize", "printf -- '---\\n# nothing\\n'\n");

  const result = generate(app);
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /the kustomize source produced no resources \[INPUT_EMPTY\]/);
});

test("empty result allowed by allow-empty", () => {
  const app = kustomizeApp();
  writeProgram(app.bin, "kustomize", "printf ''\n");

  const fromParameter = generate(app, { ARGOCD_APP_PARAMETERS: JSON.stringify([{ name: "allow-empty", string: "true" }]) });
  assert.equal(fromParameter.status, 0, fromParameter.stderr);
  assert.equal(fromParameter.stdout, "");

  const fromVariable = generate(app, { ARGOCD_ENV_KREVEAL_ALLOW_EMPTY: "true" });
  assert.equal(fromVariable.status, 0, fromVariable.stderr);
  assert.equal(fromVariable.stdout, "");
});

test("invalid setting: CONFIG_INVALID, stdout empty", () => {
  const app = kustomizeApp();
  recordingKustomize(app);

  const result = generate(app, { ARGOCD_ENV_KREVEAL_SOURCE: "kustomise" });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /ARGOCD_ENV_KREVEAL_SOURCE: is "kustomise", not one of auto, kustomize, helm, directory \[CONFIG_INVALID\]/);
  assert.throws(() => readFileSync(path.join(app.records, "kustomize.args")), { code: "ENOENT" });
});

test("kubectl kustomize: generator and placeholder", { skip: skipWithout("kubectl") }, () => {
  const root = realpathSync.native(tempRepo());
  const app = path.join(root, "apps", "quickstart");
  cpSync(path.join(repoRoot, "examples/quickstart"), app, { recursive: true });
  writeFileSync(path.join(app, "config.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: token-copy\ndata:\n  token: <sops:app.enc.env#API_TOKEN>\n");
  writeFileSync(path.join(app, "kustomization.yaml"), "resources:\n  - deployment.yaml\n  - config.yaml\ngenerators:\n  - secret-generator.yaml\n");

  const env = isolatedEnv({
    PATH: pathWithoutKustomize(),
    SOPS_AGE_KEY_FILE: path.join(app, "age-key.txt"),
    ARGOCD_APP_SOURCE_PATH: "apps/quickstart",
    ARGOCD_APP_NAME: "quickstart",
  });
  const result = runKreveal(["cmp", "generate"], { cwd: app, env });
  assert.equal(result.status, 0, result.stderr);
  assert.ok(result.stdout.startsWith("---\n"), result.stdout.slice(0, 40));

  const resources = parseStream(result.stdout);
  const secret = secretData(findKind(resources, "Secret"));
  assert.equal(secret.LOG_LEVEL, "info");
  const config = findKind(resources, "ConfigMap");
  assert.ok(Object.hasOwn(secret, "API_TOKEN"), "the Secret has no API_TOKEN");
  const token = secret.API_TOKEN;
  assert.notEqual(token, "");
  assert.equal((config.data as Record<string, string | undefined>).token, token);
  findKind(resources, "Deployment");
  assert.ok(!result.stderr.includes(token), "stderr contains the secret value");
});

test("directory: manifests, note, placeholder", () => {
  const root = realpathSync.native(tempRepo());
  const app = path.join(root, "apps", "plain");
  mkdirSync(app, { recursive: true });
  cpSync(path.join(repoRoot, "examples/quickstart/app.enc.env"), path.join(root, "app.enc.env"));
  writeFileSync(path.join(app, "config.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: token-copy\ndata:\n  token: <sops:../../app.enc.env#API_TOKEN>\n");
  writeFileSync(path.join(app, "values.yaml"), "replicaCount: 1\n");

  const env = isolatedEnv({ SOPS_AGE_KEY_FILE: path.join(repoRoot, "examples/quickstart/age-key.txt"), ARGOCD_APP_SOURCE_PATH: "apps/plain" });
  const result = runKreveal(["cmp", "generate"], { cwd: app, env });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, "kreveal: note: skipped values.yaml: not a Kubernetes manifest\n");
  const config = findKind(parseStream(result.stdout), "ConfigMap");
  const token = (config.data as Record<string, string | undefined>).token ?? "";
  assert.notEqual(token, "");
  assert.ok(!token.startsWith("<sops:"), "the placeholder was not resolved");
});

test("directory: empty folder is INPUT_EMPTY", () => {
  const root = realpathSync.native(tempRepo());
  const result = runKreveal(["cmp", "generate"], { cwd: root, env: isolatedEnv({ ARGOCD_APP_SOURCE_PATH: "." }) });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /the directory source produced no resources \[INPUT_EMPTY\]/);
});

test("cmp: subcommand dispatch and usage", () => {
  const folder = tempDir("kreveal-cmp-dispatch-");
  writeFileSync(path.join(folder, "generator.yaml"), "apiVersion: kreveal.dev/v1alpha1\nkind: SecretGenerator\n");

  const discovered = runKreveal(["cmp", "discover"], { cwd: folder, env: isolatedEnv() });
  assert.equal(discovered.status, 0, discovered.stderr);
  assert.equal(discovered.stdout, "kreveal\n");

  const init = runKreveal(["cmp", "init"], { cwd: folder, env: isolatedEnv() });
  assert.equal(init.status, 0, init.stderr);
  assert.equal(init.stdout, "");

  const unknown = runKreveal(["cmp", "build"], { cwd: folder, env: isolatedEnv() });
  assert.equal(unknown.status, 1);
  assert.equal(unknown.stdout, "");
  assert.match(unknown.stderr, /unknown cmp subcommand "build" \[USAGE\]/);

  const help = runKreveal(["--help"], { cwd: folder, env: isolatedEnv() });
  assert.match(help.stdout, /^ {2}cmp init\|generate\|discover$/m);
});
