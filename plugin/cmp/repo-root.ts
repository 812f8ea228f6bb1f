import path from "node:path";

import { findRepoRoot } from "../files/repo-root.js";

/**
 * Finds the root of the repository copy that Argo CD sent: the app folder `appDir` (a real path)
 * minus ARGOCD_APP_SOURCE_PATH when it ends with that path, segment by segment. A source path
 * of "", "." or "/" means the app is the repository root. When the variable is unset, the path
 * leaves the repository with "..", or the folder does not end with it, the root is found as
 * everywhere else in kreveal: KREVEAL_REPO_ROOT, else the nearest folder with .git.
 */
export function deriveRepoRoot(appDir: string, sourcePath: string | undefined, env: NodeJS.ProcessEnv): string {
  const normalized = normalizeSourcePath(sourcePath);
  if (normalized === ".") {
    return appDir;
  }

  if (normalized !== undefined) {
    const appSegments = appDir.split(path.sep);
    const sourceSegments = normalized.split("/");
    const tail = appSegments.slice(-sourceSegments.length);
    if (appSegments.length > sourceSegments.length && tail.join("/") === sourceSegments.join("/")) {
      return appSegments.slice(0, -sourceSegments.length).join(path.sep) || path.sep;
    }
  }
  return findRepoRoot(appDir, env);
}

/** Returns the source path without "./", duplicate and trailing slashes: "." for the root, undefined when unset or when it leaves the repository. */
function normalizeSourcePath(sourcePath: string | undefined): string | undefined {
  if (sourcePath === undefined) {
    return undefined;
  }
  const trimmed = sourcePath.trim();

  const normalized = path.posix.normalize(trimmed.replace(/^\/+/, "")).replace(/\/+$/, "");
  if (normalized === "" || normalized === ".") {
    return ".";
  }
  if (normalized === ".." || normalized.startsWith("../")) {
    return undefined;
  }
  return normalized;
}
