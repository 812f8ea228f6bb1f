import { KrevealError } from "../errors.js";
import type { MasterKey } from "./keys/key-source.js";
import { keySourceFields } from "./keys/registry.js";
import { defaultRule, ruleFields, selectionRule, type SelectionRule } from "./rules.js";
import { normalizeRFC3339 } from "./values.js";

/** One key group: any one of its master keys opens the group's secret. */
export interface KeyGroup {
  readonly keys: readonly MasterKey[];
}

/** The `sops` metadata block, read with the weak typing sops 3.13 applies to it. */
export interface SopsMetadata {
  /** `lastmodified` re-formatted as Go RFC 3339, which is the additional data of the MAC. */
  readonly macAdditionalData: string;
  /** The encrypted MAC, or "" when the file has none. */
  readonly mac: string;
  readonly version: string;
  readonly rule: SelectionRule;
  readonly macOnlyEncrypted: boolean;
  readonly shamirThreshold: number | undefined;
  readonly keyGroups: readonly KeyGroup[];
}

/** Reads the metadata of a parsed file. Throws SOPS_METADATA_INVALID naming the field at fault. */
export function readMetadata(raw: Record<string, unknown>): SopsMetadata {
  const lastModified = weakString(raw.lastmodified);
  if (lastModified === undefined || lastModified === "") {
    throw invalid("sops.lastmodified", "is missing");
  }

  let macAdditionalData: string;
  try {
    macAdditionalData = normalizeRFC3339(lastModified, false);
  } catch {
    throw invalid("sops.lastmodified", `"${lastModified}" is not an RFC 3339 timestamp`);
  }

  return {
    macAdditionalData,
    mac: weakString(raw.mac) ?? "",
    version: weakString(raw.version) ?? "",
    rule: readRule(raw),
    macOnlyEncrypted: weakBool(raw.mac_only_encrypted, "sops.mac_only_encrypted"),
    shamirThreshold: weakInt(raw.shamir_threshold, "sops.shamir_threshold"),
    keyGroups: readKeyGroups(raw),
  };
}

function readRule(raw: Record<string, unknown>): SelectionRule {
  const present = ruleFields.filter((field) => weakString(raw[field]) !== undefined && weakString(raw[field]) !== "");
  if (present.length > 1) {
    throw invalid("sops", `sets more than one encryption rule (${present.join(", ")}); sops allows only one`);
  }

  if (present.length === 0) {
    return defaultRule;
  }
  const field = present[0];
  return selectionRule(field, weakString(raw[field]) ?? "");
}

/**
 * Reads the master keys. Top-level lists form a single group and win over `key_groups`, as in
 * sops. Entries with an empty `enc` (placeholders written by Python sops 1.x) are skipped.
 */
function readKeyGroups(raw: Record<string, unknown>): KeyGroup[] {
  const single = readGroup(raw, "sops");
  if (single.keys.length > 0) {
    return [single];
  }

  const groups = raw.key_groups;
  if (groups === undefined || groups === null) {
    return [];
  }
  if (!Array.isArray(groups)) {
    throw invalid("sops.key_groups", "is not a list");
  }
  return groups.map((group: unknown, index) => {
    if (!isRecord(group)) {
      throw invalid(`sops.key_groups[${index}]`, "is not a mapping");
    }
    return readGroup(group, `sops.key_groups[${index}]`);
  });
}

function readGroup(raw: Record<string, unknown>, where: string): KeyGroup {
  const keys: MasterKey[] = [];

  for (const source of keySourceFields) {
    const entries = raw[source];
    if (entries === undefined || entries === null) {
      continue;
    }
    if (!Array.isArray(entries)) {
      throw invalid(`${where}.${source}`, "is not a list");
    }

    entries.forEach((entry: unknown, index) => {
      if (!isRecord(entry)) {
        throw invalid(`${where}.${source}[${index}]`, "is not a mapping");
      }
      const fields: Record<string, string> = {};
      for (const [name, value] of Object.entries(entry)) {
        const text = weakString(value);
        if (text !== undefined) {
          fields[name] = text;
        }
      }
      const enc = "enc" in fields ? fields.enc : "";
      if (enc !== "") {
        keys.push({ source, enc, fields });
      }
    });
  }
  return { keys };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function weakString(value: unknown): string | undefined {
  switch (typeof value) {
    case "string":
      return value;
    case "number":
    case "bigint":
      return value.toString();
    case "boolean":
      return value ? "true" : "false";
    default:
      return undefined;
  }
}

function weakBool(value: unknown, where: string): boolean {
  const text = weakString(value);
  if (text === undefined || text === "") {
    return false;
  }
  if (["1", "t", "T", "true", "True", "TRUE"].includes(text)) {
    return true;
  }
  if (["0", "f", "F", "false", "False", "FALSE"].includes(text)) {
    return false;
  }
  throw invalid(where, `"${text}" is not a boolean`);
}

function weakInt(value: unknown, where: string): number | undefined {
  const text = weakString(value);
  if (text === undefined || text === "") {
    return undefined;
  }
  if (!/^[0-9]+$/.test(text)) {
    throw invalid(where, `"${text}" is not a whole number`);
  }
  return Number(text);
}

function invalid(location: string, problem: string): KrevealError {
  return new KrevealError("SOPS_METADATA_INVALID", `the sops metadata field ${problem}`, {
    location,
    fix: "The metadata was edited by hand or damaged by a merge. Restore the file from version control.",
  });
}
