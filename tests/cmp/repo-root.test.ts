import assert from "node:assert/strict";
import { mkdirSync, realpathSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { deriveRepoRoot } from "../../plugin/cmp/repo-root.js";
import { tempDir } from "../support/paths.js";

/** Creates a real temp folder with apps/web inside and no .git anywhere in it. */
function layout(): { root: string; app: string } {
  const root = realpathSync.native(tempDir("kreveal-cmp-root-"));
  const app = path.join(root, "apps", "web");
  mkdirSync(app, { recursive: true });
  return { root, app };
}

test("source path suffix is cut off", () => {
  const { root, app } = layout();
  for (const sourcePath of ["apps/web", "./apps/web", "apps/web/", "/apps//web", "apps/./web"]) {
    assert.equal(deriveRepoRoot(app, sourcePath, {}), root, sourcePath);
  }
});

test("root source path means app folder", () => {
  const { root } = layout();
  for (const sourcePath of ["", ".", "./", "/"]) {
    assert.equal(deriveRepoRoot(root, sourcePath, {}), root, JSON.stringify(sourcePath));
  }
});

test("suffix must match whole segments", () => {
  const { root, app } = layout();
  mkdirSync(path.join(root, ".git"));
  // "eb" is a string suffix of "web" but not a segment, so the .git lookup decides.
  assert.equal(deriveRepoRoot(app, "eb", {}), root);
  assert.equal(deriveRepoRoot(app, "other/web", {}), root);
});

test("unset or escaping path uses .git", () => {
  const { root, app } = layout();
  mkdirSync(path.join(root, "apps", ".git"));
  assert.equal(deriveRepoRoot(app, undefined, {}), path.join(root, "apps"));
  assert.equal(deriveRepoRoot(app, "../web", {}), path.join(root, "apps"));
});

test("fallback honours KREVEAL_REPO_ROOT", () => {
  const { root, app } = layout();
  assert.equal(deriveRepoRoot(app, "nowhere", { KREVEAL_REPO_ROOT: root }), root);
});

test("no .git and no match: app folder", () => {
  const { app } = layout();
  assert.equal(deriveRepoRoot(app, "unrelated/path", {}), app);
});
