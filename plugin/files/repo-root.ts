import { realpath, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

import { KrevealError } from "../errors.js";

/**
 * Finds the repository root that generator inputs must stay inside: `KREVEAL_REPO_ROOT` when it
 * is set, else the nearest folder from `cwd` upwards that contains `.git` (a folder, or a file in
 * worktrees and submodules), else `cwd` itself. Returns a real path without symbolic links.
 */
export async function findRepoRoot(cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const configured = env.KREVEAL_REPO_ROOT;
  if (configured !== undefined && configured !== "") {
    return realFolder(resolve(cwd, configured));
  }

  const start = await realFolder(cwd);
  for (let folder = start; ; folder = dirname(folder)) {
    if (await exists(join(folder, ".git"))) {
      return folder;
    }
    if (dirname(folder) === folder) {
      return start;
    }
  }
}

async function realFolder(path: string): Promise<string> {
  try {
    const real = await realpath(path);
    if ((await stat(real)).isDirectory()) {
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

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
