import { readdirSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

import { KrevealError } from "../errors.js";
import { isInside } from "../files/inside.js";

/** A manifest file found below the app folder. */
export interface ManifestFile {
  /** The path relative to the app folder, with "/" between segments. Messages name the file by it. */
  readonly path: string;
  /** The real path, without symbolic links, inside the repository root. */
  readonly real: string;
}

const manifestExtension = /\.(ya?ml|json)$/;

/**
 * Lists every .yaml, .yml and .json file below `appDir` (a real path), sorted by path. Files and
 * folders whose name starts with "." are skipped. A symbolic link is followed when its target
 * lies inside `repoRoot`. A link to a folder or a manifest file outside it is a
 * PATH_OUTSIDE_ROOT error, and a dangling link with a manifest extension is a FILE_NOT_FOUND error.
 */
export function listManifestFiles(appDir: string, repoRoot: string): ManifestFile[] {
  const files: ManifestFile[] = [];
  const visited = new Set<string>([appDir]);
  walk(appDir, "", repoRoot, visited, files);
  return files.sort((a, b) => comparePaths(a.path, b.path));
}

function walk(folder: string, prefix: string, repoRoot: string, visited: Set<string>, files: ManifestFile[]): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) {
      continue;
    }
    const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    const full = path.join(folder, entry.name);

    if (entry.isSymbolicLink()) {
      followLink(full, relative, repoRoot, visited, files);
    } else if (entry.isDirectory()) {
      walk(full, relative, repoRoot, visited, files);
    } else if (entry.isFile() && manifestExtension.test(entry.name)) {
      files.push({ path: relative, real: full });
    }
  }
}

function followLink(link: string, relative: string, repoRoot: string, visited: Set<string>, files: ManifestFile[]): void {
  const isManifestName = manifestExtension.test(relative);
  let real: string;
  try {
    real = realpathSync.native(link);
  } catch {
    if (isManifestName) {
      throw new KrevealError("FILE_NOT_FOUND", "is a symbolic link to a file that does not exist", {
        location: relative,
        fix: "Remove the link or point it at a file inside the repository.",
      });
    }
    return;
  }

  const stat = statSync(real, { throwIfNoEntry: false });
  const isFolder = stat?.isDirectory() === true;
  if (!isFolder && !(isManifestName && stat?.isFile() === true)) {
    return;
  }
  if (!isInside(repoRoot, real)) {
    throw new KrevealError("PATH_OUTSIDE_ROOT", `is a symbolic link to a place outside the repository root ${repoRoot}`, {
      location: relative,
      fix: "Keep the app's manifests inside the repository: replace the link with the file, or remove it.",
    });
  }

  if (!isFolder) {
    files.push({ path: relative, real });
  } else if (!visited.has(real)) {
    // A link back to a folder already walked would otherwise loop.
    visited.add(real);
    walk(real, relative, repoRoot, visited, files);
  }
}

/** Orders paths by UTF-16 code units, the same on every machine, unlike localeCompare. */
function comparePaths(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}
