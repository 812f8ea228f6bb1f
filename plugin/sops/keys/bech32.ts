/**
 * Bech32 (BIP 173) encoding as age uses it for identities (`AGE-SECRET-KEY-1…`) and recipients
 * (`age1…`). Unlike BIP 173, age allows strings longer than 90 characters: post-quantum
 * recipients are about 1,950 characters long.
 */

const CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const GENERATORS = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3] as const;

/** A decoded Bech32 string: the human-readable part in lowercase and the payload bytes. */
export interface Bech32Data {
  readonly prefix: string;
  readonly bytes: Uint8Array;
}

/** Decodes a Bech32 string; returns undefined when it is malformed or its checksum is wrong. */
export function decodeBech32(text: string): Bech32Data | undefined {
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) {
    return undefined;
  }
  const lower = text.toLowerCase();

  const separator = lower.lastIndexOf("1");
  if (separator < 1 || lower.length - separator - 1 < 6) {
    return undefined;
  }
  const prefix = lower.slice(0, separator);
  for (let i = 0; i < prefix.length; i++) {
    const code = prefix.charCodeAt(i);
    if (code < 33 || code > 126) {
      return undefined;
    }
  }

  const words: number[] = [];
  for (const char of lower.slice(separator + 1)) {
    const value = CHARSET.indexOf(char);
    if (value < 0) {
      return undefined;
    }
    words.push(value);
  }

  if (polymod([...expandPrefix(prefix), ...words]) !== 1) {
    return undefined;
  }

  const bytes = convertBits(words.slice(0, -6), 5, 8, false);
  return bytes === undefined ? undefined : { prefix, bytes: Uint8Array.from(bytes) };
}

/** Encodes bytes as a lowercase Bech32 string with the given human-readable part. */
export function encodeBech32(prefix: string, bytes: Uint8Array): string {
  const lowerPrefix = prefix.toLowerCase();
  const words = convertBits([...bytes], 8, 5, true) ?? [];

  const checksumInput = [...expandPrefix(lowerPrefix), ...words, 0, 0, 0, 0, 0, 0];
  const checksum = polymod(checksumInput) ^ 1;
  for (let i = 0; i < 6; i++) {
    words.push((checksum >>> (5 * (5 - i))) & 31);
  }

  return `${lowerPrefix}1${words.map((word) => CHARSET.charAt(word)).join("")}`;
}

function polymod(values: readonly number[]): number {
  let checksum = 1;
  for (const value of values) {
    const top = checksum >>> 25;
    checksum = ((checksum & 0x1ffffff) << 5) ^ value;
    for (let bit = 0; bit < 5; bit++) {
      if (((top >>> bit) & 1) === 1) {
        checksum ^= GENERATORS[bit] ?? 0;
      }
    }
  }
  return checksum >>> 0;
}

function expandPrefix(prefix: string): number[] {
  const high: number[] = [];
  const low: number[] = [];
  for (let i = 0; i < prefix.length; i++) {
    const code = prefix.charCodeAt(i);
    high.push(code >>> 5);
    low.push(code & 31);
  }
  return [...high, 0, ...low];
}

/**
 * Regroups a sequence of `fromBits`-bit values into `toBits`-bit values. Without padding, leftover
 * bits must be fewer than `fromBits` and all zero, as BIP 173 requires when decoding.
 */
function convertBits(values: readonly number[], fromBits: number, toBits: number, pad: boolean): number[] | undefined {
  let accumulator = 0;
  let bits = 0;
  const maxValue = (1 << toBits) - 1;
  const result: number[] = [];

  for (const value of values) {
    accumulator = (accumulator << fromBits) | value;
    bits += fromBits;
    while (bits >= toBits) {
      bits -= toBits;
      result.push((accumulator >>> bits) & maxValue);
    }
    accumulator &= (1 << bits) - 1;
  }

  if (pad) {
    if (bits > 0) {
      result.push((accumulator << (toBits - bits)) & maxValue);
    }
  } else if (bits >= fromBits || accumulator !== 0) {
    return undefined;
  }
  return result;
}
