import { statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import { KrevealError } from "../errors.js";
import { chooseKustomizeCommand } from "../render/kustomize-command.js";
import { hideNodeDumps } from "../render/kustomize-stderr.js";
import { maskSecrets } from "../render/mask-secrets.js";
import { findPluginHome } from "../render/plugin-home.js";
import { runKustomize } from "../render/run-kustomize.js";
import { writeStdout } from "./stdio.js";

const defaultTimeoutSeconds = 60;

/** The file names that kustomize accepts for a kustomization. */
const kustomizationFiles = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

export const renderUsage = `usage: kreveal render [--mask] [--timeout SECONDS] DIR

Builds the kustomization in DIR with kustomize and kreveal's generators, and prints the manifests.
KUSTOMIZE_PLUGIN_HOME is set to kreveal's plugin folder (a value already set is replaced), and the
rest of the environment, such as SOPS_AGE_KEY_FILE, is passed on. A standalone kustomize on PATH
runs as "kustomize build --enable-alpha-plugins --enable-exec"; without one, "kubectl kustomize
--enable-alpha-plugins" runs. Nothing is printed on stdout unless the build succeeds.

options:
  --mask              print each value of every Secret as sha256: and the first 12 hex digits of its
                      SHA-256 (of the decoded bytes for data). The digest is short and unsalted, so a
                      short or common value can be found by guessing: --mask hides values from people
                      looking at a screen or a CI log, not from a determined attacker.
  --timeout SECONDS   stop kustomize and its plugins and fail after this many seconds (default ${defaultTimeoutSeconds})
`;

interface RenderOptions {
  readonly dir: string;
  readonly mask: boolean;
  readonly timeoutSeconds: number;
}

/**
 * `kreveal render DIR`: a local preview. Runs kustomize on DIR with kreveal's plugins wired in,
 * keeps kustomize's stdout in memory, and prints it (masked with --mask) only when kustomize
 * exited 0 with a non-empty output. kustomize's stderr, which embeds the messages of kreveal's
 * plugins, is passed on with kyaml's node dumps removed.
 */
export async function main(args: string[]): Promise<void> {
  const options = parseRenderArgs(args);
  if (options === undefined) {
    process.stderr.write(renderUsage);
    return;
  }

  const dir = requireKustomization(options.dir);
  const command = chooseKustomizeCommand(dir, process.env.PATH);
  const env = { ...process.env, KUSTOMIZE_PLUGIN_HOME: findPluginHome() };
  const result = await runKustomize(command, env, options.timeoutSeconds * 1000);

  process.stderr.write(hideNodeDumps(result.stderr.toString("utf8")));
  if (result.timedOut) {
    throw new KrevealError("TIMEOUT", `${command.name} timed out after ${options.timeoutSeconds} s; kreveal stopped it and its plugins`, {
      location: dir,
      fix: "Raise the limit with --timeout SECONDS, or look for a plugin or key source that waits for input or the network.",
    });
  }
  if (result.exitCode !== 0) {
    const failure = result.exitCode === null ? `was killed by ${result.signal ?? "a signal"}` : `failed with exit status ${result.exitCode}`;
    throw new KrevealError("TOOL_FAILED", `${command.name} ${failure}; its messages are above`, {
      location: dir,
      fix: "Fix the problems that kustomize and kreveal reported above.",
    });
  }

  const output = result.stdout.toString("utf8");
  if (output.trim() === "") {
    throw new KrevealError("INPUT_EMPTY", `${command.name} succeeded but produced no resources`, {
      location: dir,
      fix: "Check that the kustomization lists resources or generators.",
    });
  }
  await writeStdout(options.mask ? maskSecrets(output) : result.stdout);
}

/** Parses the command line arguments. Returns undefined when --help was requested. */
function parseRenderArgs(args: string[]): RenderOptions | undefined {
  const { values, positionals } = parseArgsOrThrow(args);
  if (values.help === true) {
    return undefined;
  }

  const dir = positionals.at(0);
  if (dir === undefined || positionals.length > 1) {
    throw new KrevealError("USAGE", "render takes exactly one DIR argument", {
      fix: "Run: kreveal render [--mask] [--timeout SECONDS] DIR",
    });
  }

  const timeoutSeconds = values.timeout === undefined ? defaultTimeoutSeconds : Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 2_147_483) {
    throw new KrevealError("USAGE", `invalid --timeout "${values.timeout ?? ""}"`, {
      fix: "Give the time limit in seconds, a number greater than 0 and at most 2147483, e.g. --timeout 120.",
    });
  }
  return { dir, mask: values.mask === true, timeoutSeconds };
}

function parseArgsOrThrow(args: string[]): ReturnType<typeof parseRenderOptions> {
  try {
    return parseRenderOptions(args);
  } catch (error) {
    throw new KrevealError("USAGE", error instanceof Error ? error.message : "invalid arguments", {
      fix: "Run: kreveal render --help",
    });
  }
}

function parseRenderOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      mask: { type: "boolean" },
      timeout: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

/** Returns DIR as an absolute path after checking that it contains a kustomization file. */
function requireKustomization(dir: string): string {
  const absolute = path.resolve(dir);
  if (statSync(absolute, { throwIfNoEntry: false })?.isDirectory() !== true) {
    throw new KrevealError("FILE_NOT_FOUND", "the folder does not exist", {
      location: dir,
      fix: "Pass the folder that contains kustomization.yaml.",
    });
  }

  const found = kustomizationFiles.some((name) => statSync(path.join(absolute, name), { throwIfNoEntry: false })?.isFile() === true);
  if (!found) {
    throw new KrevealError("FILE_NOT_FOUND", `the folder contains no kustomization (${kustomizationFiles.join(", ")})`, {
      location: dir,
      fix: "Pass a folder with a kustomization.yaml; render builds kustomizations only.",
    });
  }
  return absolute;
}
