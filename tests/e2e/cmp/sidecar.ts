/**
 * A stand-in for the Argo CD CMP v2 sidecar (argocd-cmp-server, Argo CD 3.x) that runs the
 * plugin configured in the repository's cmp.yaml the way the sidecar does. Each request gets a
 * fresh folder under `_cmp_server/`. The repository files are copied there with modes reset to
 * 0644 (files) and 0755 (folders) as without `preserveFileMode`, and symbolic links stay links.
 * `init` and then `generate` run without a shell, in the app folder, with an empty stdin. Each
 * runs in its own process group, under a deadline, with the environment that the repo-server
 * builds. stdout is parsed as the repo-server parses it.
 */
import { randomBytes } from "node:crypto";
import { chmodSync, cpSync, lstatSync, mkdirSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { parse } from "yaml";

import { repoRoot } from "../../support/paths.js";
import { requestVariables, type AppRequest } from "./argocd-env.js";
import { parseArgoManifests, type Manifest } from "./manifests.js";
import { runCommand, type CommandResult } from "./run-command.js";

/** A command of cmp.yaml: `command` is the program and its first arguments, `args` the rest. */
export interface PluginCommand {
  readonly command: readonly string[];
  readonly args: readonly string[];
}

export interface PluginConfig {
  readonly init: PluginCommand | undefined;
  readonly generate: PluginCommand;
  readonly discover: PluginCommand | undefined;
}

/** Reads `spec.init`, `spec.generate` and `spec.discover.find` from cmp.yaml at the repository root. */
export function readPluginConfig(file = path.join(repoRoot, "cmp.yaml")): PluginConfig {
  const config = parse(readFileSync(file, "utf8")) as { kind?: unknown; spec?: Record<string, unknown> };
  if (config.kind !== "ConfigManagementPlugin" || config.spec === undefined) {
    throw new Error(`${file}: kind must be ConfigManagementPlugin with a spec`);
  }

  const generate = pluginCommand(config.spec.generate);
  if (generate === undefined || generate.command.length === 0) {
    throw new Error(`${file}: spec.generate.command is missing; the sidecar would not start`);
  }
  const find = (config.spec.discover as { find?: unknown } | undefined)?.find;
  return { init: pluginCommand(config.spec.init), generate, discover: pluginCommand(find) };
}

function pluginCommand(value: unknown): PluginCommand | undefined {
  if (typeof value !== "object" || value === null) {
    return undefined;
  }
  const { command, args } = value as { command?: unknown; args?: unknown };
  return { command: stringList(command), args: stringList(args) };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** The parts of the repository that one request receives, and what to change in the copy. */
export interface RepositoryContent {
  /** Folders and files to copy: repository-relative target path => absolute source path. */
  readonly copies: Readonly<Record<string, string>>;
  /** Runs on the copy before the modes are reset, e.g. to add a symbolic link or break a file. */
  readonly prepare?: (requestRoot: string) => void;
}

export interface SidecarRun {
  /** The request folder, i.e. the root of the repository copy. */
  readonly requestRoot: string;
  readonly appDir: string;
  readonly init: CommandResult | undefined;
  /** undefined when init failed, because the sidecar then does not run generate. */
  readonly generate: CommandResult | undefined;
  /** The manifests Argo CD would keep; undefined when the generation failed. */
  readonly manifests: Manifest[] | undefined;
  /** Why Argo CD would report the generation as failed; undefined on success. */
  readonly failure: string | undefined;
}

export interface SidecarOptions {
  /** The sidecar container's own environment (PATH, HOME, key and Vault settings, ...). */
  readonly sidecarEnv: Readonly<Record<string, string>>;
  /** The parent of `_cmp_server/`, i.e. the sidecar's temp folder. */
  readonly workDir: string;
  /** Deadline of each command in milliseconds (Argo CD: the request's deadline). */
  readonly timeoutMs?: number;
  readonly config?: PluginConfig;
}

/** Copies the repository into a new request folder, then runs init and generate like the sidecar. */
export async function runPlugin(content: RepositoryContent, request: AppRequest, options: SidecarOptions): Promise<SidecarRun> {
  const config = options.config ?? readPluginConfig();
  const requestRoot = createRequestFolder(options.workDir);
  copyRepository(content, requestRoot);
  const appDir = path.join(requestRoot, request.sourcePath);

  const env = commandEnvironment(options.sidecarEnv, request);
  const timeoutMs = options.timeoutMs ?? 60_000;

  let init: CommandResult | undefined;
  if (config.init !== undefined) {
    init = await runCommand(argv(config.init), { cwd: appDir, env, timeoutMs });
    if (init.exitCode !== 0) {
      return { requestRoot, appDir, init, generate: undefined, manifests: undefined, failure: commandFailure(config.init, init) };
    }
  }

  const generate = await runCommand(argv(config.generate), { cwd: appDir, env, timeoutMs });
  if (generate.exitCode !== 0) {
    return { requestRoot, appDir, init, generate, manifests: undefined, failure: commandFailure(config.generate, generate) };
  }

  try {
    return { requestRoot, appDir, init, generate, manifests: parseArgoManifests(generate.stdout), failure: undefined };
  } catch (error) {
    return { requestRoot, appDir, init, generate, manifests: undefined, failure: `failed to unmarshal manifest: ${(error as Error).message}` };
  }
}

/** Runs the discover command in the app folder; the plugin matches when it exits 0 and prints something. */
export async function runDiscover(content: RepositoryContent, request: AppRequest, options: SidecarOptions): Promise<boolean> {
  const config = options.config ?? readPluginConfig();
  if (config.discover === undefined) {
    throw new Error("cmp.yaml has no spec.discover.find command");
  }
  const requestRoot = createRequestFolder(options.workDir);
  copyRepository(content, requestRoot);

  const env = commandEnvironment(options.sidecarEnv, request);
  const result = await runCommand(argv(config.discover), { cwd: path.join(requestRoot, request.sourcePath), env, timeoutMs: options.timeoutMs ?? 60_000 });
  return result.exitCode === 0 && result.stdout.trim() !== "";
}

/** Layers the request's variables over the sidecar's environment in order, so a later name wins. */
export function commandEnvironment(sidecarEnv: Readonly<Record<string, string>>, request: AppRequest): Record<string, string> {
  const env: Record<string, string> = { ...sidecarEnv };
  for (const [name, value] of requestVariables(request)) {
    env[name] = value;
  }
  return env;
}

function argv(command: PluginCommand): string[] {
  return [...command.command, ...command.args];
}

function commandFailure(command: PluginCommand, result: CommandResult): string {
  const status = result.timedOut ? "context deadline exceeded" : `exit status ${result.exitCode ?? result.signal ?? "unknown"}`;
  return `\`${argv(command).join(" ")}\` failed ${status}: ${result.stderr.trim()}`;
}

function createRequestFolder(workDir: string): string {
  const folder = path.join(workDir, "_cmp_server", randomBytes(8).toString("hex"));
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
  return folder;
}

function copyRepository(content: RepositoryContent, requestRoot: string): void {
  for (const [target, source] of Object.entries(content.copies)) {
    const destination = path.join(requestRoot, target);
    mkdirSync(path.dirname(destination), { recursive: true });
    cpSync(source, destination, { recursive: true, verbatimSymlinks: true });
  }
  content.prepare?.(requestRoot);

  for (const entry of readdirSync(requestRoot, { recursive: true, encoding: "utf8" })) {
    resetMode(path.join(requestRoot, entry));
  }
}

/** Sets 0644 on files and 0755 on folders; symbolic links keep their target and mode. */
function resetMode(file: string): void {
  const stats = lstatSync(file);
  if (stats.isSymbolicLink()) {
    return;
  }
  chmodSync(file, stats.isDirectory() ? 0o755 : 0o644);
}
