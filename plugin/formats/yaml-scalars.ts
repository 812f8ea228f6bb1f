/**
 * YAML plain-scalar typing as yaml.v3 (the library sops uses) decodes it into `interface{}`, and
 * the quoting tests that decide whether a string may be written plain.
 */
import { formatTimeRFC3339Nano, parseYamlTimestamp } from "./go-time.js";

/** A resolved plain scalar. `<<` is an ordinary string here: yaml.v3 does not look it up as a plain word. */
export type ResolvedScalar =
  | { readonly kind: "str"; readonly value: string }
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "time"; readonly value: string }
  | { readonly kind: "null" };

const WORDS = new Map<string, ResolvedScalar>([
  ...["true", "True", "TRUE"].map((word) => [word, { kind: "bool", value: true }] as const),
  ...["false", "False", "FALSE"].map((word) => [word, { kind: "bool", value: false }] as const),
  ...["", "~", "null", "Null", "NULL"].map((word) => [word, { kind: "null" }] as const),
  ...[".nan", ".NaN", ".NAN"].map((word) => [word, { kind: "float", value: Number.NaN }] as const),
  ...[".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"].map((word) => [word, { kind: "float", value: Infinity }] as const),
  ...["-.inf", "-.Inf", "-.INF"].map((word) => [word, { kind: "float", value: -Infinity }] as const),
]);

const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

/** yaml.v3's float pattern, checked after the `_` separators are removed. */
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/**
 * Go `strconv.ParseInt(text, 0, 64)` / `ParseUint` on text without `_`: optional sign, then a
 * `0x`, `0o`, `0b` prefix (either case), a leading `0` meaning octal, or decimal. Returns
 * undefined where both Go calls fail, including values outside int64 and uint64.
 */
function parseGoInteger(text: string): bigint | undefined {
  const match = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (match === null) {
    return undefined;
  }

  const [, sign, body] = match as unknown as [string, string, string];
  let magnitude: bigint;
  if (/^0[oO]/.test(body)) {
    magnitude = BigInt(`0o${body.slice(2)}`);
  } else if (/^0[0-7]+$/.test(body)) {
    magnitude = BigInt(`0o${body.slice(1)}`);
  } else {
    magnitude = BigInt(body.toLowerCase());
  }

  const value = sign === "-" ? -magnitude : magnitude;
  if (value < INT64_MIN || value > UINT64_MAX || (sign !== "" && value > 2n ** 63n - 1n)) {
    return undefined;
  }
  return value;
}

/** Go `strconv.ParseFloat` on text that matched {@link YAML_FLOAT}; overflow is an error in Go. */
function parseGoFloat(text: string): number | undefined {
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Types a plain (unquoted, untagged) scalar the way yaml.v3 decodes it into `interface{}`:
 * null, bool, int (int64, or uint64 when larger), float, timestamp or string. Only the exact
 * spellings that yaml.v3 treats as special are typed, so `yes`, `on` and `Null ` stay strings.
 */
export function resolvePlainScalar(text: string): ResolvedScalar {
  const word = WORDS.get(text);
  if (word !== undefined) {
    return word;
  }

  const first = text.charAt(0);
  if (first === ".") {
    const value = /^\.[0-9]+([eE][-+]?[0-9]+)?$/.test(text) ? parseGoFloat(text) : undefined;
    return value === undefined ? { kind: "str", value: text } : { kind: "float", value };
  }
  if (!/[-+0-9]/.test(first)) {
    return { kind: "str", value: text };
  }

  const time = parseYamlTimestamp(text);
  if (time !== undefined) {
    return { kind: "time", value: formatTimeRFC3339Nano(time) };
  }

  const plain = text.replaceAll("_", "");
  const integer = parseGoInteger(plain);
  if (integer !== undefined) {
    return { kind: "int", value: integer };
  }
  if (YAML_FLOAT.test(plain)) {
    const value = parseGoFloat(plain);
    if (value !== undefined) {
      return { kind: "float", value };
    }
  }
  return { kind: "str", value: text };
}

/** Words that YAML 1.1 readers take as booleans; yaml.v3 quotes them on output. */
const YAML11_BOOLS = new Set(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"]);

/** YAML 1.1 sexagesimal numbers such as `1:20` or `-1:30:00.5`, which yaml.v3 also quotes. */
function isBase60Float(text: string): boolean {
  return /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/.test(text);
}

/**
 * The test yaml.v3 applies before writing a string plain: the text must read back as a string
 * (`resolve` gives !!str) and must not be a YAML 1.1 boolean or sexagesimal number.
 */
export function readsBackAsString(text: string): boolean {
  return resolvePlainScalar(text).kind === "str" && !YAML11_BOOLS.has(text) && !isBase60Float(text);
}

/** YAML 1.1 boolean and null words in any case, which some readers accept case-insensitively. */
const YAML11_WORDS = /^(y|yes|n|no|true|false|on|off|null|~)$/i;

/** YAML 1.1 and 1.2 number forms: ints in any base, `_` separators, floats, `.inf`, `.nan`. */
const NUMBER_LIKE = /^[-+]?(\.[0-9_]+|[0-9][0-9_]*(\.[0-9_]*)?|0[xob][0-9a-f_]+)([e][-+]?[0-9]+)?$/i;
const SPECIAL_FLOAT = /^[-+]?\.(inf|nan)$/i;

/** Characters that start a YAML indicator or a comment when they come first. */
const LEADING_INDICATOR = /^[-?:,[\]{}#&*!|>'"%@`]/;

/**
 * True when a string must be quoted in YAML written for kubectl, Argo CD and other readers:
 * empty or padded with whitespace, read as another type by a YAML 1.1 or 1.2 reader (`yes`,
 * `on`, `~`, `0123`, `0x1f`, `1e3`, `1_000`, `.5`, `1:20`, `2024-01-01`, `+1`, `-.inf`), or
 * holding indicators, control characters or line breaks that plain style cannot carry.
 */
export function needsQuotes(text: string): boolean {
  return !isPlainWord(text) && needsQuotesByRules(text);
}

/** The boolean and null words of YAML 1.1 and 1.2, lower-cased; `~` cannot start a plain word. */
const BOOL_AND_NULL_WORDS = new Set(["y", "yes", "n", "no", "true", "false", "on", "off", "null"]);

/**
 * Recognizes the usual key or value that needs no quotes without any regular expression: an
 * ASCII letter, then letters, digits and `._/=-`, and not a word of BOOL_AND_NULL_WORDS in any
 * case. Every rule of needsQuotesByRules is false for such a word: none of them accepts a
 * leading letter except the word lists, and none looks at these characters. V8 compiles a
 * regular expression to machine code on its second use (--regexp-tier-up-ticks=1 in Node 20 and
 * 24), and skipping the rules for most strings saves about a millisecond of a short kustomize run.
 */
function isPlainWord(text: string): boolean {
  if (text === "" || !isAsciiLetter(text.charCodeAt(0))) {
    return false;
  }
  for (let index = 1; index < text.length; index++) {
    const code = text.charCodeAt(index);
    const allowed = isAsciiLetter(code) || (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x5f || code === 0x2f || code === 0x3d || code === 0x2d;
    if (!allowed) {
      return false;
    }
  }
  return !BOOL_AND_NULL_WORDS.has(text.toLowerCase());
}

function isAsciiLetter(code: number): boolean {
  return (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
}

/** needsQuotes without the shortcut for plain words; exported for the test that compares both. */
export function needsQuotesByRules(text: string): boolean {
  if (text === "" || text.trim() !== text) {
    return true;
  }
  if (!readsBackAsString(text) || YAML11_WORDS.test(text) || NUMBER_LIKE.test(text) || SPECIAL_FLOAT.test(text)) {
    return true;
  }
  if (/^\d{4}-\d{1,2}-\d{1,2}/.test(text) || /^[-+]?\d[\d_]*(:[0-5]?\d)+(\.\d*)?$/.test(text)) {
    return true;
  }
  if (LEADING_INDICATOR.test(text) || text.startsWith("---") || text.startsWith("...")) {
    return true;
  }
  if (/: |:$| #|\t/.test(text)) {
    return true;
  }
  return Array.from(text).some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029 || code === 0xfeff;
  });
}
