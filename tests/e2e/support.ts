import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync } from "node:fs";
import path from "node:path";

import { parseAllDocuments } from "yaml";

import { fixture, repoRoot, tempDir } from "../support/paths.js";

/** The bundled CLI that the end-to-end tests run. */
export const bundle = path.join(repoRoot, "dist/kreveal.js");

/** The kustomize plugin home shipped in the repository. */
export const pluginHome = path.join(repoRoot, "generators");

/** The PGP key that opens the KSOPS fixtures. */
export const ksopsKey = fixture("ksops/test/key.asc");

/** Throws a clear message when the bundle has not been built. */
export function requireBundle(): void {
  if (!existsSync(bundle)) {
    throw new Error(`${bundle} is missing: run "npm run build" before the end-to-end tests`);
  }
}

/**
 * Returns the skip reason for tests that need `command`, or false when it is on PATH. In CI
 * (CI set) nothing is skipped, so a missing tool fails the run instead of hiding the tests.
 */
export function skipWithout(command: string): string | false {
  if (process.env.CI !== undefined && process.env.CI !== "") {
    return false;
  }
  return hasCommand(command) ? false : `${command} is not installed`;
}

/** Tells whether a command is on PATH, so that tests of kubectl and kpt can be skipped without them. */
export function hasCommand(name: string): boolean {
  return spawnSync(name, ["version"], { stdio: "ignore", env: { PATH: process.env.PATH ?? "" } }).error === undefined;
}

/**
 * Returns an environment with only PATH from this process and fresh HOME, XDG_CONFIG_HOME and
 * GNUPGHOME folders, so that no key or kustomize plugin of the machine takes part.
 */
export function isolatedEnv(extra: Record<string, string> = {}): Record<string, string> {
  const home = tempDir("kreveal-home-");
  mkdirSync(path.join(home, ".config"));
  mkdirSync(path.join(home, ".gnupg"), { mode: 0o700 });
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    GNUPGHOME: path.join(home, ".gnupg"),
    ...extra,
  };
}

/** Creates a repository in a temp folder (with `.git`) and returns its root. */
export function tempRepo(): string {
  const root = tempDir("kreveal-repo-");
  mkdirSync(path.join(root, ".git"));
  return root;
}

/** Copies a fixture file into a folder, under the same or another name. */
export function copyFixture(relative: string, folder: string, name = path.basename(relative)): void {
  cpSync(fixture(relative), path.join(folder, name));
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(command: string, args: readonly string[], options: { cwd: string; env: Record<string, string>; input?: string }): RunResult {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env, input: options.input ?? "", encoding: "utf8", timeout: 60_000 });
  if (result.error !== undefined) {
    throw result.error;
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the bundled `kreveal` with Node. */
export function runKreveal(args: readonly string[], options: { cwd: string; env: Record<string, string>; input?: string }): RunResult {
  requireBundle();
  return run(process.execPath, [bundle, ...args], options);
}

/** Parses a YAML stream into plain objects. */
export function parseStream(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text)
    .filter((document) => document.contents !== null)
    .map((document) => {
      if (document.errors.length > 0) {
        throw new Error(`invalid YAML in output: ${document.errors[0]?.message ?? ""}`);
      }
      return document.toJS() as Record<string, unknown>;
    });
}

/** Finds the one resource of a kind in a list. */
export function findKind(resources: readonly Record<string, unknown>[], kind: string): Record<string, unknown> {
  const found = resources.filter((resource) => resource.kind === kind);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind}, found ${found.length} among ${resources.map((resource) => String(resource.kind)).join(", ")}`);
  }
  const [resource] = found;
  return resource;
}

/** Decodes the base64 values of a Secret's data. */
export function secretData(secret: Record<string, unknown>): Record<string, string> {
  const data = (secret.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")]));
}
