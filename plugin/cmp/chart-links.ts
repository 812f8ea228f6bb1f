import { readdirSync, realpathSync, statSync, type Dirent } from "node:fs";
import path from "node:path";

import { KrevealError } from "../errors.js";
import { isInside } from "../files/inside.js";

/** The walk stops with an error after this many files and folders, symbolic links followed. */
export const maxChartEntries = 20_000;

/** A folder to walk: its real path, and the path through which the walk reached it. */
interface Folder {
  readonly real: string;
  readonly seen: string;
}

const linkFix = "Replace the link with a copy of the file inside the repository, or remove it: helm reads every file of the chart, links included.";

/**
 * Checks every symbolic link below the chart folder `chartDir` (a real path) before helm reads
 * the chart. Helm 3's chart loader follows symbolic links, and `.Files.Get` returns any file of
 * the chart, dot-files and charts/ included. So a link to a file outside the repository would put
 * that file, such as the sidecar's age key, into the rendered output.
 *
 * A link is a PATH_OUTSIDE_ROOT error, named by its path relative to `repoRoot`, when it resolves
 * outside `repoRoot` or cannot be resolved (dangling). So is a link to something other than a
 * regular file or a folder, such as a FIFO, socket or device. Links to folders are walked too, each
 * real folder once, so a link loop ends. More than maxChartEntries entries is INPUT_MALFORMED.
 */
export function checkChartLinks(chartDir: string, repoRoot: string): void {
  const visited = new Set<string>([chartDir]);
  const queue: Folder[] = [{ real: chartDir, seen: chartDir }];
  let entries = 0;

  for (let folder = queue.shift(); folder !== undefined; folder = queue.shift()) {
    for (const entry of listFolder(folder, repoRoot)) {
      entries++;
      if (entries > maxChartEntries) {
        throw tooManyEntries(chartDir, repoRoot);
      }

      const real = path.join(folder.real, entry.name);
      const seen = path.join(folder.seen, entry.name);
      let target: string | undefined;
      if (entry.isSymbolicLink()) {
        target = resolveLink(real, seen, repoRoot);
      } else if (entry.isDirectory()) {
        target = real;
      }
      if (target !== undefined && !visited.has(target)) {
        visited.add(target);
        queue.push({ real: target, seen });
      }
    }
  }
}

/** A chart dependency's `repository` field and where the chart declares it. */
export interface LocalDependency {
  readonly repository: string | undefined;
  /** The field's place in the chart folder, such as `Chart.yaml: dependencies[0].repository`. */
  readonly repositoryField: string;
}

/**
 * Checks the folders of a chart's `file://` dependencies, which `helm dependency build` packs
 * into charts/ with every file they contain. A folder outside `repoRoot` is PATH_OUTSIDE_ROOT,
 * and the links inside each folder are checked as checkChartLinks does. A folder that does not
 * exist is left for helm to report.
 */
export function checkLocalDependencies(chartDir: string, repoRoot: string, dependencies: readonly LocalDependency[]): void {
  for (const { repository, repositoryField } of dependencies) {
    if (repository === undefined || !repository.startsWith("file://")) {
      continue;
    }

    const folder = path.resolve(chartDir, repository.slice("file://".length));
    const real = realPath(folder);
    if (real === undefined) {
      continue;
    }
    if (!isInside(repoRoot, real)) {
      throw new KrevealError("PATH_OUTSIDE_ROOT", `the file:// dependency leads to a folder outside the repository root ${repoRoot}`, {
        location: `${repoRelative(repoRoot, chartDir)}/${repositoryField}`,
        fix: "Point file:// dependencies at chart folders inside the repository, or use a chart repository.",
      });
    }
    checkChartLinks(real, repoRoot);
  }
}

/** Returns the real folder a link leads to, undefined for a link to a regular file, or throws for a link that is not allowed. */
function resolveLink(link: string, seen: string, repoRoot: string): string | undefined {
  const location = repoRelative(repoRoot, seen);
  const real = realPath(link);
  if (real === undefined) {
    throw new KrevealError("PATH_OUTSIDE_ROOT", "is a symbolic link that cannot be resolved: its target is missing or unreadable", { location, fix: linkFix });
  }
  if (!isInside(repoRoot, real)) {
    throw new KrevealError("PATH_OUTSIDE_ROOT", `is a symbolic link to a place outside the repository root ${repoRoot}`, { location, fix: linkFix });
  }

  const stats = statSync(real, { throwIfNoEntry: false });
  if (stats?.isDirectory() === true) {
    return real;
  }
  if (stats?.isFile() !== true) {
    throw new KrevealError("PATH_OUTSIDE_ROOT", "is a symbolic link to something other than a regular file or folder (a FIFO, socket or device)", { location, fix: linkFix });
  }
  return undefined;
}

function listFolder(folder: Folder, repoRoot: string): Dirent[] {
  try {
    return readdirSync(folder.real, { withFileTypes: true });
  } catch (error) {
    throw new KrevealError("FILE_NOT_FOUND", `the chart folder cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`, {
      location: repoRelative(repoRoot, folder.seen),
      fix: "Check the folder's permissions in the repository.",
      cause: error,
    });
  }
}

function realPath(file: string): string | undefined {
  try {
    return realpathSync.native(file);
  } catch {
    return undefined;
  }
}

function tooManyEntries(chartDir: string, repoRoot: string): KrevealError {
  return new KrevealError("INPUT_MALFORMED", `the chart has more than ${maxChartEntries} files and folders (symbolic links followed), so its links were not all checked`, {
    location: repoRelative(repoRoot, chartDir),
    fix: "Move files that the chart does not need out of its folder, and check for a symbolic link to a large folder.",
  });
}

/** Returns `file` relative to the repository root with "/" between segments, "." for the root itself. */
function repoRelative(repoRoot: string, file: string): string {
  const relative = path.relative(repoRoot, file).split(path.sep).join("/");
  return relative === "" ? "." : relative;
}
