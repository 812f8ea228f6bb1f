import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { KrevealError, KrevealErrors } from "../../plugin/errors.js";
import { createInputReader } from "../../plugin/files/input-reader.js";
import { runGenerator, type KubernetesObject } from "../../plugin/generators/registry.js";
import type { StoreName } from "../../plugin/sops/stores/store.js";
import { tempDir } from "../support/paths.js";
import { ageWrapper, writeSops } from "../support/sops-writer.js";
import { ageRecipient } from "./support.js";

export interface Repo {
  readonly root: string;
  readonly cwd: string;
}

/** Creates a repository folder with `.git` and a kustomization folder `app/`; file names are relative to `app/`. */
export function makeRepo(files: Record<string, string | Uint8Array> = {}): Repo {
  const root = tempDir();
  mkdirSync(path.join(root, ".git"));
  const cwd = path.join(root, "app");
  mkdirSync(cwd);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(cwd, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return { root, cwd };
}

/** Encrypts a plaintext with sops's format for the fixture age recipient (ageKeys opens it). */
export async function encrypt(store: StoreName, plaintext: string | Uint8Array): Promise<Uint8Array> {
  return writeSops({ store, plaintext, groups: [[ageWrapper(ageRecipient)]] });
}

export async function generate(manifest: Record<string, unknown>, repo: Repo): Promise<KubernetesObject[]> {
  return runGenerator(manifest, createInputReader(repo), "gen.yaml");
}

/** Runs the generator and returns the errors it threw, one per problem. */
export async function generateErrors(manifest: Record<string, unknown>, repo: Repo): Promise<KrevealError[]> {
  try {
    await runGenerator(manifest, createInputReader(repo), "gen.yaml");
  } catch (error) {
    if (error instanceof KrevealErrors) {
      return [...error.errors];
    }
    if (error instanceof KrevealError) {
      return [error];
    }
    throw error;
  }
  assert.fail("the generator succeeded");
}

/** Formats errors as `location: message [CODE]` lines, for matching. */
export function describeAll(errors: readonly KrevealError[]): string[] {
  return errors.map((error) => `${error.location ?? ""}: ${error.message} [${error.code}]`);
}
