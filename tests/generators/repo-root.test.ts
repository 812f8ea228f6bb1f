import assert from "node:assert/strict";
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { KrevealError } from "../../plugin/errors.js";
import { findRepoRoot } from "../../plugin/files/repo-root.js";
import { isInside } from "../../plugin/files/safe-path.js";
import { tempDir } from "../support/paths.js";

test("repo root: nearest folder with .git", () => {
  const top = realpathSync(tempDir());
  mkdirSync(path.join(top, ".git"));
  const deep = path.join(top, "a", "b");
  mkdirSync(deep, { recursive: true });
  assert.equal(findRepoRoot(deep, {}), top);
});

test("repo root: .git file of a worktree", () => {
  const top = realpathSync(tempDir());
  mkdirSync(path.join(top, ".git"));
  const worktree = path.join(top, "wt");
  mkdirSync(path.join(worktree, "app"), { recursive: true });
  writeFileSync(path.join(worktree, ".git"), "gitdir: ../.git/worktrees/wt\n");
  assert.equal(findRepoRoot(path.join(worktree, "app"), {}), worktree);
});

test("repo root: cwd without any .git", () => {
  // NOTE: assumes that no folder above the system's temp folder contains .git.
  const cwd = realpathSync(tempDir());
  assert.equal(findRepoRoot(cwd, {}), cwd);
});

test("repo root: KREVEAL_REPO_ROOT wins", () => {
  const top = realpathSync(tempDir());
  mkdirSync(path.join(top, ".git"));
  mkdirSync(path.join(top, "app"));
  assert.equal(findRepoRoot(path.join(top, "app"), { KREVEAL_REPO_ROOT: "." }), path.join(top, "app"));
  assert.equal(findRepoRoot(path.join(top, "app"), { KREVEAL_REPO_ROOT: top }), top);
});

test("repo root: KREVEAL_REPO_ROOT must exist", () => {
  assert.throws(
    () => findRepoRoot(tempDir(), { KREVEAL_REPO_ROOT: "/nonexistent/kreveal-root" }),
    (error: unknown) => error instanceof KrevealError && error.code === "FILE_NOT_FOUND",
  );
});

test("isInside: boundaries", () => {
  assert.equal(isInside("/repo", "/repo"), true);
  assert.equal(isInside("/repo", "/repo/a/b"), true);
  assert.equal(isInside("/repo", "/repo/..a"), true);
  assert.equal(isInside("/repo", "/repository"), false);
  assert.equal(isInside("/repo", "/"), false);
  assert.equal(isInside("/repo/a", "/repo/b"), false);
});
