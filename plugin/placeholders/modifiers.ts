import { createHash } from "node:crypto";

import { parse as parseYaml } from "yaml";

import { KrevealError } from "../errors.js";
import { evaluateJsonPath, parseJsonPath } from "./json-path.js";

/** One step after `|` in a placeholder, e.g. `indent 4`. */
export type Modifier =
  | { readonly name: "base64encode" | "base64decode" | "jsonParse" | "yamlParse" | "sha256sum" }
  | { readonly name: "jsonPath"; readonly expression: string; readonly steps: readonly (string | number)[] }
  | { readonly name: "indent"; readonly width: number }
  | { readonly name: "default"; readonly value: string };

const noArguments = new Set(["base64encode", "base64decode", "jsonParse", "yamlParse", "sha256sum"]);

/**
 * Parses the fields after each `|` of a placeholder: a modifier name, then its arguments split on
 * whitespace. Throws PLACEHOLDER_INVALID naming the placeholder for an unknown name or bad arguments.
 */
export function parseModifiers(fields: readonly string[], placeholder: string, location: string): Modifier[] {
  return fields.map((field) => {
    const [name = "", ...args] = field.trim().split(/\s+/).filter((word) => word !== "");
    const invalid = (problem: string) => new KrevealError("PLACEHOLDER_INVALID", `${placeholder}: ${problem}`, { location });

    if (noArguments.has(name)) {
      if (args.length > 0) {
        throw invalid(`modifier ${name} takes no arguments`);
      }
      return { name } as Modifier;
    }
    if (name === "jsonPath") {
      const expression = args.join(" ");
      const steps = parseJsonPath(expression);
      if (steps === undefined) {
        throw invalid(`jsonPath "${expression}" is not supported: use dotted keys and [N] indexes, as in {.a.b[0]}`);
      }
      return { name, expression, steps };
    }
    if (name === "indent") {
      const width = args.length === 1 && /^\d+$/.test(args[0] ?? "") ? Number(args[0]) : Number.NaN;
      if (!Number.isSafeInteger(width)) {
        throw invalid("modifier indent takes one whole number, the count of spaces");
      }
      return { name, width };
    }
    if (name === "default") {
      return { name, value: args.join(" ") };
    }
    throw invalid(`unknown modifier "${name}"`);
  });
}

/**
 * Applies the modifiers to a value read from a backend, left to right. A missing value
 * (undefined) becomes the value of the first `default` modifier, and only the modifiers after
 * that one apply to it. Without `default` the result stays undefined. Errors name the placeholder
 * and the modifier, never the value.
 */
export function applyModifiers(value: unknown, modifiers: readonly Modifier[], placeholder: string): unknown {
  let start = 0;
  let current = value;
  if (current === undefined) {
    const index = modifiers.findIndex((modifier) => modifier.name === "default");
    if (index < 0) {
      return undefined;
    }
    current = (modifiers[index] as { value: string }).value;
    start = index + 1;
  }

  for (const modifier of modifiers.slice(start)) {
    current = applyOne(current, modifier, placeholder);
  }
  return current;
}

function applyOne(value: unknown, modifier: Modifier, placeholder: string): unknown {
  const fail = (problem: string) => new KrevealError("PLACEHOLDER_INVALID", `${placeholder}: ${modifier.name} ${problem}`);
  const text = () => {
    if (typeof value !== "string") {
      throw fail(`expects a string but the value is ${describeType(value)}`);
    }
    return value;
  };

  switch (modifier.name) {
    case "base64encode":
      return Buffer.from(text(), "utf8").toString("base64");
    case "base64decode": {
      const encoded = text().replace(/\s+/g, "");
      if (!isBase64(encoded)) {
        throw fail("found a value that is not valid base64");
      }
      return Buffer.from(encoded, "base64").toString("utf8");
    }
    case "jsonParse":
      try {
        return JSON.parse(text()) as unknown;
      } catch {
        throw fail("found a value that is not valid JSON");
      }
    case "yamlParse":
      try {
        return parseYaml(text(), { prettyErrors: false }) as unknown;
      } catch {
        throw fail("found a value that is not valid YAML");
      }
    case "jsonPath":
      return applyJsonPath(value, modifier.steps, fail);
    case "indent":
      return indentLines(text(), modifier.width);
    case "sha256sum":
      return createHash("sha256").update(text(), "utf8").digest("hex");
    case "default":
      return value;
  }
}

/** Evaluates a jsonPath on an object, or on a string read as JSON. The result is always a string. */
function applyJsonPath(value: unknown, steps: readonly (string | number)[], fail: (problem: string) => KrevealError): string {
  let root = value;
  if (typeof value === "string") {
    try {
      root = JSON.parse(value) as unknown;
    } catch {
      throw fail("found a string value that is not valid JSON");
    }
  }

  const found = evaluateJsonPath(root, steps);
  if (found === undefined) {
    throw fail("found nothing at that path in the value");
  }
  return typeof found === "string" ? found : JSON.stringify(found);
}

/**
 * Prefixes every line after the first with `width` spaces, for a multi-line value placed inside
 * a block of YAML or another indented format. Relative indentation is kept and empty lines stay
 * empty, unlike AVP's indent, which trims every line.
 */
function indentLines(text: string, width: number): string {
  const prefix = " ".repeat(width);
  return text
    .split("\n")
    .map((line, index) => (index === 0 || line === "" ? line : `${prefix}${line}`))
    .join("\n");
}

/** Tells whether text is standard base64 with padding (no whitespace). */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);
}

function describeType(value: unknown): string {
  if (value === null) {
    return "null";
  }
  return Array.isArray(value) ? "a list" : `a ${typeof value}`;
}
