// A chart may list dependencies in Chart.yaml and in requirements.yaml at once, and helm 3 lets
// those of requirements.yaml replace the others. So init checks and counts both lists.
// helm cannot be installed on the test machines, so a fake `helm` records whether it ran.
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { Deadline } from "../../plugin/cmp/budget.js";
import { runInit } from "../../plugin/cmp/init.js";
import { KrevealError } from "../../plugin/errors.js";
import { captureStderr, chartRepo, fakeHelm, recordedLines, type ChartRepo } from "./helm-support.js";

function helmEnv(bin: string): NodeJS.ProcessEnv {
  return { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}` };
}

/** Creates the chart folder lib/NAME in the repository and returns it. */
function libraryChart(repo: ChartRepo, name: string): string {
  const folder = path.join(repo.root, "lib", name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, "Chart.yaml"), `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n`);
  return folder;
}

/** Writes a dependency list with one entry to `file` in the chart folder. */
function listDependency(repo: ChartRepo, file: "Chart.yaml" | "requirements.yaml", name: string, repository: string): void {
  const header = file === "Chart.yaml" ? "apiVersion: v2\nname: hello-world\nversion: 0.1.0\n" : "";
  writeFileSync(path.join(repo.appDir, file), `${header}dependencies:\n  - name: ${name}\n    version: 0.1.0\n    repository: ${repository}\n`);
}

/** Creates a key file outside the repository, as the target of a hostile link. */
function outsideKey(repo: ChartRepo): string {
  const key = path.join(repo.outside, "age.txt");
  writeFileSync(key, "AGE-SECRET-KEY-NOT-A-REAL-KEY\n");
  return key;
}

/** Creates a chart that lists lib/benign in Chart.yaml and lib/evil, which links to a key outside, in requirements.yaml. */
function chartWithEvilRequirement(): ChartRepo {
  const repo = chartRepo();
  libraryChart(repo, "benign");
  symlinkSync(outsideKey(repo), path.join(libraryChart(repo, "evil"), "key.txt"));
  listDependency(repo, "Chart.yaml", "benign", "file://../../lib/benign");
  listDependency(repo, "requirements.yaml", "evil", "file://../../lib/evil");
  return repo;
}

async function init(repo: ChartRepo, bin: string) {
  return captureStderr(() => runInit({ appDir: repo.appDir, repoRoot: repo.root, env: helmEnv(bin), deadline: new Deadline(30) }));
}

test("init: both dependency lists checked", async () => {
  const repo = chartWithEvilRequirement();
  const { bin, records } = fakeHelm("");

  const { error } = await init(repo, bin);

  assert.ok(error instanceof KrevealError, String(error));
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(error.location, "lib/evil/key.txt");
  assert.equal(recordedLines(records, "args"), undefined, "helm ran");
});

test("init: requirements.yaml chart outside repository", async () => {
  const repo = chartRepo();
  libraryChart(repo, "benign");
  const outsideChart = path.join(repo.outside, "evil");
  mkdirSync(outsideChart);
  writeFileSync(path.join(outsideChart, "Chart.yaml"), "apiVersion: v2\nname: evil\nversion: 0.1.0\n");
  listDependency(repo, "Chart.yaml", "benign", "file://../../lib/benign");
  listDependency(repo, "requirements.yaml", "evil", `file://${outsideChart}`);
  const { bin, records } = fakeHelm("");

  const { error } = await init(repo, bin);

  assert.ok(error instanceof KrevealError, String(error));
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(error.location, "apps/hello/requirements.yaml: dependencies[0].repository");
  assert.equal(recordedLines(records, "args"), undefined, "helm ran");
});

test("init: present requirements.yaml dependency still checked", async () => {
  // The evil chart is already in charts/, but the missing benign one makes helm rebuild every
  // dependency, the evil folder included.
  const repo = chartWithEvilRequirement();
  mkdirSync(path.join(repo.appDir, "charts", "evil"), { recursive: true });
  const { bin, records } = fakeHelm("");

  const { error } = await init(repo, bin);

  assert.ok(error instanceof KrevealError, String(error));
  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.equal(recordedLines(records, "args"), undefined, "helm ran");
});

test("init: missing requirements.yaml dependency runs helm", async () => {
  const repo = chartRepo();
  libraryChart(repo, "benign");
  libraryChart(repo, "extra");
  mkdirSync(path.join(repo.appDir, "charts", "benign"), { recursive: true });
  listDependency(repo, "Chart.yaml", "benign", "file://../../lib/benign");
  listDependency(repo, "requirements.yaml", "extra", "file://../../lib/extra");
  const { bin, records } = fakeHelm("");

  const { error, stderr } = await init(repo, bin);

  assert.equal(error, undefined);
  assert.match(stderr, /^kreveal: note: running helm dependency build for extra$/m);
  assert.deepEqual(recordedLines(records, "args"), ["dependency", "build"]);
});

test("init: all dependencies present, no helm", async () => {
  const repo = chartRepo();
  libraryChart(repo, "benign");
  libraryChart(repo, "extra");
  mkdirSync(path.join(repo.appDir, "charts", "benign"), { recursive: true });
  mkdirSync(path.join(repo.appDir, "charts", "extra"), { recursive: true });
  listDependency(repo, "Chart.yaml", "benign", "file://../../lib/benign");
  listDependency(repo, "requirements.yaml", "extra", "file://../../lib/extra");
  const { bin, records } = fakeHelm("");

  const { error } = await init(repo, bin);

  assert.equal(error, undefined);
  assert.equal(recordedLines(records, "args"), undefined, "helm ran");
});
