import { KrevealError } from "../errors.js";

/**
 * Shamir secret sharing as sops uses it for key groups. Each byte of the data key is the constant
 * term of its own random polynomial over GF(2^8) with the AES reduction polynomial
 * x^8 + x^4 + x^3 + x + 1 (0x11B). A share is the polynomial values for every byte followed by
 * one byte containing x, the key group's index plus one.
 *
 * Field arithmetic uses masks instead of branches or lookup tables indexed by secret bytes.
 */

/**
 * Recovers the secret from shares by Lagrange interpolation at x = 0 over every share given.
 * Needs at least two shares (and at least `threshold`), all of the same length, with distinct x.
 * Fewer shares than the threshold used when splitting give a wrong secret without any error,
 * so pass the file's `shamir_threshold` when it is known.
 */
export function combineShares(shares: readonly Uint8Array[], threshold = 2): Uint8Array {
  const needed = Math.max(2, threshold);
  if (shares.length < needed) {
    throw shamirError(`combining Shamir shares needs at least ${needed} shares, but ${shares.length} were given`);
  }

  const length = shares[0]?.length ?? 0;
  if (length < 2 || shares.some((share) => share.length !== length)) {
    throw shamirError("the Shamir shares differ in length or are empty");
  }

  const xs = shares.map((share) => share[length - 1] ?? 0);
  if (new Set(xs).size !== xs.length) {
    throw shamirError("two Shamir shares have the same x coordinate");
  }

  // Lagrange basis at 0 for share i: the product over j ≠ i of x_j / (x_j - x_i). Subtraction is
  // XOR in GF(2^8), and the denominators are non-zero because the x values are distinct.
  const bases = xs.map((xi, i) => {
    let basis = 1;
    xs.forEach((xj, j) => {
      if (j !== i) {
        basis = multiply(basis, multiply(xj, inverse(xj ^ xi)));
      }
    });
    return basis;
  });

  const secret = new Uint8Array(length - 1);
  for (let byte = 0; byte < secret.length; byte++) {
    let value = 0;
    shares.forEach((share, i) => {
      value ^= multiply(share[byte] ?? 0, bases[i] ?? 0);
    });
    secret[byte] = value;
  }
  return secret;
}

/** Multiplies two field elements: shift-and-add with reduction by 0x11B, always eight rounds. */
export function multiply(a: number, b: number): number {
  let result = 0;
  let left = a & 0xff;
  let right = b & 0xff;
  for (let round = 0; round < 8; round++) {
    result ^= -(right & 1) & left;
    const reduce = -(left >> 7) & 0x1b;
    left = ((left << 1) & 0xff) ^ reduce;
    right >>= 1;
  }
  return result & 0xff;
}

/** Returns the multiplicative inverse, computed as a^254 (Fermat). The inverse of 0 is taken as 0. */
export function inverse(a: number): number {
  let result = 1;
  let power = a & 0xff;
  for (let step = 0; step < 7; step++) {
    power = multiply(power, power);
    result = multiply(result, power);
  }
  return result;
}

function shamirError(message: string): KrevealError {
  return new KrevealError("SOPS_DECRYPT_FAILED", message, {
    fix: "The key groups of the file are damaged or were written by an incompatible tool. Restore the file from version control.",
  });
}
