/**
 * Number and time text as Go's strconv, encoding/json and time packages write it. sops is written
 * in Go, so its MAC input and its decrypted output use these exact forms, and JavaScript's own
 * `Number.prototype.toString` and `Date.prototype.toISOString` match none of them.
 */

/** The shortest decimal digits that read back as `x` (x finite and > 0), and where the point goes. */
interface Decimal {
  /** Significant digits without leading or trailing zeros, e.g. "1234568". */
  readonly digits: string;
  /** Position of the decimal point relative to the digits: value = 0.digits × 10^point. */
  readonly point: number;
}

/**
 * Splits a positive finite number into its shortest round-trip digits. JavaScript and Go both
 * pick the shortest digit string that parses back to the same float64, and the closest one when
 * several are that short, so the digits agree with Go's `FormatFloat(x, _, -1, 64)`.
 */
function shortestDecimal(x: number): Decimal {
  const [mantissa, exponent] = x.toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  return { digits, point: Number(exponent) + 1 };
}

/** Go's fmtF: digits with `fractionDigits` digits after the point, never an exponent. */
function fixedNotation(decimal: Decimal, fractionDigits: number): string {
  const { digits, point } = decimal;
  let integer = "0";
  if (point > 0) {
    integer = digits.slice(0, point).padEnd(point, "0");
  }

  let fraction = "";
  for (let i = 0; i < fractionDigits; i++) {
    const index = point + i;
    fraction += index >= 0 && index < digits.length ? digits[index] : "0";
  }
  return fraction === "" ? integer : `${integer}.${fraction}`;
}

/** Go's fmtE with all significant digits: `d.ddde±XX`, the exponent at least two digits long. */
function exponentNotation(decimal: Decimal, exponentLetter: "e" | "E"): string {
  const { digits, point } = decimal;
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const exponent = point - 1;
  const sign = exponent < 0 ? "-" : "+";
  return `${mantissa}${exponentLetter}${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
}

/** Handles the sign, zero, infinities and NaN the way strconv does, then formats the magnitude. */
function formatWithSign(x: number, formatMagnitude: (decimal: Decimal) => string): string {
  if (Number.isNaN(x)) {
    return "NaN";
  }
  if (!Number.isFinite(x)) {
    return x > 0 ? "+Inf" : "-Inf";
  }

  const negative = x < 0 || Object.is(x, -0);
  if (x === 0) {
    return negative ? "-0" : "0";
  }
  const text = formatMagnitude(shortestDecimal(Math.abs(x)));
  return negative ? `-${text}` : text;
}

/**
 * Go `strconv.FormatFloat(x, 'f', -1, 64)`: shortest round-trip digits, never an exponent
 * (`1234568000`, `25.4`, `2`). sops hashes floats in this form for the MAC.
 */
export function formatFloatF(x: number): string {
  return formatWithSign(x, (decimal) => fixedNotation(decimal, Math.max(decimal.digits.length - decimal.point, 0)));
}

/**
 * Go `strconv.FormatFloat(x, 'g', -1, 64)` (or 'G' with `upper`): exponent form when the decimal
 * exponent is below -4 or at least 6 (the rule Go applies to the shortest format), so
 * `1234568000` becomes `1.234568e+09`.
 */
export function formatFloatG(x: number, upper = false): string {
  return formatWithSign(x, (decimal) => {
    const exponent = decimal.point - 1;
    if (exponent < -4 || exponent >= 6) {
      return exponentNotation(decimal, upper ? "E" : "e");
    }
    return fixedNotation(decimal, Math.max(decimal.digits.length - decimal.point, 0));
  });
}

/**
 * Go encoding/json float text: plain digits, exponent form only below 1e-6 or from 1e21, with a
 * one-digit negative exponent written without its leading zero (`1e-7`, `1e+21`). Returns
 * undefined for NaN and the infinities, which encoding/json rejects.
 */
export function formatFloatJSON(x: number): string | undefined {
  if (!Number.isFinite(x)) {
    return undefined;
  }

  const magnitude = Math.abs(x);
  if (magnitude === 0 || (magnitude >= 1e-6 && magnitude < 1e21)) {
    return formatFloatF(x);
  }

  const text = formatWithSign(x, (decimal) => exponentNotation(decimal, "e"));
  return text.replace(/e-0(\d)$/, "e-$1");
}

/**
 * sops `ValToString` for floats in dotenv and INI output: Go 'G' shortest, and when that has
 * neither a point nor an exponent, 'f' with one decimal (`2` becomes `2.0`).
 */
export function formatFloatValToString(x: number): string {
  const text = formatFloatG(x, true);
  if (text.includes(".") || text.includes("E")) {
    return text;
  }
  if (!Number.isFinite(x)) {
    return text;
  }
  return `${formatFloatF(x)}.0`;
}

export { formatTimeRFC3339, formatTimeRFC3339Nano, parseRFC3339, parseYamlTimestamp } from "./go-time.js";
export type { GoTime } from "./go-time.js";
