import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { detectSource, kustomizationFiles } from "../../plugin/cmp/source.js";
import { KrevealError } from "../../plugin/errors.js";
import { tempDir } from "../support/paths.js";

function appWith(...files: string[]): string {
  const app = tempDir("kreveal-cmp-source-");
  for (const file of files) {
    writeFileSync(path.join(app, file), "{}\n");
  }
  return app;
}

test("auto: each kustomization name", () => {
  for (const name of kustomizationFiles) {
    assert.equal(detectSource(appWith(name, "Chart.yaml"), "auto"), "kustomize", name);
  }
});

test("auto: Chart.yaml is helm", () => {
  assert.equal(detectSource(appWith("Chart.yaml", "values.yaml"), "auto"), "helm");
});

test("auto: otherwise directory", () => {
  assert.equal(detectSource(appWith("deployment.yaml", "kustomization.json", "chart.yaml"), "auto"), "directory");
});

test("auto: kustomization-named folder ignored", () => {
  const app = appWith();
  mkdirSync(path.join(app, "kustomization.yaml"));
  assert.equal(detectSource(app, "auto"), "directory");
});

test("explicit source overrides detection", () => {
  const both = appWith("kustomization.yaml", "Chart.yaml");
  assert.equal(detectSource(both, "helm"), "helm");
  assert.equal(detectSource(both, "directory"), "directory");
  assert.equal(detectSource(both, "kustomize"), "kustomize");
});

test("explicit source without its file fails", () => {
  const app = appWith("deployment.yaml");
  for (const source of ["kustomize", "helm"] as const) {
    assert.throws(
      () => detectSource(app, source),
      (error: unknown) => {
        assert.ok(error instanceof KrevealError, `${source}: ${String(error)}`);
        assert.equal(error.code, "FILE_NOT_FOUND", source);
        assert.ok(error.message.includes(`the source is set to ${source}`), error.message);
        return true;
      },
      source,
    );
  }
});
