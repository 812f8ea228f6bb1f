import { KrevealError } from "../errors.js";
import { formatFloatF } from "../formats/go-format.js";
import type { Scalar } from "./tree.js";

/**
 * Turns the decrypted bytes of one value back into a typed scalar, following the `type` field of
 * its `ENC[...]` wrapper: `str`, `int`, `float`, `bool`, `time` and the legacy `bytes`.
 * `keepBytes` keeps `str` values as raw bytes, for the binary store whose content may not be UTF-8.
 */
export function typedScalar(plaintext: Buffer, type: string, keepBytes: boolean): Scalar {
  const text = plaintext.toString("utf8");

  switch (type) {
    case "str":
      return keepBytes ? { kind: "bytes", value: plaintext } : { kind: "str", value: text };
    case "bytes":
      return { kind: "bytes", value: plaintext };
    case "int":
      return { kind: "int", value: parseGoInt(text) };
    case "float":
      return { kind: "float", value: parseGoFloat(text) };
    case "bool":
      return { kind: "bool", value: parseGoBool(text) };
    case "time":
      return { kind: "time", value: normalizeRFC3339(text) };
    default:
      throw new KrevealError("SOPS_TYPE_UNKNOWN", `the ENC[...] value has the unknown type "${type}"`, {
        fix: "kreveal reads the types str, int, float, bool, time, bytes and comment. The file was probably edited by hand or written by an unknown tool.",
      });
  }
}

/**
 * Returns the bytes a leaf adds to the sops MAC: strings as they are, ints in base 10, floats in
 * Go's shortest 'f' form, bools as `True`/`False` and times as RFC 3339 with nanoseconds.
 */
export function canonicalBytes(scalar: Scalar): Uint8Array {
  switch (scalar.kind) {
    case "str":
      return Buffer.from(scalar.value, "utf8");
    case "bytes":
      return scalar.value;
    case "int":
      return Buffer.from(scalar.value.toString(10), "ascii");
    case "float":
      return Buffer.from(formatFloatF(scalar.value), "ascii");
    case "bool":
      return Buffer.from(scalar.value ? "True" : "False", "ascii");
    case "time":
      return Buffer.from(scalar.value, "ascii");
    case "null":
      return new Uint8Array(0);
  }
}

// The plaintext is secret, so these errors state the kind of text expected, never the text found.
function invalidPlaintext(type: string): KrevealError {
  return new KrevealError("SOPS_VALUE_INVALID", `the decrypted value is not a valid ${type}`, {
    fix: "The file was written by a tool that does not follow the sops format. Re-encrypt it with sops.",
  });
}

function parseGoInt(text: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(text)) {
    throw invalidPlaintext("int");
  }
  return BigInt(text);
}

function parseGoFloat(text: string): number {
  const normalized = text.replace(/^([+-]?)(inf|infinity)$/i, "$1Infinity");
  if (/^[+-]?Infinity$/.test(normalized)) {
    return Number(normalized);
  }
  if (/^nan$/i.test(text)) {
    return Number.NaN;
  }
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) {
    throw invalidPlaintext("float");
  }
  return Number(text);
}

const goTrue = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const goFalse = new Set(["0", "f", "F", "FALSE", "false", "False"]);

function parseGoBool(text: string): boolean {
  if (goTrue.has(text)) {
    return true;
  }
  if (goFalse.has(text)) {
    return false;
  }
  throw invalidPlaintext("bool");
}

const rfc3339Pattern = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/;

/**
 * Rewrites an RFC 3339 timestamp the way Go's `time.Time.MarshalText` prints it after parsing:
 * fraction digits with trailing zeros removed, and `Z` for a zero offset.
 */
export function normalizeRFC3339(text: string, withFraction = true): string {
  const match = rfc3339Pattern.exec(text);
  if (match === null) {
    throw invalidPlaintext("RFC 3339 time");
  }

  const [, date = "", time = "", fraction = "", zone = ""] = match;
  const trimmed = fraction.slice(0, 9).replace(/0+$/, "");
  const fractionText = withFraction && trimmed.length > 0 ? `.${trimmed}` : "";
  const zoneText = /^[Zz]$|^[+-]00:00$/.test(zone) ? "Z" : zone;
  return `${date}T${time}${fractionText}${zoneText}`;
}
