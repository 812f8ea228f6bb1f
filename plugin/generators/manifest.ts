import type * as z from "zod/mini";

import { KrevealError, KrevealErrors } from "../errors.js";
import { formatFieldPath } from "./field-path.js";
import type { ManifestSchema } from "./lazy-schema.js";

/**
 * Names a generator manifest in messages, e.g. `SecretGenerator "app-secret" in gen.yaml`. Works on
 * unvalidated input, so that even a broken manifest is named as well as it can be.
 */
export function describeManifest(manifest: unknown, file: string | undefined): string {
  const record = isRecord(manifest) ? manifest : {};
  const kind = typeof record.kind === "string" && record.kind !== "" ? record.kind : "generator";
  const metadata = isRecord(record.metadata) ? record.metadata : {};
  const name = typeof metadata.name === "string" && metadata.name !== "" ? ` "${metadata.name}"` : " (no metadata.name)";
  const where = file === undefined ? "" : ` in ${file}`;
  return `${kind}${name}${where}`;
}

/**
 * Validates a generator manifest against its schema. Every problem becomes one CONFIG_INVALID
 * error located at `<manifest>: <field path>`, and all of them are thrown together. Messages
 * name types and fields, never the values found, because a misplaced value may be a secret.
 */
export function parseManifest<T>(schema: z.ZodMiniType<T> | ManifestSchema<T>, manifest: unknown, description: string, fieldList: string): T {
  const result = schema.safeParse(manifest, { reportInput: true });
  if (result.success) {
    return result.data;
  }

  const errors: KrevealError[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        errors.push(configError(description, [...issue.path, key], "unknown field", `Remove it or fix its spelling. ${fieldList}`));
      }
      continue;
    }
    errors.push(configError(description, issue.path, describeIssue(issue), undefined));
  }
  throw collectErrors(errors);
}

/** Builds a CONFIG_INVALID error about one field of a manifest. */
export function configError(description: string, path: readonly PropertyKey[] | string, message: string, fix: string | undefined): KrevealError {
  const field = typeof path === "string" ? path : formatFieldPath(path);
  return new KrevealError("CONFIG_INVALID", message, { location: `${description}: ${field}`, fix });
}

/** Returns one error as itself and several as one KrevealErrors, ready to throw. */
export function collectErrors(errors: readonly KrevealError[]): KrevealError {
  const [only] = errors;
  if (errors.length === 1) {
    return only;
  }
  return new KrevealErrors(errors);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required" : `must be ${expectedName(issue.expected)}, not ${typeName(issue.input)}`;
    case "invalid_value":
      return `must be ${issue.values.length === 1 ? "" : "one of "}${issue.values.map((value) => JSON.stringify(value)).join(", ")}`;
    case "too_small":
      return issue.origin === "string" && issue.minimum === 1 ? "must not be empty" : `must have at least ${String(issue.minimum)} entries`;
    case "too_big":
      return `must have at most ${String(issue.maximum)} entries`;
    case "invalid_format":
      return `must be in ${issue.format} format`;
    default:
      // zod/mini carries no message texts, so the remaining codes get a generic one.
      return `is invalid (${issue.code})`;
  }
}

function expectedName(expected: string): string {
  if (expected === "object" || expected === "record" || expected === "map") {
    return "a mapping";
  }
  return expected === "array" ? "a list" : withArticle(expected);
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeName(value: unknown): string {
  if (value === null) {
    return "null";
  }
  if (Array.isArray(value)) {
    return "a list";
  }
  if (typeof value === "object") {
    return "a mapping";
  }
  return withArticle(typeof value);
}
