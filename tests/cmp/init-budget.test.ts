// init and generate share one time budget through the start time that init records in the app
// folder. helm cannot be installed on the test machines, so a fake `helm` sleeps in its place.
import assert from "node:assert/strict";
import { lstatSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { Deadline } from "../../plugin/cmp/budget.js";
import { initStartFile, readInitStart, recordInitStart, staleMarginMs } from "../../plugin/cmp/init-start.js";
import { KrevealError } from "../../plugin/errors.js";
import { isolatedEnv, requireBundle, runKreveal, tempRepo, type RunResult } from "../e2e/support.js";
import { tempDir } from "../support/paths.js";
import { chartRepo, fakeHelm, recordedTemplateOutput } from "./helm-support.js";

before(() => {
  requireBundle();
});

function startFile(folder: string): string {
  return path.join(folder, initStartFile);
}

test("start record: written and read back", () => {
  const folder = tempDir("kreveal-start-");
  const now = Date.now();

  recordInitStart(folder, now);
  assert.equal(readFileSync(startFile(folder), "utf8"), `${now}\n`);
  assert.equal(readInitStart(folder, 50, now + 1_000), now);
});

test("start record: committed link replaced", () => {
  const folder = tempDir("kreveal-start-");
  const target = path.join(tempDir("kreveal-start-target-"), "keep.txt");
  writeFileSync(target, "keep\n");
  symlinkSync(target, startFile(folder));

  recordInitStart(folder, 1_000_000);
  assert.equal(readFileSync(target, "utf8"), "keep\n");
  assert.equal(lstatSync(startFile(folder)).isFile(), true);
  assert.equal(readFileSync(startFile(folder), "utf8"), "1000000\n");
});

test("start record: committed folder replaced", () => {
  const folder = tempDir("kreveal-start-");
  mkdirSync(path.join(startFile(folder), "nested"), { recursive: true });
  writeFileSync(path.join(startFile(folder), "nested", "f"), "x\n");

  recordInitStart(folder, 1_000_000);
  assert.equal(lstatSync(startFile(folder)).isFile(), true);
  assert.equal(readFileSync(startFile(folder), "utf8"), "1000000\n");
});

test("start record: folder link removed", () => {
  const folder = tempDir("kreveal-start-");
  const target = tempDir("kreveal-start-target-");
  writeFileSync(path.join(target, "keep.txt"), "keep\n");
  symlinkSync(target, startFile(folder));

  recordInitStart(folder, 1_000_000);
  assert.equal(readFileSync(path.join(target, "keep.txt"), "utf8"), "keep\n");
  assert.equal(lstatSync(startFile(folder)).isFile(), true);
  assert.equal(readFileSync(startFile(folder), "utf8"), "1000000\n");
});

test("start record: unwritable folder fails", () => {
  const missing = path.join(tempDir("kreveal-start-"), "no-such-folder");

  assert.throws(
    () => recordInitStart(missing, Date.now()),
    (error: unknown) => {
      assert.ok(error instanceof KrevealError, String(error));
      assert.equal(error.code, "TOOL_FAILED");
      assert.equal(error.location, missing);
      assert.match(error.message, /^init could not record its start time in \.kreveal-cmp-started \(ENOENT\)/);
      return true;
    },
  );
});

test("start record: unusable values ignored", () => {
  const now = 2_000_000_000_000;
  const budgetMs = 50_000;
  const cases: Record<string, string> = {
    future: `${now + 1}\n`,
    stale: `${now - budgetMs - staleMarginMs - 1}\n`,
    text: "soon\n",
    negative: `-${now}\n`,
    fraction: `${now - 10}.5\n`,
    long: `${"0".repeat(40)}${now - 10}\n`,
    empty: "",
  };

  for (const [name, text] of Object.entries(cases)) {
    const folder = tempDir("kreveal-start-");
    writeFileSync(startFile(folder), text);
    assert.equal(readInitStart(folder, 50, now), undefined, name);
  }
});

test("start record: usable value limits", () => {
  const now = 2_000_000_000_000;
  const folder = tempDir("kreveal-start-");

  writeFileSync(startFile(folder), `${now}\n`);
  assert.equal(readInitStart(folder, 50, now), now);
  writeFileSync(startFile(folder), `${now - 50_000 - staleMarginMs}`);
  assert.equal(readInitStart(folder, 50, now), now - 50_000 - staleMarginMs);
});

test("start record: link, folder not read", () => {
  const now = Date.now();
  const linked = tempDir("kreveal-start-");
  const target = path.join(tempDir("kreveal-start-target-"), "time");
  writeFileSync(target, `${now}\n`);
  symlinkSync(target, startFile(linked));
  assert.equal(readInitStart(linked, 50, now), undefined);

  const withFolder = tempDir("kreveal-start-");
  mkdirSync(startFile(withFolder));
  assert.equal(readInitStart(withFolder, 50, now), undefined);
  assert.equal(readInitStart(tempDir("kreveal-start-"), 50, now), undefined);
});

test("shared deadline names both commands", () => {
  const deadline = new Deadline(7, Date.now(), "init and generate");
  deadline.enter("helm template");
  assert.equal(deadline.timeoutError().message, "init and generate did not finish within 7 s (KREVEAL_CMP_TIMEOUT_SECONDS): helm template was still running");
});

/** Creates the hello-world chart with a dependency missing from charts/, and a fake helm that sleeps `seconds` in each command. */
function slowChart(seconds: number): { appDir: string; env: Record<string, string> } {
  const { appDir } = chartRepo();
  const chart = "apiVersion: v2\nname: hello-world\nversion: 0.1.0\ndependencies:\n  - name: common\n    version: 1.0.0\n    repository: https://charts.example.test\n";
  writeFileSync(path.join(appDir, "Chart.yaml"), chart);
  const script = `case "$1" in\n  dependency) sleep ${seconds} ;;\n  template) sleep ${seconds}; printf '%s' "$KREVEAL_TEST_OUTPUT" ;;\nesac\n`;
  const { program } = fakeHelm(script);

  const env = isolatedEnv({
    KREVEAL_HELM: program,
    KREVEAL_TEST_OUTPUT: recordedTemplateOutput,
    KREVEAL_CMP_TIMEOUT_SECONDS: "3",
    ARGOCD_APP_NAME: "hello",
    ARGOCD_APP_SOURCE_PATH: "apps/hello",
  });
  return { appDir, env };
}

function cmp(command: string, cwd: string, env: Record<string, string>): RunResult {
  return runKreveal(["cmp", command], { cwd, env });
}

test("init and generate share the budget", () => {
  const { appDir, env } = slowChart(2);

  const init = cmp("init", appDir, env);
  assert.equal(init.status, 0, init.stderr);
  assert.match(readFileSync(startFile(appDir), "utf8"), /^\d+\n$/);

  const generate = cmp("generate", appDir, env);
  assert.equal(generate.status, 1, generate.stderr);
  assert.equal(generate.stdout, "");
  assert.match(generate.stderr, /init and generate did not finish within 3 s \(KREVEAL_CMP_TIMEOUT_SECONDS\): helm template was still running \[TIMEOUT\]/);
});

test("committed start folder keeps budget", () => {
  const { appDir, env } = slowChart(2);
  mkdirSync(startFile(appDir));
  writeFileSync(path.join(startFile(appDir), "f"), "x\n");

  const init = cmp("init", appDir, env);
  assert.equal(init.status, 0, init.stderr);
  assert.match(readFileSync(startFile(appDir), "utf8"), /^\d+\n$/);

  const generate = cmp("generate", appDir, env);
  assert.equal(generate.status, 1, generate.stderr);
  assert.match(generate.stderr, /init and generate did not finish within 3 s \(KREVEAL_CMP_TIMEOUT_SECONDS\)/);
});

test("generate alone has the whole budget", () => {
  const { appDir, env } = slowChart(2);

  const generate = cmp("generate", appDir, env);
  assert.equal(generate.status, 0, generate.stderr);
  assert.match(generate.stdout, /kind: Deployment/);
});

/** Creates a plain folder app with one ConfigMap and returns the app folder. */
function plainApp(): string {
  const root = realpathSync.native(tempRepo());
  const app = path.join(root, "apps", "web");
  mkdirSync(app, { recursive: true });
  writeFileSync(path.join(app, "config.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n");
  return app;
}

function plainEnv(seconds: number): Record<string, string> {
  return isolatedEnv({ KREVEAL_CMP_TIMEOUT_SECONDS: String(seconds), ARGOCD_APP_NAME: "web", ARGOCD_APP_SOURCE_PATH: "apps/web" });
}

test("generate continues a recent start", () => {
  const app = plainApp();
  writeFileSync(startFile(app), `${Date.now() - 1_000}\n`);

  const generate = cmp("generate", app, plainEnv(1));
  assert.equal(generate.status, 1, generate.stderr);
  assert.equal(generate.stdout, "");
  assert.match(generate.stderr, /init and generate did not finish within 1 s \(KREVEAL_CMP_TIMEOUT_SECONDS\): directory read was still running \[TIMEOUT\]/);
});

test("generate ignores stale and future starts", () => {
  for (const startedAt of [Date.now() - 3_600_000, Date.now() + 3_600_000]) {
    const app = plainApp();
    writeFileSync(startFile(app), `${startedAt}\n`);

    const generate = cmp("generate", app, plainEnv(5));
    assert.equal(generate.status, 0, generate.stderr);
    assert.match(generate.stdout, /name: settings/);
  }
});

test("init overwrites a committed start", () => {
  const app = plainApp();
  // Without the overwrite, this start would leave generate no time.
  writeFileSync(startFile(app), `${Date.now() - 5_000}\n`);

  const before = Date.now();
  const init = cmp("init", app, plainEnv(5));
  assert.equal(init.status, 0, init.stderr);
  const recorded = Number(readFileSync(startFile(app), "utf8"));
  assert.ok(recorded >= before, `recorded ${recorded}, before ${before}`);
  assert.ok(recorded <= Date.now(), `recorded ${recorded}`);

  const generate = cmp("generate", app, plainEnv(5));
  assert.equal(generate.status, 0, generate.stderr);
  assert.match(generate.stdout, /name: settings/);
});
