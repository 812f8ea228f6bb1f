import { createHash } from "node:crypto";

import { goJsonMarshal } from "./go-json.js";

/**
 * Computes the name suffix that kustomize (api/hasher, v5) appends to a Secret or ConfigMap that
 * carries `kustomize.config.k8s.io/needs-hash`. kustomize hashes the Go JSON encoding of a map
 * with `kind`, an always empty `name`, the data fields and (for a Secret) `type`. It keeps the
 * first 10 hex digits of the SHA-256 and replaces 0, 1, 3, a and e, so that the suffix cannot
 * read as a word or number. Other kinds are rejected: kustomize hashes them from its internal
 * node structure, not from their content.
 */
export function kustomizeHashSuffix(resource: Readonly<Record<string, unknown>>): string {
  const digest = createHash("sha256").update(goJsonMarshal(hashedFields(resource)), "utf8").digest("hex");
  return encodeSuffix(digest.slice(0, 10));
}

function hashedFields(resource: Readonly<Record<string, unknown>>): Record<string, unknown> {
  // The resource name is not hashed: kustomize looks up `metadata/name` as one key, which never exists.
  switch (resource.kind) {
    case "Secret": {
      const fields: Record<string, unknown> = {
        kind: "Secret",
        name: "",
        type: scalarText(resource.type),
        data: dataField(resource, "data"),
      };
      if (isMapping(resource.stringData)) {
        fields.stringData = resource.stringData;
      }
      return fields;
    }
    case "ConfigMap": {
      const fields: Record<string, unknown> = { kind: "ConfigMap", name: "", data: dataField(resource, "data") };
      if (isMapping(resource.binaryData)) {
        fields.binaryData = resource.binaryData;
      }
      return fields;
    }
    default:
      throw new TypeError(`kustomize hashes only Secret and ConfigMap by content, not ${String(resource.kind)}`);
  }
}

/**
 * Returns the hashed value of a data field: the mapping itself, `""` when the field is absent, and
 * the text of a scalar otherwise (kustomize turns `data: null` into the string `"null"`).
 */
function dataField(resource: Readonly<Record<string, unknown>>, name: string): unknown {
  if (!(name in resource) || resource[name] === undefined) {
    return "";
  }
  const value = resource[name];
  return isMapping(value) ? value : scalarText(value);
}

/** Returns the text of a scalar field. Lists and other objects are returned as they are, for the JSON encoding. */
function scalarText(value: unknown): unknown {
  if (value === undefined) {
    return "";
  }
  if (value === null) {
    return "null";
  }
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "boolean":
    case "bigint":
      return String(value);
    default:
      return value;
  }
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const suffixLetters: ReadonlyMap<string, string> = new Map([
  ["0", "g"],
  ["1", "h"],
  ["3", "k"],
  ["a", "m"],
  ["e", "t"],
]);

function encodeSuffix(hex: string): string {
  return hex.replace(/[013ae]/g, (digit) => suffixLetters.get(digit) ?? digit);
}
