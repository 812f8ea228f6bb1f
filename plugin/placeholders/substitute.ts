import { KrevealError } from "../errors.js";
import type { Occurrence } from "./collect.js";
import { secretId, type FetchResult } from "./fetch.js";
import type { Placeholder } from "./grammar.js";
import { applyModifiers, isBase64 } from "./modifiers.js";

/**
 * Computes the value of one occurrence from the fetched secrets and puts it in place. Returns the
 * problems found (missing keys, failed reads, invalid results), all of them; the occurrence is
 * changed only when there are none. Messages quote placeholders and field paths, never values.
 */
export function substitute(occurrence: Occurrence, results: ReadonlyMap<string, FetchResult>): KrevealError[] {
  const location = `${occurrence.resource}: ${occurrence.field}`;
  const errors: KrevealError[] = [];
  const values: unknown[] = [];
  let missing = false;

  for (const segment of occurrence.segments) {
    if (typeof segment === "string") {
      values.push(segment);
      continue;
    }
    try {
      const value = valueOf(segment, results);
      if (value === undefined) {
        missing = true;
        errors.push(missingError(segment, location, results));
      }
      values.push(value);
    } catch (error) {
      errors.push(located(error, location));
    }
  }

  if (missing && errors.every((error) => error.code === "PLACEHOLDER_MISSING") && occurrence.removeMissing && occurrence.remove()) {
    return [];
  }
  if (errors.length > 0) {
    return errors;
  }

  try {
    occurrence.replace(combine(occurrence, values, location));
    return [];
  } catch (error) {
    return [located(error, location)];
  }
}

/** Returns the placeholder's value after its modifiers, or undefined when it has none. Rethrows a failed read. */
function valueOf(placeholder: Placeholder, results: ReadonlyMap<string, FetchResult>): unknown {
  const result = results.get(secretId(placeholder));
  if (result === undefined) {
    throw new Error("a placeholder's secret was not fetched");
  }

  let raw: unknown;
  if ("error" in result) {
    if (result.error.code !== "BACKEND_NOT_FOUND") {
      throw result.error;
    }
  } else if (Object.hasOwn(result.data, placeholder.key)) {
    raw = result.data[placeholder.key];
  }
  return applyModifiers(raw, placeholder.modifiers, placeholder.text);
}

function missingError(placeholder: Placeholder, location: string, results: ReadonlyMap<string, FetchResult>): KrevealError {
  const result = results.get(secretId(placeholder));
  const cause = result !== undefined && "error" in result ? `the secret was not found (${result.error.message})` : `the secret has no key "${placeholder.key}"`;
  return new KrevealError("PLACEHOLDER_MISSING", `${placeholder.text} has no value: ${cause}`, {
    location,
    fix: "Add the key to the secret store, or append | default VALUE to the placeholder.",
  });
}

/**
 * Joins the parts into the field's new value. A whole-string placeholder keeps its value's type,
 * so `replicas: <... | jsonParse>` becomes a number, unless the field wants text (see
 * Occurrence.wantsText). In a longer string every part must be a string, number or boolean.
 */
function combine(occurrence: Occurrence, values: readonly unknown[], location: string): unknown {
  const [only] = values;
  const whole = values.length === 1 && occurrence.encoding === "text";

  let result: unknown;
  if (whole && (!occurrence.wantsText || typeof only === "string" || typeof only === "object")) {
    result = only;
  } else {
    result = values.map((value) => textOf(value, location)).join("");
  }

  const stringField = occurrence.kind === "ConfigMap" || (occurrence.kind === "Secret" && /^stringData[.[]/.test(occurrence.field));
  if (stringField && typeof result === "object") {
    throw new KrevealError("PLACEHOLDER_INVALID", `a ${occurrence.kind} value must be a string, but the placeholder gives a list, an object or null`, { location });
  }
  if (occurrence.encoding === "base64") {
    return Buffer.from(String(result), "utf8").toString("base64");
  }
  // argocd-vault-plugin writes whatever its placeholders give into Secret data, and manifests
  // written for it rely on that (values joined from base64 pieces, plain numbers), so only
  // kreveal's own placeholder forms are held to valid base64 there.
  if (occurrence.inSecretData && !onlyAvpForms(occurrence) && (typeof result !== "string" || !isBase64(result))) {
    throw new KrevealError("PLACEHOLDER_INVALID", "a Secret's data value must be base64, and the substituted value is not", {
      location,
      fix: "Append | base64encode to the placeholder, or move the entry to stringData.",
    });
  }
  return result;
}

/** Tells whether every placeholder in the occurrence uses an argocd-vault-plugin form (`<path:...>` or `<KEY>`). */
function onlyAvpForms(occurrence: Occurrence): boolean {
  const placeholders = occurrence.segments.filter((segment): segment is Placeholder => typeof segment !== "string");
  return placeholders.length > 0 && placeholders.every((placeholder) => !/^<\s*(vault|sops):/.test(placeholder.text));
}

function textOf(value: unknown, location: string): string {
  if (typeof value === "string") {
    return value;
  }
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") {
    return String(value);
  }
  throw new KrevealError("PLACEHOLDER_INVALID", "a placeholder that gives a list, an object or null must be the whole value", {
    location,
    fix: "Select a single value with | jsonPath, or make the placeholder the field's whole value.",
  });
}

function located(error: unknown, location: string): KrevealError {
  if (error instanceof KrevealError) {
    return error.location === undefined ? new KrevealError(error.code, error.message, { location, fix: error.fix, cause: error.cause }) : error;
  }
  throw error;
}
