import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";

import { KrevealError, KrevealErrors } from "../../plugin/errors.js";
import { tempDir } from "../support/paths.js";

/** A policy with two projects: team-a may read its Vault paths and SOPS files, team-b only SOPS files. */
export const TWO_TEAMS = `apiVersion: kreveal.dev/v1alpha1
kind: TenantPolicy
projects:
  team-a:
    vault:
      role: team-a-role
      paths: [secret/data/team-a, /secret/team-a/]
    sops:
      paths: [apps/team-a]
  team-b:
    sops:
      paths: [apps/team-b]
`;

/** Writes `content` to a new policy file in a fresh temp folder and returns its absolute path. */
export function writePolicy(content: string, name = "policy.yaml"): string {
  const file = path.join(tempDir("kreveal-policy-"), name);
  writeFileSync(file, content);
  return file;
}

/** Runs `action`, which must throw a KrevealError, and returns it. */
export async function caughtError(action: () => unknown): Promise<KrevealError> {
  try {
    await action();
  } catch (error) {
    assert.ok(error instanceof KrevealError, `expected a KrevealError, got ${String(error)}`);
    return error;
  }
  assert.fail("the call succeeded but was expected to fail");
}

/** Returns the single errors inside a thrown error, which may be one KrevealError or a KrevealErrors list. */
export function listErrors(error: KrevealError): readonly KrevealError[] {
  return error instanceof KrevealErrors ? error.errors : [error];
}
