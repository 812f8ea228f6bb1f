import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";

import { KrevealError } from "../../plugin/errors.js";
import { combineShares, inverse, multiply } from "../../plugin/sops/shamir.js";
import { splitSecret } from "../support/shamir-split.js";

/** Returns every subset of `size` items of `items`, in order. */
function subsets<T>(items: readonly T[], size: number): T[][] {
  if (size === 0) {
    return [[]];
  }
  return items.flatMap((item, index) => subsets(items.slice(index + 1), size - 1).map((rest) => [item, ...rest]));
}

describe("GF(2^8) arithmetic", () => {
  it("multiplies like the AES field", () => {
    // Worked example from FIPS 197, section 4.2: {57} • {83} = {c1}, and {57} • {13} = {fe}.
    assert.equal(multiply(0x57, 0x83), 0xc1);
    assert.equal(multiply(0x57, 0x13), 0xfe);
    assert.equal(multiply(0, 0xff), 0);
    assert.equal(multiply(1, 0xab), 0xab);
  });

  it("inverts every non-zero element", () => {
    for (let value = 1; value < 256; value++) {
      assert.equal(multiply(value, inverse(value)), 1, `value ${value}`);
    }
    assert.equal(inverse(0), 0);
  });
});

describe("combineShares", () => {
  for (let threshold = 2; threshold <= 5; threshold++) {
    it(`recovers from every subset, threshold ${threshold}`, () => {
      const secret = randomBytes(32);
      const shares = splitSecret(secret, threshold + 1, threshold);

      for (let size = threshold; size <= shares.length; size++) {
        for (const subset of subsets(shares, size)) {
          assert.deepEqual(Buffer.from(combineShares(subset, threshold)), secret, `${size} shares`);
        }
      }
    });
  }

  it("recovers from shares in any order", () => {
    const secret = randomBytes(32);
    const shares = splitSecret(secret, 4, 3);

    assert.deepEqual(Buffer.from(combineShares([shares[3], shares[0], shares[2]])), secret);
  });

  it("matches sops's share layout", () => {
    const shares = splitSecret(randomBytes(32), 3, 2);

    assert.deepEqual(shares.map((share) => share.length), [33, 33, 33]);
    assert.deepEqual(shares.map((share) => share[32]), [1, 2, 3]);
  });

  it("is wrong below the threshold", () => {
    const secret = randomBytes(32);
    const shares = splitSecret(secret, 3, 3);

    assert.notDeepEqual(Buffer.from(combineShares(shares.slice(0, 2))), secret);
  });

  it("rejects fewer shares than the threshold", () => {
    const shares = splitSecret(randomBytes(32), 3, 3);

    assert.throws(() => combineShares(shares.slice(0, 2), 3), (error: unknown) => error instanceof KrevealError && /at least 3 shares, but 2/.test(error.message));
  });

  it("rejects a single share", () => {
    const shares = splitSecret(randomBytes(32), 2, 2);

    assert.throws(() => combineShares(shares.slice(0, 1)), /at least 2 shares, but 1/);
  });

  it("rejects repeated x coordinates", () => {
    const [first = new Uint8Array()] = splitSecret(randomBytes(32), 2, 2);

    assert.throws(() => combineShares([first, Uint8Array.from(first)]), /same x coordinate/);
  });

  it("rejects shares of different lengths", () => {
    const [first = new Uint8Array()] = splitSecret(randomBytes(32), 2, 2);
    const [, second = new Uint8Array()] = splitSecret(randomBytes(31), 2, 2);

    assert.throws(() => combineShares([first, second]), /differ in length/);
  });
});
