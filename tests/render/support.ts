import { accessSync, chmodSync, constants, readFileSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

import { runKreveal, type RunResult } from "../e2e/support.js";
import { tempDir } from "../support/paths.js";

/** Runs the bundled `kreveal render` with the given arguments. */
export function render(args: readonly string[], options: { cwd: string; env: Record<string, string> }): RunResult {
  return runKreveal(["render", ...args], options);
}

/** Writes an executable shell script called `name` into `folder` and returns its path. */
export function writeProgram(folder: string, name: string, script: string): string {
  const file = path.join(folder, name);
  writeFileSync(file, `#!/bin/sh\n${script}`);
  chmodSync(file, 0o755);
  return file;
}

/** Quotes a value for a POSIX shell script. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Returns this process's PATH without the folders that contain a `kustomize` program, so that
 * `kreveal render` falls back to kubectl. When that also drops kubectl or node, a fresh folder with
 * links to them is put in front.
 */
export function pathWithoutKustomize(): string {
  const folders = (process.env.PATH ?? "").split(path.delimiter).filter((folder) => folder !== "" && !isExecutable(path.join(folder, "kustomize")));

  const links = tempDir("kreveal-bin-");
  for (const name of ["kubectl", "node"]) {
    if (!folders.some((folder) => isExecutable(path.join(folder, name)))) {
      const original = (process.env.PATH ?? "").split(path.delimiter).map((folder) => path.join(folder, name)).find(isExecutable);
      if (original !== undefined) {
        symlinkSync(original, path.join(links, name));
      }
    }
  }
  return [links, ...folders].join(path.delimiter);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Tells whether a process still runs. A zombie, which still accepts signal 0, counts as ended. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") {
      return false;
    }
    throw error;
  }

  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    // No /proc (macOS): signal 0 succeeded, so the process exists.
    return true;
  }
}

/** Waits up to `ms` milliseconds for a process to end; returns whether it ended. */
export async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (isRunning(pid)) {
    if (Date.now() > deadline) {
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}
