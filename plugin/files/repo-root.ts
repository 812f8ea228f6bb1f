import { realpathSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

import { KrevealError } from "../errors.js";

/**
 * Finds the repository root that generator inputs must stay inside: `KREVEAL_REPO_ROOT` when it
 * is set, else the nearest folder from `cwd` upwards that contains `.git` (a folder, or a file in
 * worktrees and submodules), else `cwd` itself. Returns a real path without symbolic links.
 * Synchronous, like the rest of the start-up path: the first asynchronous file call starts libuv's
 * thread pool and loads node:fs/promises, which together cost more than the lookup itself.
 */
export function findRepoRoot(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.KREVEAL_REPO_ROOT;
  if (configured !== undefined && configured !== "") {
    return realFolder(resolve(cwd, configured));
  }

  const start = realFolder(cwd);
  for (let folder = start; ; folder = dirname(folder)) {
    if (exists(join(folder, ".git"))) {
      return folder;
    }
    if (dirname(folder) === folder) {
      return start;
    }
  }
}

function realFolder(path: string): string {
  try {
    const real = realpathSync.native(path);
    if (statSync(real).isDirectory()) {
      return real;
    }
  } catch {
    // Reported below with the same message as a path that is not a folder.
  }
  throw new KrevealError("FILE_NOT_FOUND", "the repository root is not an existing folder", {
    location: path,
    fix: "Set KREVEAL_REPO_ROOT to the folder that contains the repository, or unset it to use the folder that contains .git.",
  });
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
