/**
 * Encodes plain values the way Go's encoding/json.Marshal does for the map[string]interface{}
 * values kustomize hashes: object keys sorted by byte order at every level, no whitespace, and
 * Go's string escaping, which differs from JSON.stringify (`<`, `>`, `&`, U+2028 and U+2029 are
 * escaped, lone surrogates become U+FFFD).
 */
export function goJsonMarshal(value: unknown): string {
  if (value === null || value === undefined) {
    return "null";
  }
  if (typeof value === "string") {
    return goJsonString(value);
  }
  if (typeof value === "number") {
    return goJsonNumber(value);
  }
  if (typeof value === "bigint" || typeof value === "boolean") {
    return String(value);
  }
  if (value instanceof Date) {
    return goJsonString(value.toISOString());
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => goJsonMarshal(item)).join(",")}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => compareBytewise(a, b));
    return `{${entries.map(([key, item]) => `${goJsonString(key)}:${goJsonMarshal(item)}`).join(",")}}`;
  }
  throw new TypeError(`cannot encode a ${typeof value} as JSON`);
}

const shortEscapes: ReadonlyMap<string, string> = new Map([
  ['"', '\\"'],
  ["\\", "\\\\"],
  ["\n", "\\n"],
  ["\r", "\\r"],
  ["\t", "\\t"],
  // NOTE: Go 1.22 and later write backspace and form feed as \b and \f; older Go wrote \u0008 and
  // \u000c. kubectl 1.32 (kustomize v5.5) is built with a newer Go, so the short forms are used.
  ["\b", "\\b"],
  ["\f", "\\f"],
]);

/** Escapes a string like Go's encoding/json with HTML escaping on (the default of json.Marshal). */
export function goJsonString(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const short = shortEscapes.get(char);
    if (short !== undefined) {
      out += short;
    } else if (code < 0x20 || char === "<" || char === ">" || char === "&" || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, "0")}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      // A lone surrogate has no UTF-8 encoding; Go replaces invalid UTF-8 with U+FFFD.
      out += "\ufffd";
    } else {
      out += char;
    }
  }
  return `${out}"`;
}

/**
 * Formats a float64 like Go's encoding/json. Go and JavaScript agree here: both write the shortest
 * text that reads back as the same number, switch to exponent form below 1e-6 and from 1e21 on,
 * and write exponents as `1e-7` / `1e+21`. Only negative zero differs (`-0` in Go).
 */
function goJsonNumber(value: number): string {
  if (!Number.isFinite(value)) {
    throw new TypeError("cannot encode NaN or infinity as JSON");
  }
  return Object.is(value, -0) ? "-0" : String(value);
}

/** Compares strings by their UTF-8 bytes, as Go sorts map keys. */
function compareBytewise(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
