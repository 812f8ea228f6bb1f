import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

import { KrevealError } from "../errors.js";

/** The program and arguments that build one kustomization. */
export interface KustomizeCommand {
  /** Absolute path of the program found on PATH. */
  readonly program: string;
  readonly args: readonly string[];
  /** `kustomize build` or `kubectl kustomize`, for messages. */
  readonly name: string;
}

export interface KustomizeCommandOptions {
  /**
   * Adds `--enable-exec` for a standalone kustomize, which lets exec KRM functions named in the
   * kustomization run any program. It is true by default, for kreveal render. The Argo CD sidecar
   * turns it on only when its operator sets KREVEAL_CMP_ENABLE_EXEC=true.
   */
  readonly enableExec?: boolean;
}

/**
 * Chooses how to build the kustomization in `dir` (an absolute path). A standalone `kustomize`
 * on PATH comes first, with `--enable-exec` (unless `options.enableExec` is false) so that exec
 * KRM functions run as well. Otherwise `kubectl kustomize` runs, which has no `--enable-exec`
 * flag and fails when given one. Both get `--enable-alpha-plugins`, which turns on the legacy
 * exec plugins under KUSTOMIZE_PLUGIN_HOME.
 */
export function chooseKustomizeCommand(dir: string, searchPath: string | undefined, options: KustomizeCommandOptions = {}): KustomizeCommand {
  const kustomize = findOnPath("kustomize", searchPath);
  if (kustomize !== undefined) {
    const exec = options.enableExec === false ? [] : ["--enable-exec"];
    return { program: kustomize, args: ["build", "--enable-alpha-plugins", ...exec, dir], name: "kustomize build" };
  }

  const kubectl = findOnPath("kubectl", searchPath);
  if (kubectl !== undefined) {
    return { program: kubectl, args: ["kustomize", "--enable-alpha-plugins", dir], name: "kubectl kustomize" };
  }

  throw new KrevealError("FILE_NOT_FOUND", "neither kustomize nor kubectl was found on PATH", {
    fix: "Install kustomize v5 or kubectl and make sure it is on PATH.",
  });
}

/**
 * Returns the first executable file called `name` in the PATH folders, or undefined. Empty
 * entries, which a shell reads as the working folder, are skipped.
 *
 * NOTE: Windows names such as kustomize.exe are not tried, and render is only run on Linux and macOS.
 */
export function findOnPath(name: string, searchPath: string | undefined): string | undefined {
  const folders = (searchPath ?? "").split(path.delimiter).filter((folder) => folder !== "");

  for (const folder of folders) {
    const candidate = path.resolve(folder, name);
    if (isExecutableFile(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  if (statSync(file, { throwIfNoEntry: false })?.isFile() !== true) {
    return false;
  }

  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
