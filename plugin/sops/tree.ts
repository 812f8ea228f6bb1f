/**
 * The ordered document tree that every SOPS store parses into and emits from. It mirrors the
 * tree sops itself walks: mappings keep key order and duplicate keys, comments are items of the
 * mapping or sequence that contains them, and scalars carry the type sops encrypts them with.
 */

/** A scalar leaf. Integers and floats keep full precision: ints as bigint, floats as float64. */
export type Scalar =
  | { readonly kind: "str"; readonly value: string }
  | { readonly kind: "bytes"; readonly value: Uint8Array }
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  /** RFC 3339 text as Go's `time.Time.MarshalText` writes it (nanoseconds, trailing zeros cut). */
  | { readonly kind: "time"; readonly value: string }
  | { readonly kind: "null" };

/** A comment line without its leading `#` or `;`. */
export interface Comment {
  readonly kind: "comment";
  readonly text: string;
  /**
   * True for a YAML end-of-line comment (`key: value # text`). sops keeps such a comment in the
   * item list just before the value it follows and writes it back on the same line. Code that
   * rebuilds a comment item (for example after decrypting it) must copy this flag.
   */
  readonly inline?: boolean;
}

export interface Pair {
  readonly kind: "pair";
  readonly key: string;
  value: Value;
}

export interface Mapping {
  readonly kind: "map";
  readonly items: (Pair | Comment)[];
}

export interface Sequence {
  readonly kind: "seq";
  readonly items: (Value | Comment)[];
}

export type Value = Scalar | Mapping | Sequence;

/** One SOPS branch: a YAML document, or the whole of a JSON, INI, dotenv or binary file. */
export type Branch = Mapping;

export function str(value: string): Scalar {
  return { kind: "str", value };
}

export function mapping(items: (Pair | Comment)[] = []): Mapping {
  return { kind: "map", items };
}

export function pair(key: string, value: Value): Pair {
  return { kind: "pair", key, value };
}

export function comment(text: string, inline = false): Comment {
  return inline ? { kind: "comment", text, inline } : { kind: "comment", text };
}

export function isScalar(value: Value | Comment): value is Scalar {
  return value.kind !== "map" && value.kind !== "seq" && value.kind !== "comment";
}

/** Finds the value of the first pair with this key. */
export function lookup(map: Mapping, key: string): Value | undefined {
  for (const item of map.items) {
    if (item.kind === "pair" && item.key === key) {
      return item.value;
    }
  }
  return undefined;
}

/** Converts a subtree into plain JavaScript values, for metadata and for callers that want objects. */
export function toPlain(value: Value): unknown {
  switch (value.kind) {
    case "map": {
      const result: Record<string, unknown> = {};
      for (const item of value.items) {
        if (item.kind === "pair") {
          result[item.key] = toPlain(item.value);
        }
      }
      return result;
    }
    case "seq":
      return value.items.filter((item) => item.kind !== "comment").map((item) => toPlain(item));
    case "null":
      return null;
    case "int":
      return value.value;
    default:
      return value.value;
  }
}
