import type { Document } from "yaml";

import { KrevealError } from "../errors.js";
import { parseYamlStream } from "../formats/yaml-read.js";
import { chooseKustomizeCommand } from "../render/kustomize-command.js";
import { hideNodeDumps } from "../render/kustomize-stderr.js";
import { findPluginHome } from "../render/plugin-home.js";
import { runTool } from "../render/run-kustomize.js";
import type { Deadline } from "./budget.js";
import { checkKustomizationTree } from "./kustomize-guard.js";

export interface KustomizeOptions {
  /** The app folder with the kustomization, a real path. */
  readonly appDir: string;
  /** The children's environment. Its PATH decides between kustomize and kubectl. */
  readonly env: NodeJS.ProcessEnv;
  readonly deadline: Deadline;
  /** The repository root, a real path: bases, components and plugin configs must stay inside it. */
  readonly repoRoot: string;
  /** Passes --enable-exec to a standalone kustomize (KREVEAL_CMP_ENABLE_EXEC=true in the sidecar). */
  readonly enableExec: boolean;
  /** Lets remote bases and plugin-config references pass unchecked (KREVEAL_CMP_ALLOW_REMOTE_BASES=true in the sidecar). */
  readonly allowRemoteBases: boolean;
}

/**
 * Builds the kustomization in the app folder with kustomize (or kubectl kustomize) and returns
 * its output documents. kustomize's stderr, which carries the messages of kreveal's plugins, is
 * passed on to kreveal's stderr with kyaml's node dumps removed. A non-zero exit is TOOL_FAILED.
 * Running out of the budget is TIMEOUT, and kustomize and its plugins are then killed. Before
 * kustomize starts, checkKustomizationTree rejects plugin configs that are neither kustomize
 * builtins nor kreveal's plugins (KRM functions pass only with `enableExec`), because kustomize
 * would run any program they point at.
 */
export async function buildKustomization(options: KustomizeOptions): Promise<Document[]> {
  const { appDir, env, deadline } = options;
  const command = chooseKustomizeCommandOrFail(appDir, env.PATH, options.enableExec);

  deadline.enter("kustomize build");
  checkKustomizationTree({
    appDir,
    repoRoot: options.repoRoot,
    pluginHome: env.KUSTOMIZE_PLUGIN_HOME ?? findPluginHome(),
    enableExec: options.enableExec,
    allowRemoteBases: options.allowRemoteBases,
  });
  const result = await runTool(command, env, deadline.remainingMs(), { cwd: appDir });
  process.stderr.write(hideNodeDumps(result.stderr.toString("utf8")));

  if (result.timedOut) {
    throw deadline.timeoutError("kustomize build");
  }
  if (result.exitCode !== 0) {
    const failure = result.exitCode === null ? `was killed by ${result.signal ?? "a signal"}` : `failed with exit status ${result.exitCode}`;
    throw new KrevealError("TOOL_FAILED", `${command.name} ${failure}; its messages are above`, {
      location: appDir,
      fix: "Fix the problems that kustomize and kreveal reported above.",
    });
  }

  const text = decodeOutput(result.stdout, command.name);
  return parseYamlStream(text, `${command.name} output`);
}

/** Chooses the command. No kustomize or kubectl on PATH is a TOOL_FAILED error, like a tool that could not start. */
function chooseKustomizeCommandOrFail(appDir: string, searchPath: string | undefined, enableExec: boolean): ReturnType<typeof chooseKustomizeCommand> {
  try {
    return chooseKustomizeCommand(appDir, searchPath, { enableExec });
  } catch (error) {
    if (error instanceof KrevealError) {
      throw new KrevealError("TOOL_FAILED", error.message, { location: error.location, fix: error.fix, cause: error });
    }
    throw error;
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function decodeOutput(bytes: Uint8Array, name: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new KrevealError("TOOL_FAILED", `${name} printed output that is not valid UTF-8`, {
      fix: "Check the kustomization's resources and generators for binary content outside Secret data.",
    });
  }
}
