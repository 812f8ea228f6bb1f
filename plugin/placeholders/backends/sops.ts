import { realpathSync } from "node:fs";

import { KrevealError } from "../../errors.js";
import { createInputReader } from "../../files/input-reader.js";
import { findRepoRoot } from "../../files/repo-root.js";
import { toPlain } from "../../sops/tree.js";
import type { SecretBackend } from "./backend.js";

/**
 * Reads values from SOPS-encrypted files in the repository: `<sops:secrets/app.enc.yaml#db.password>`.
 * The path is relative to the working folder and must stay inside the repository root, as
 * generator inputs must. The key is a dotted path into the decrypted tree, with list indexes as
 * numbers (`hosts.0`).
 */
export const sopsBackend: SecretBackend = {
  scheme: "sops",

  async read(path, version, context) {
    const location = `sops placeholder file "${path}"`;
    if (version !== undefined) {
      throw new KrevealError("BACKEND_FAILED", "SOPS files have no versions, but the placeholder names one", {
        location,
        fix: "Remove the #VERSION part of the placeholder.",
      });
    }

    const cwd = realpathSync.native(context.cwd);
    const reader = createInputReader({ cwd, root: findRepoRoot(cwd) });
    let decrypted;
    try {
      decrypted = await reader.readEncrypted("sops placeholder", path);
    } catch (error) {
      if (error instanceof KrevealError && error.code === "FILE_NOT_FOUND") {
        throw new KrevealError("BACKEND_NOT_FOUND", error.message, { location: error.location ?? location, fix: error.fix, cause: error });
      }
      throw error;
    }

    const [branch] = decrypted.branches;
    return decrypted.branches.length === 0 ? {} : flatten(jsonValue(toPlain(branch)));
  },
};

/** Lists every value of the tree under its dotted path, branches included: `{a: {b: 1}}` gives `a` and `a.b`. */
function flatten(tree: unknown): Record<string, unknown> {
  // No prototype, so that a key named __proto__ is an ordinary entry.
  const result = Object.create(null) as Record<string, unknown>;
  const visit = (value: unknown, prefix: string) => {
    if (prefix !== "") {
      result[prefix] = value;
    }
    if (typeof value !== "object" || value === null) {
      return;
    }
    const entries = Array.isArray(value) ? value.map((item: unknown, index) => [String(index), item] as const) : Object.entries(value);
    for (const [key, child] of entries) {
      visit(child, prefix === "" ? key : `${prefix}.${key}`);
    }
  };
  visit(tree, "");
  return result;
}

/** Turns the tree's integers (bigint) into JSON numbers, or into their digits when a number would round them. */
function jsonValue(value: unknown): unknown {
  if (typeof value === "bigint") {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (Array.isArray(value)) {
    return value.map((item: unknown) => jsonValue(item));
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, jsonValue(child)]));
  }
  return value;
}
