// helm cannot be installed on the test machines (no network to get.helm.sh), so these tests run
// runInit against a fake `helm` shell script that records its arguments and working folder.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { Deadline } from "../../plugin/cmp/budget.js";
import { runInit } from "../../plugin/cmp/init.js";
import { KrevealError } from "../../plugin/errors.js";
import { captureStderr, chartRepo, fakeHelm, recordedLines } from "./helm-support.js";

const dependencies = `dependencies:
  - name: redis
    version: 17.11.3
    repository: https://charts.example.test
  - name: common
    version: "~2.2.0"
    repository: file://../common
`;

/** Creates the hello-world chart with two dependencies in its Chart.yaml and an empty charts/ folder. */
function chartWithDependencies(): string {
  const { appDir } = chartRepo();
  writeFileSync(path.join(appDir, "Chart.yaml"), `apiVersion: v2\nname: hello-world\nversion: 0.1.0\n${dependencies}`);
  mkdirSync(path.join(appDir, "charts"));
  return appDir;
}

function helmEnv(bin: string): NodeJS.ProcessEnv {
  return { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` };
}

test("init: missing dependencies run helm", async () => {
  const appDir = chartWithDependencies();
  writeFileSync(path.join(appDir, "charts", "redis-17.11.3.tgz"), "archive");
  const { bin, records } = fakeHelm("echo 'Saving 1 charts'\necho 'Deleting outdated charts' >&2\n");

  const { error, stderr } = await captureStderr(() => runInit({ appDir, env: helmEnv(bin), deadline: new Deadline(30) }));

  assert.equal(error, undefined);
  assert.deepEqual(recordedLines(records, "args"), ["dependency", "build"]);
  assert.deepEqual(recordedLines(records, "cwd"), [appDir]);
  assert.match(stderr, /^kreveal: note: running helm dependency build for common$/m);
  assert.match(stderr, /^Saving 1 charts$/m);
  assert.match(stderr, /^Deleting outdated charts$/m);
});

test("init: dependencies present, helm not run", async () => {
  const layouts: ((appDir: string) => void)[] = [
    (appDir) => {
      writeFileSync(path.join(appDir, "charts", "redis-17.11.3.tgz"), "archive");
      writeFileSync(path.join(appDir, "charts", "common-2.2.5.tgz"), "archive");
    },
    (appDir) => {
      mkdirSync(path.join(appDir, "charts", "redis"));
      mkdirSync(path.join(appDir, "charts", "common"));
    },
  ];

  for (const [index, layout] of layouts.entries()) {
    const appDir = chartWithDependencies();
    layout(appDir);
    const { bin, records } = fakeHelm();

    const { error } = await captureStderr(() => runInit({ appDir, env: helmEnv(bin), deadline: new Deadline(30) }));

    assert.equal(error, undefined, `layout ${index}`);
    assert.equal(recordedLines(records, "args"), undefined, `layout ${index}`);
  }
});

test("init: other chart's archive ignored", async () => {
  const appDir = chartWithDependencies();
  writeFileSync(path.join(appDir, "charts", "redis-17.11.3.tgz"), "archive");
  writeFileSync(path.join(appDir, "charts", "common-tools-1.0.0.tgz"), "archive");
  writeFileSync(path.join(appDir, "charts", "redis-17.11.2.tgz"), "archive");
  const { bin, records } = fakeHelm();

  const { error } = await captureStderr(() => runInit({ appDir, env: helmEnv(bin), deadline: new Deadline(30) }));

  assert.equal(error, undefined);
  assert.deepEqual(recordedLines(records, "args"), ["dependency", "build"]);
});

test("init: nothing to do without dependencies", async () => {
  const { appDir } = chartRepo();
  const { bin, records } = fakeHelm();

  const { error, stderr } = await captureStderr(() => runInit({ appDir, env: helmEnv(bin), deadline: new Deadline(30) }));

  assert.equal(error, undefined);
  assert.equal(stderr, "");
  assert.equal(recordedLines(records, "args"), undefined);
});

test("init: kustomize app with Chart.yaml skipped", async () => {
  const appDir = chartWithDependencies();
  writeFileSync(path.join(appDir, "kustomization.yaml"), "resources: []\n");
  const { bin, records } = fakeHelm();

  const { error } = await captureStderr(() => runInit({ appDir, env: helmEnv(bin), deadline: new Deadline(30) }));
  assert.equal(error, undefined);
  assert.equal(recordedLines(records, "args"), undefined);

  const asHelm = await captureStderr(() => runInit({ appDir, env: helmEnv(bin), deadline: new Deadline(30), source: "helm" }));
  assert.equal(asHelm.error, undefined);
  assert.deepEqual(recordedLines(records, "args"), ["dependency", "build"]);
});

test("init: apiVersion v1 requirements.yaml", async () => {
  const { appDir } = chartRepo();
  writeFileSync(path.join(appDir, "Chart.yaml"), "apiVersion: v1\nname: hello-world\nversion: 0.1.0\n");
  writeFileSync(path.join(appDir, "requirements.yaml"), dependencies);
  const { bin, records } = fakeHelm();

  const { error } = await captureStderr(() => runInit({ appDir, env: helmEnv(bin), deadline: new Deadline(30) }));
  assert.equal(error, undefined);
  assert.deepEqual(recordedLines(records, "args"), ["dependency", "build"]);
});

test("init: helm failure is TOOL_FAILED", async () => {
  const appDir = chartWithDependencies();
  const { bin } = fakeHelm("echo 'Error: no repository definition for https://charts.example.test' >&2\nexit 1\n");

  const { error, stderr } = await captureStderr(() => runInit({ appDir, env: helmEnv(bin), deadline: new Deadline(30) }));

  assert.ok(error instanceof KrevealError);
  assert.equal(error.code, "TOOL_FAILED");
  assert.match(error.message, /helm dependency build failed with exit status 1/);
  assert.match(stderr, /^Error: no repository definition for https:\/\/charts\.example\.test$/m);
});

test("init: timeout is TIMEOUT", async () => {
  const appDir = chartWithDependencies();
  const { bin } = fakeHelm("sleep 30\n");

  const { error } = await captureStderr(() => runInit({ appDir, env: helmEnv(bin), deadline: new Deadline(1) }));

  assert.ok(error instanceof KrevealError);
  assert.equal(error.code, "TIMEOUT");
  assert.match(error.message, /helm dependency build did not finish within 1 s/);
});
