import { isMap, isScalar, parseAllDocuments, Scalar } from "yaml";

import { KrevealError } from "../../errors.js";
import { parseKustomizeEnv } from "../kustomize-env.js";

/** The env file formats SopsSecretGenerator reads, chosen by extension as sops chooses its store. */
export type EnvFormat = "dotenv" | "yaml" | "json";

/** One key and value from an env file, with where it came from (e.g. `line 3`), if known. */
export interface EnvValue {
  readonly key: string;
  readonly value: string;
  readonly where: string | undefined;
}

/** Returns the format of an env file from its extension (case-sensitive, as in sops), or undefined. */
export function envFormat(path: string): EnvFormat | undefined {
  if (path.endsWith(".env")) {
    return "dotenv";
  }
  if (path.endsWith(".yaml") || path.endsWith(".yml")) {
    return "yaml";
  }
  return path.endsWith(".json") ? "json" : undefined;
}

/**
 * Reads the decrypted content of an env file as SopsSecretGenerator v1.6 does. Dotenv lines split
 * at the first `=`, and key and value stay verbatim. Leading whitespace is trimmed, `#` lines are
 * skipped, and a line without `=` is an error. YAML and JSON files must be flat mappings of
 * strings. Messages name the file and line, never a value.
 */
export function parseEnvSource(bytes: Uint8Array, format: EnvFormat, location: string): EnvValue[] {
  switch (format) {
    case "dotenv":
      return parseKustomizeEnv(bytes, location).map((pair) => {
        if (pair.keyIsWholeLine) {
          throw new KrevealError("CONFIG_INVALID", `line ${pair.line} has no "=", but SopsSecretGenerator requires KEY=VALUE`, {
            location,
            fix: "Write the line as KEY=VALUE, or start it with # to make it a comment.",
          });
        }
        return { key: pair.key, value: pair.value, where: `line ${pair.line}` };
      });
    case "yaml":
      return parseYamlEnv(decode(bytes, location), location);
    case "json":
      return parseJsonEnv(decode(bytes, location), location);
  }
}

// yaml.v3 decodes these plain scalars as null, which leaves a string value empty.
const yamlNulls = new Set(["", "~", "null", "Null", "NULL"]);

/** Reads the first YAML document, as yaml.v3's Unmarshal does, with every scalar as its source text. */
function parseYamlEnv(text: string, location: string): EnvValue[] {
  const document = parseAllDocuments(text, { schema: "failsafe", prettyErrors: false }).at(0);
  if (document === undefined) {
    return [];
  }
  if (document.errors.length > 0) {
    throw malformed(location, "is not valid YAML", "Fix the YAML syntax: the file must be a mapping of keys to strings.");
  }
  if (document.contents === null) {
    return [];
  }
  if (!isMap(document.contents)) {
    throw malformed(location, "must be a YAML mapping of keys to strings", "Write the file as KEY: value lines.");
  }

  return document.contents.items.map((item) => {
    const key = isScalar(item.key) ? String(item.key.value) : undefined;
    if (key === undefined) {
      throw malformed(location, "has a key that is not a string", "Use plain text keys.");
    }
    if (item.value === null) {
      return { key, value: "", where: undefined };
    }
    if (!isScalar(item.value)) {
      throw malformed(location, `the value of key "${key}" must be a string, not a mapping or list`, "Write every value as text on the key's line.");
    }
    const value = String(item.value.value);
    const isNull = item.value.type === Scalar.PLAIN && yamlNulls.has(value);
    return { key, value: isNull ? "" : value, where: undefined };
  });
}

function parseJsonEnv(text: string, location: string): EnvValue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    // JSON.parse's message can quote the text near the error, so it is not passed on.
    throw malformed(location, "is not valid JSON", "Fix the JSON syntax: the file must be an object of keys to strings.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw malformed(location, "must be a JSON object of keys to strings", 'Write the file as {"KEY": "value"}.');
  }

  return Object.entries(parsed as Record<string, unknown>).map(([key, value]) => {
    if (value !== null && typeof value !== "string") {
      throw malformed(location, `the value of key "${key}" must be a string`, "Quote numbers and booleans, and write nested values as text.");
    }
    return { key, value: value ?? "", where: undefined };
  });
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function decode(bytes: Uint8Array, location: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw malformed(location, "is not valid UTF-8", "Save the env file as UTF-8.");
  }
}

function malformed(location: string, message: string, fix: string): KrevealError {
  return new KrevealError("CONFIG_INVALID", message, { location, fix });
}
