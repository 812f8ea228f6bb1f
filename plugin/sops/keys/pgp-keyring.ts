import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";

import type { Key, PrivateKey } from "openpgp";

import { KrevealError } from "../../errors.js";

/**
 * Loads the OpenPGP secret keys that kreveal decrypts with in-process: the files named by
 * `KREVEAL_PGP_KEY_FILE` (separated like PATH), then `$GNUPGHOME/secring.gpg`, which sops reads
 * too and which only GnuPG 1.x keyrings contain. Keys are read once per process.
 */

type OpenPgp = typeof import("openpgp");

/** The secret keys found, and remarks for "no key" messages (never key material). */
export interface PgpKeyring {
  readonly keys: readonly PrivateKey[];
  readonly notes: readonly string[];
}

const KEY_FILE_VARIABLE = "KREVEAL_PGP_KEY_FILE";

let keyring: Promise<PgpKeyring> | undefined;

/** Loads the keyring once per process. Throws when a file named by KREVEAL_PGP_KEY_FILE is unusable. */
export function loadPgpKeyring(openpgp: OpenPgp): Promise<PgpKeyring> {
  keyring ??= readKeyring(openpgp);
  return keyring;
}

/** Drops the cached keyring so that the next load reads the environment again. For tests. */
export function forgetPgpKeyring(): void {
  keyring = undefined;
}

/** Returns the files named by KREVEAL_PGP_KEY_FILE. */
export function pgpKeyFiles(): string[] {
  return (process.env[KEY_FILE_VARIABLE] ?? "").split(path.delimiter).filter((file) => file !== "");
}

/** Returns `$GNUPGHOME/secring.gpg`, with GNUPGHOME defaulting to `~/.gnupg` as in gpg and sops. */
export function legacySecretKeyring(): string {
  const home = process.env.GNUPGHOME ?? "";
  return path.join(home === "" ? path.join(homedir(), ".gnupg") : home, "secring.gpg");
}

async function readKeyring(openpgp: OpenPgp): Promise<PgpKeyring> {
  const keys: PrivateKey[] = [];
  const notes: string[] = [];

  for (const file of pgpKeyFiles()) {
    const bytes = await readFile(file).catch((error: unknown) => {
      throw new KrevealError("KEY_SOURCE_FAILED", `cannot read the OpenPGP key file named by ${KEY_FILE_VARIABLE} (${errorCode(error)})`, {
        location: file,
        fix: `Point ${KEY_FILE_VARIABLE} at existing key files, separated by "${path.delimiter}".`,
        cause: error,
      });
    });

    let found: PrivateKey[];
    try {
      found = await readSecretKeys(openpgp, bytes);
    } catch (error) {
      throw new KrevealError("KEY_SOURCE_FAILED", `the file named by ${KEY_FILE_VARIABLE} contains no readable OpenPGP keys`, {
        location: file,
        fix: 'Export the secret key with "gpg --export-secret-keys --armor KEY-ID" into the file.',
        cause: error,
      });
    }
    keys.push(...usableKeys(found, file, notes));
  }

  const legacy = legacySecretKeyring();
  const legacyBytes = await readFile(legacy).catch(() => undefined);
  if (legacyBytes !== undefined) {
    try {
      keys.push(...usableKeys(await readSecretKeys(openpgp, legacyBytes), legacy, notes));
    } catch {
      notes.push(`${legacy} could not be read as an OpenPGP keyring`);
    }
  }

  return { keys, notes };
}

/** Drops secret keys that are still passphrase-protected, noting how many there were. */
function usableKeys(found: readonly PrivateKey[], source: string, notes: string[]): PrivateKey[] {
  const usable = found.filter((key) => key.isDecrypted());
  const locked = found.length - usable.length;
  if (locked > 0) {
    notes.push(`${locked} passphrase-protected secret key(s) in ${source} were skipped`);
  }
  if (found.length === 0) {
    notes.push(`${source} contains no secret keys`);
  }
  return usable;
}

/**
 * Reads every secret key in a key file; public keys are skipped. Armored files may contain several
 * blocks, and openpgp's readKeys reads only the first, so each block is read on its own. A
 * binary keyring that openpgp rejects as a whole is read one primary key at a time, so that one
 * unsupported key (a version 3 key, say) does not hide the others.
 */
export async function readSecretKeys(openpgp: OpenPgp, bytes: Buffer): Promise<PrivateKey[]> {
  const text = bytes.toString("latin1");
  if (text.includes("-----BEGIN PGP ")) {
    const keys: PrivateKey[] = [];
    for (const block of text.matchAll(/-----BEGIN PGP PRIVATE KEY BLOCK-----[\s\S]*?-----END PGP PRIVATE KEY BLOCK-----/g)) {
      keys.push(...(await openpgp.readPrivateKeys({ armoredKeys: block[0] })));
    }
    return keys;
  }

  try {
    const keys = await openpgp.readKeys({ binaryKeys: bytes });
    return keys.filter((key): key is PrivateKey => key.isPrivate());
  } catch (error) {
    const chunks = splitKeyring(bytes);
    if (chunks.length <= 1) {
      throw error;
    }

    const keys: PrivateKey[] = [];
    for (const chunk of chunks) {
      const found: Key[] = await openpgp.readKeys({ binaryKeys: chunk }).catch(() => []);
      keys.push(...found.filter((key): key is PrivateKey => key.isPrivate()));
    }
    return keys;
  }
}

const SECRET_KEY_TAG = 5;
const PUBLIC_KEY_TAG = 6;

/** Splits a binary keyring (RFC 4880 packets) before each primary key packet. */
function splitKeyring(bytes: Uint8Array): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = -1;
  let offset = 0;

  while (offset < bytes.length) {
    const packet = readPacketHeader(bytes, offset);
    if (packet === undefined) {
      break;
    }
    if (packet.tag === SECRET_KEY_TAG || packet.tag === PUBLIC_KEY_TAG) {
      if (start >= 0) {
        chunks.push(bytes.subarray(start, offset));
      }
      start = offset;
    }
    offset = packet.end;
  }

  if (start >= 0) {
    chunks.push(bytes.subarray(start, Math.min(offset, bytes.length)));
  }
  return chunks;
}

/**
 * Reads an old- or new-format packet header. Returns undefined for lengths that key packets
 * never use (partial or indeterminate) and for a truncated header.
 */
function readPacketHeader(bytes: Uint8Array, offset: number): { tag: number; end: number } | undefined {
  const first = bytes[offset] ?? 0;
  if ((first & 0x80) === 0) {
    return undefined;
  }
  const byteAt = (index: number): number => bytes[offset + index] ?? 0;

  if ((first & 0x40) !== 0) {
    const tag = first & 0x3f;
    const octet = byteAt(1);
    if (octet < 192) {
      return { tag, end: offset + 2 + octet };
    }
    if (octet < 224) {
      return { tag, end: offset + 3 + ((octet - 192) << 8) + byteAt(2) + 192 };
    }
    if (octet === 255) {
      return { tag, end: offset + 6 + readUint32(byteAt(2), byteAt(3), byteAt(4), byteAt(5)) };
    }
    return undefined;
  }

  const tag = (first >> 2) & 0x0f;
  switch (first & 0x03) {
    case 0:
      return { tag, end: offset + 2 + byteAt(1) };
    case 1:
      return { tag, end: offset + 3 + ((byteAt(1) << 8) | byteAt(2)) };
    case 2:
      return { tag, end: offset + 5 + readUint32(byteAt(1), byteAt(2), byteAt(3), byteAt(4)) };
    default:
      return undefined;
  }
}

function readUint32(a: number, b: number, c: number, d: number): number {
  return ((a << 24) >>> 0) + (b << 16) + (c << 8) + d;
}

function errorCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : "unknown error";
}
