import { KrevealError } from "../errors.js";

/** The value types of an Argo CD plugin parameter. */
export type ParameterType = "string" | "array" | "map";

/** The value of a parameter that kreveal reads. */
export type ParameterValue = string | readonly string[];

interface Parameter {
  readonly name: string;
  readonly type: ParameterType;
  readonly value: unknown;
}

/**
 * Reads ARGOCD_APP_PARAMETERS, the JSON array that Argo CD builds from
 * spec.source.plugin.parameters: `[{"name": ..., "string" | "array" | "map": ...}]`. Unset,
 * empty, `null` and `[]` mean no parameters. Returns the values of the parameters named in
 * `known`, a map from name to expected type. An unknown name or a wrong type becomes a warning
 * without its value. Invalid JSON, a malformed item (not an object, no name, not exactly one value
 * field) or a name given twice is a CONFIG_INVALID error.
 * An empty string counts as unset.
 */
export function readParameters(json: string | undefined, known: ReadonlyMap<string, ParameterType>, warnings: string[]): Map<string, ParameterValue> {
  const found = new Map<string, ParameterValue>();
  if (json === undefined || json.trim() === "") {
    return found;
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalidParameters("is not valid JSON");
  }
  if (parsed === null) {
    return found;
  }
  if (!Array.isArray(parsed)) {
    throw invalidParameters("is not a JSON array");
  }

  const seen = new Set<string>();
  parsed.forEach((item: unknown, index) => {
    const { name, type, value } = readParameter(item, index);
    if (seen.has(name)) {
      throw invalidParameters(`names parameter "${name}" more than once`);
    }
    seen.add(name);

    const expected = known.get(name);
    if (expected === undefined) {
      warnings.push(`ignored parameter "${name}": not a kreveal parameter (parameters: ${[...known.keys()].join(", ")})`);
      return;
    }
    if (type !== expected) {
      warnings.push(`ignored parameter "${name}": it must be ${article(expected)}, not ${article(type)}`);
      return;
    }

    if (value !== "") {
      found.set(name, value as ParameterValue);
    }
  });
  return found;
}

/** Reads one item: a non-empty name and exactly one of string, array or map. */
function readParameter(item: unknown, index: number): Parameter {
  if (typeof item !== "object" || item === null || Array.isArray(item)) {
    throw invalidParameters(`item ${index} is not an object`);
  }
  const record = item as Record<string, unknown>;
  if (typeof record.name !== "string" || record.name === "") {
    throw invalidParameters(`item ${index} has no name`);
  }

  const types = (["string", "array", "map"] as const).filter((type) => record[type] !== undefined && record[type] !== null);
  const type = types.length === 1 ? types[0] : undefined;
  if (type === undefined) {
    throw invalidParameters(`parameter "${record.name}" must have exactly one of string, array or map`);
  }

  const value = record[type];
  if (!hasType(type, value)) {
    throw invalidParameters(`parameter "${record.name}" has a ${type} field of the wrong JSON type`);
  }
  return { name: record.name, type, value };
}

function hasType(type: ParameterType, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "array":
      return Array.isArray(value) && value.every((entry) => typeof entry === "string");
    case "map":
      return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((entry) => typeof entry === "string");
  }
}

function article(type: ParameterType): string {
  return type === "array" ? "an array" : `a ${type}`;
}

function invalidParameters(problem: string): KrevealError {
  // The location already names ARGOCD_APP_PARAMETERS, so the message does not repeat it.
  const message = problem.startsWith("parameter ") ? problem : `the parameter list ${problem}`;
  return new KrevealError("CONFIG_INVALID", message, {
    location: "ARGOCD_APP_PARAMETERS",
    fix: "Check spec.source.plugin.parameters of the Application: each entry needs a name and one of string, array or map.",
  });
}
