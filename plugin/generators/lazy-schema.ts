import type * as z from "zod/mini";

/** The part of a zod schema that parseManifest calls; lazySchema makes one. */
export interface ManifestSchema<T> {
  safeParse(input: unknown, params?: z.core.ParseContext<z.core.$ZodIssue>): z.core.util.SafeParseResult<T>;
}

/**
 * Wraps a zod schema so that zod builds it on first use, and only for input that
 * `isPlainlyValid` does not accept. Building a zod schema costs about a millisecond of start-up,
 * more than validating the one manifest of a KRM function run. Valid input is returned as it is,
 * not as zod's copy with the same content.
 *
 * `isPlainlyValid` may reject valid input (zod then decides, and reports the same problems as
 * always), but it must never accept input that the schema rejects.
 */
export function lazySchema<T>(build: () => ManifestSchema<T>, isPlainlyValid: (input: unknown) => input is T): ManifestSchema<T> {
  let schema: ManifestSchema<T> | undefined;
  return {
    safeParse(input, params) {
      if (isPlainlyValid(input)) {
        return { success: true, data: input };
      }
      schema ??= build();
      return schema.safeParse(input, params);
    },
  };
}

/**
 * Checks that `value` is an object as `{}` or YAML's toJS makes it, whose own keys all belong to
 * `keys` when given. Anything unusual fails (another prototype, symbol or `__proto__` keys,
 * getters, hidden properties), so that only input whose zod result is certain passes.
 */
export function isPlainObject(value: unknown, keys?: ReadonlySet<string>): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) {
    return false;
  }
  return Reflect.ownKeys(value).every((key) => {
    if (typeof key !== "string" || key === "__proto__" || (keys !== undefined && !keys.has(key))) {
      return false;
    }
    const property = Object.getOwnPropertyDescriptor(value, key);
    return property?.enumerable === true && "value" in property;
  });
}

/** Checks that `value` is undefined, null, or passes `check`, as z.nullish(...) accepts. */
export function isNullishOr(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || value === null || check(value);
}

/** Checks that `value` is a plain array whose item at every index passes `check`. */
export function isArrayOf(value: unknown, check: (item: unknown) => boolean): boolean {
  if (!Array.isArray(value) || Object.getPrototypeOf(value) !== Array.prototype) {
    return false;
  }
  // An index loop, so that holes reach `check` as undefined, as zod reads them.
  for (let index = 0; index < value.length; index++) {
    if (!check(value[index])) {
      return false;
    }
  }
  return true;
}

/** Checks that `value` is a plain object of string values, as z.record(z.string(), z.string()) accepts. */
export function isStringMap(value: unknown): boolean {
  return isPlainObject(value) && Object.values(value).every((item) => typeof item === "string");
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}
