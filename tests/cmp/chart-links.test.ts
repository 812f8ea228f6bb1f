// Symbolic links in a Helm chart: helm follows them, so kreveal checks them before helm runs.
// helm cannot be installed on the test machines, so a fake `helm` records whether it ran.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { Deadline } from "../../plugin/cmp/budget.js";
import { checkChartLinks, maxChartEntries } from "../../plugin/cmp/chart-links.js";
import { templateChart } from "../../plugin/cmp/helm.js";
import { runInit } from "../../plugin/cmp/init.js";
import { KrevealError } from "../../plugin/errors.js";
import { captureStderr, chartRepo, fakeHelm, identity, recordedLines, recordedTemplateOutput, settings, type ChartRepo } from "./helm-support.js";

/** Creates the sidecar's key file outside the repository, as the target of hostile links. */
function outsideKey(repo: ChartRepo): string {
  const keys = path.join(repo.outside, "keys");
  mkdirSync(keys);
  const key = path.join(keys, "age.txt");
  writeFileSync(key, "AGE-SECRET-KEY-NOT-A-REAL-KEY\n");
  return key;
}

function linkError(action: () => void): KrevealError {
  try {
    action();
  } catch (error) {
    assert.ok(error instanceof KrevealError, String(error));
    return error;
  }
  assert.fail("no error");
}

function helmEnv(bin: string): NodeJS.ProcessEnv {
  return { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`, KREVEAL_TEST_OUTPUT: recordedTemplateOutput };
}

test("chart links: file outside the repository", () => {
  const repo = chartRepo();
  symlinkSync(outsideKey(repo), path.join(repo.appDir, "key.txt"));

  const error = linkError(() => checkChartLinks(repo.appDir, repo.root));
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(error.location, "apps/hello/key.txt");
  assert.match(error.message, /outside the repository root/);
  assert.doesNotMatch(error.describe(), /AGE-SECRET-KEY/);
});

test("chart links: hidden and nested places", () => {
  const places = [".key", "charts/sub/files/key.txt", "templates/.hidden/key", "charts/.sub/Chart.yaml"];
  for (const place of places) {
    const repo = chartRepo();
    const key = outsideKey(repo);
    mkdirSync(path.dirname(path.join(repo.appDir, place)), { recursive: true });
    symlinkSync(key, path.join(repo.appDir, place));

    const error = linkError(() => checkChartLinks(repo.appDir, repo.root));
    assert.equal(error.code, "PATH_OUTSIDE_ROOT", place);
    assert.equal(error.location, `apps/hello/${place}`, place);
  }
});

test("chart links: folder link outside repository", () => {
  const repo = chartRepo();
  outsideKey(repo);
  symlinkSync(path.join(repo.outside, "keys"), path.join(repo.appDir, "files"));

  const error = linkError(() => checkChartLinks(repo.appDir, repo.root));
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(error.location, "apps/hello/files");
});

test("chart links: link in linked folder", () => {
  const repo = chartRepo();
  const shared = path.join(repo.root, "shared");
  mkdirSync(shared);
  symlinkSync(outsideKey(repo), path.join(shared, "key.txt"));
  symlinkSync("../../shared", path.join(repo.appDir, "files"));

  const error = linkError(() => checkChartLinks(repo.appDir, repo.root));
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(error.location, "apps/hello/files/key.txt");
});

test("chart links: dangling link", () => {
  const repo = chartRepo();
  symlinkSync("missing.txt", path.join(repo.appDir, "gone.txt"));

  const error = linkError(() => checkChartLinks(repo.appDir, repo.root));
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(error.location, "apps/hello/gone.txt");
  assert.match(error.message, /cannot be resolved/);
});

test("chart links: FIFO and device outside", () => {
  const repo = chartRepo();
  const fifo = path.join(repo.outside, "pipe");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0, "mkfifo failed");
  const targets = { "pipe.txt": fifo, "null.txt": "/dev/null" };

  for (const [name, target] of Object.entries(targets)) {
    const link = path.join(repo.appDir, name);
    symlinkSync(target, link);
    const error = linkError(() => checkChartLinks(repo.appDir, repo.root));
    assert.equal(error.code, "PATH_OUTSIDE_ROOT", name);
    assert.equal(error.location, `apps/hello/${name}`, name);
    unlinkSync(link);
  }
});

test("chart links: FIFO inside the repository", () => {
  const repo = chartRepo();
  const fifo = path.join(repo.root, "pipe");
  assert.equal(spawnSync("mkfifo", [fifo]).status, 0, "mkfifo failed");
  symlinkSync("../../pipe", path.join(repo.appDir, "pipe.txt"));

  const error = linkError(() => checkChartLinks(repo.appDir, repo.root));
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(error.location, "apps/hello/pipe.txt");
  assert.match(error.message, /other than a regular file or folder/);
});

test("chart links: internal links pass", () => {
  const repo = chartRepo();
  mkdirSync(path.join(repo.root, "shared", "nested"), { recursive: true });
  writeFileSync(path.join(repo.root, "shared", "nested", "config.txt"), "shared config\n");
  symlinkSync("../../shared/nested/config.txt", path.join(repo.appDir, "config.txt"));
  symlinkSync("../../shared", path.join(repo.appDir, "shared"));
  symlinkSync("values.yaml", path.join(repo.appDir, ".values-link"));

  assert.doesNotThrow(() => checkChartLinks(repo.appDir, repo.root));
});

test("chart links: folder loops end", () => {
  const repo = chartRepo();
  symlinkSync(".", path.join(repo.appDir, "self"));
  symlinkSync("..", path.join(repo.appDir, "templates", "up"));
  symlinkSync("../..", path.join(repo.appDir, "root"));

  assert.doesNotThrow(() => checkChartLinks(repo.appDir, repo.root));
});

test("chart links: walk is bounded", () => {
  const repo = chartRepo();
  const many = path.join(repo.appDir, "files");
  mkdirSync(many);
  for (let index = 0; index <= maxChartEntries; index++) {
    writeFileSync(path.join(many, `f${index}`), "");
  }

  const error = linkError(() => checkChartLinks(repo.appDir, repo.root));
  assert.equal(error.code, "INPUT_MALFORMED");
  assert.equal(error.location, "apps/hello");
  assert.match(error.message, new RegExp(`more than ${maxChartEntries} files and folders`));
});

test("helm template: escaping link stops helm", async () => {
  const repo = chartRepo();
  symlinkSync(outsideKey(repo), path.join(repo.appDir, "key.txt"));
  const { bin, records } = fakeHelm();

  const { error } = await captureStderr(() =>
    templateChart({ appDir: repo.appDir, repoRoot: repo.root, app: identity(), settings: settings(), env: helmEnv(bin), deadline: new Deadline(30) }),
  );

  assert.ok(error instanceof KrevealError);
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(error.location, "apps/hello/key.txt");
  assert.equal(recordedLines(records, "args"), undefined);
});

test("helm template: internal link runs helm", async () => {
  const repo = chartRepo();
  writeFileSync(path.join(repo.root, "shared.txt"), "shared\n");
  symlinkSync("../../shared.txt", path.join(repo.appDir, "shared.txt"));
  const { bin, records } = fakeHelm();

  const { error, result } = await captureStderr(() =>
    templateChart({ appDir: repo.appDir, repoRoot: repo.root, app: identity(), settings: settings(), env: helmEnv(bin), deadline: new Deadline(30) }),
  );

  assert.equal(error, undefined);
  assert.equal(result?.length, 2);
  assert.equal(recordedLines(records, "args")?.[0], "template");
});

/** Writes a Chart.yaml whose one dependency is missing from charts/, so init would run helm. */
function chartWithDependency(repo: ChartRepo, repository: string): void {
  const chart = `apiVersion: v2\nname: hello-world\nversion: 0.1.0\ndependencies:\n  - name: common\n    version: 1.0.0\n    repository: ${repository}\n`;
  writeFileSync(path.join(repo.appDir, "Chart.yaml"), chart);
}

test("init: escaping link stops helm", async () => {
  const repo = chartRepo();
  chartWithDependency(repo, "https://charts.example.test");
  symlinkSync(outsideKey(repo), path.join(repo.appDir, "key.txt"));
  const { bin, records } = fakeHelm();

  const { error } = await captureStderr(() => runInit({ appDir: repo.appDir, repoRoot: repo.root, env: helmEnv(bin), deadline: new Deadline(30) }));

  assert.ok(error instanceof KrevealError);
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(error.location, "apps/hello/key.txt");
  assert.equal(recordedLines(records, "args"), undefined);
});

test("init: file:// dependency with escaping link", async () => {
  const repo = chartRepo();
  const common = path.join(repo.root, "charts", "common");
  mkdirSync(common, { recursive: true });
  writeFileSync(path.join(common, "Chart.yaml"), "apiVersion: v2\nname: common\nversion: 1.0.0\n");
  symlinkSync(outsideKey(repo), path.join(common, "key.txt"));
  chartWithDependency(repo, "file://../../charts/common");
  const { bin, records } = fakeHelm();

  const { error } = await captureStderr(() => runInit({ appDir: repo.appDir, repoRoot: repo.root, env: helmEnv(bin), deadline: new Deadline(30) }));

  assert.ok(error instanceof KrevealError);
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(error.location, "charts/common/key.txt");
  assert.equal(recordedLines(records, "args"), undefined);
});

test("init: file:// dependency outside the repository", async () => {
  const repo = chartRepo();
  const outsideChart = path.join(repo.outside, "common");
  mkdirSync(outsideChart);
  writeFileSync(path.join(outsideChart, "Chart.yaml"), "apiVersion: v2\nname: common\nversion: 1.0.0\n");
  chartWithDependency(repo, `file://${outsideChart}`);
  const { bin, records } = fakeHelm();

  const { error } = await captureStderr(() => runInit({ appDir: repo.appDir, repoRoot: repo.root, env: helmEnv(bin), deadline: new Deadline(30) }));

  assert.ok(error instanceof KrevealError);
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(error.location, "apps/hello/Chart.yaml: dependencies[0].repository");
  assert.equal(recordedLines(records, "args"), undefined);
});

test("init: internal file:// dependency runs helm", async () => {
  const repo = chartRepo();
  const common = path.join(repo.root, "charts", "common");
  mkdirSync(common, { recursive: true });
  writeFileSync(path.join(common, "Chart.yaml"), "apiVersion: v2\nname: common\nversion: 1.0.0\n");
  chartWithDependency(repo, "file://../../charts/common");
  const { bin, records } = fakeHelm("");

  const { error } = await captureStderr(() => runInit({ appDir: repo.appDir, repoRoot: repo.root, env: helmEnv(bin), deadline: new Deadline(30) }));

  assert.equal(error, undefined);
  assert.deepEqual(recordedLines(records, "args"), ["dependency", "build"]);
});
