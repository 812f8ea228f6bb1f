import { realpathSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";

import { KrevealError } from "../errors.js";
import { isInside } from "./inside.js";
import { keyLocationOf, keyLocations, type KeyLocations } from "./key-locations.js";

export { isInside };

/** The folders that generator inputs are looked up in, both real paths (no symbolic links). */
export interface InputFolders {
  /** The kustomization folder: relative input paths start here. */
  readonly cwd: string;
  /** The repository root: no input may resolve outside it. */
  readonly root: string;
  /** Private key locations that no input may come from; read from the environment when absent. */
  readonly keyLocations?: KeyLocations;
}

/**
 * Resolves an input path named by a generator field and returns the real path of the file.
 * Rejects absolute paths, `..` segments that leave the repository root and symbolic links that
 * point outside it (PATH_OUTSIDE_ROOT), and paths with no file behind them (FILE_NOT_FOUND).
 * `field` names the generator field in messages, e.g. `files[0]`.
 */
export function resolveInputPath(field: string, path: string, folders: InputFolders): string {
  const location = `${field} "${path}"`;
  if (isAbsolute(path)) {
    throw outsideRoot(location, "is an absolute path; input paths must be relative to the kustomization folder");
  }

  const lexical = resolve(folders.cwd, path);
  if (!isInside(folders.root, lexical)) {
    throw outsideRoot(location, `leaves the repository root ${folders.root}`);
  }

  const real = realPathOf(lexical, location);
  if (!isInside(folders.root, real)) {
    throw outsideRoot(location, `follows a symbolic link to a place outside the repository root ${folders.root}`);
  }

  const keyLocation = keyLocationOf(real, folders.keyLocations ?? keyLocations());
  if (keyLocation !== undefined) {
    throw new KrevealError("PATH_PROTECTED", keyLocation, {
      location,
      fix: "Generator inputs may not come from key stores. If this really is data for a Secret, copy it into the repository.",
    });
  }

  if (!statSync(real).isFile()) {
    throw new KrevealError("CONFIG_INVALID", "is not a regular file", {
      location,
      fix: "Name a file; folders and devices cannot be read as generator inputs.",
    });
  }
  return real;
}


function realPathOf(path: string, location: string): string {
  try {
    return realpathSync.native(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new KrevealError("FILE_NOT_FOUND", "no such file", {
        location,
        fix: "Check the path: it is relative to the folder of the kustomization that lists the generator.",
      });
    }
    throw new KrevealError("FILE_NOT_FOUND", `cannot be read (${code ?? "unknown error"})`, {
      location,
      fix: "Check the file's permissions.",
      cause: error,
    });
  }
}

function outsideRoot(location: string, message: string): KrevealError {
  return new KrevealError("PATH_OUTSIDE_ROOT", message, {
    location,
    fix: "Keep generator inputs inside the repository, or set KREVEAL_REPO_ROOT to a folder that contains them.",
  });
}
