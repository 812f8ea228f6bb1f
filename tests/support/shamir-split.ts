import { randomBytes } from "node:crypto";

/**
 * Splits a secret into Shamir shares the way sops does when a file has several key groups: one
 * random polynomial of degree `threshold - 1` per secret byte over GF(2^8) with the AES polynomial
 * 0x11B, and share i (0-based) is the values at x = i + 1 followed by the byte i + 1.
 *
 * The field arithmetic here uses log and exp tables (generator 3) on purpose, so that it shares
 * no code with the product's combineShares.
 */
export function splitSecret(secret: Uint8Array, parts: number, threshold: number): Uint8Array[] {
  if (!Number.isInteger(threshold) || !Number.isInteger(parts) || threshold < 2 || parts < threshold || parts > 255) {
    throw new RangeError(`cannot split into ${parts} parts with threshold ${threshold}`);
  }
  if (secret.length === 0) {
    throw new RangeError("cannot split an empty secret");
  }

  const shares = Array.from({ length: parts }, (_, index) => {
    const share = new Uint8Array(secret.length + 1);
    share[secret.length] = index + 1;
    return share;
  });

  for (const [position, byte] of secret.entries()) {
    const coefficients = [byte, ...randomBytes(threshold - 1)];
    for (const share of shares) {
      share[position] = evaluate(coefficients, share[secret.length] ?? 0);
    }
  }
  return shares;
}

const exp = new Uint8Array(510);
const log = new Uint8Array(256);
{
  let value = 1;
  for (let power = 0; power < 255; power++) {
    exp[power] = value;
    exp[power + 255] = value;
    log[value] = power;
    const doubled = (value << 1) ^ (value & 0x80 ? 0x11b : 0);
    value = doubled ^ value;
  }
}

function multiplyWithTables(a: number, b: number): number {
  if (a === 0 || b === 0) {
    return 0;
  }
  return exp[(log[a] ?? 0) + (log[b] ?? 0)] ?? 0;
}

/** Evaluates the polynomial with Horner's rule; coefficients start with the constant term. */
function evaluate(coefficients: readonly number[], x: number): number {
  let result = 0;
  for (let index = coefficients.length - 1; index >= 0; index--) {
    result = multiplyWithTables(result, x) ^ (coefficients[index] ?? 0);
  }
  return result;
}
