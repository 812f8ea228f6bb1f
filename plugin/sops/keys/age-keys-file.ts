import { KrevealError } from "../../errors.js";
import { decodeArmor, isArmoredAgeFile, isBinaryAgeFile } from "./age-file.js";
import { X25519Identity } from "./age-x25519.js";

/**
 * Parses age keys files as age-keygen writes them, including keys files that are themselves
 * encrypted with a passphrase. No error contains the file's content.
 */

const PASSPHRASE_VARIABLE = "KREVEAL_AGE_KEY_PASSPHRASE";

/** A post-quantum hybrid identity (`AGE-SECRET-KEY-PQ-1…`), opened by age-encryption. */
export class HybridIdentity {
  readonly recipient: string;
  readonly #secret: string;

  private constructor(secret: string, recipient: string) {
    this.#secret = secret;
    this.recipient = recipient;
  }

  /** Parses the identity and derives its `age1pq1…` recipient with age-encryption. */
  static async parse(secret: string): Promise<HybridIdentity> {
    const { identityToRecipient } = await import("age-encryption");
    return new HybridIdentity(secret, await identityToRecipient(secret));
  }

  /** Adds the identity to an age-encryption Decrypter without exposing the secret. */
  addTo(decrypter: { addIdentity(identity: string): void }): void {
    decrypter.addIdentity(this.#secret);
  }
}

/** The identities of one or more sources. */
export interface AgeIdentities {
  readonly x25519: readonly X25519Identity[];
  readonly hybrid: readonly HybridIdentity[];
}

/**
 * Parses a keys file: one or more identities per line, separated by whitespace, with `#` comment
 * lines and empty lines ignored. A keys file that is itself an age file (binary or armored) is
 * decrypted first with the passphrase from `KREVEAL_AGE_KEY_PASSPHRASE`. `source` names the
 * file or variable in errors.
 */
export async function parseKeysFile(bytes: Buffer, source: string): Promise<AgeIdentities> {
  const text = bytes.toString("utf8");
  if (isBinaryAgeFile(bytes) || isArmoredAgeFile(text)) {
    const plaintext = await decryptKeysFile(isBinaryAgeFile(bytes) ? bytes : decodeArmor(text), source);
    if (isBinaryAgeFile(plaintext) || isArmoredAgeFile(plaintext.toString("utf8"))) {
      throw invalidKeys(source, "it is an age file nested inside another age file");
    }
    try {
      return await parseKeysFile(plaintext, source);
    } finally {
      plaintext.fill(0);
    }
  }

  const x25519: X25519Identity[] = [];
  const hybrid: HybridIdentity[] = [];
  const lines = text.split(/\r?\n/);

  for (const [index, line] of lines.entries()) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) {
      continue;
    }

    for (const token of trimmed.split(/\s+/)) {
      if (token.startsWith("AGE-SECRET-KEY-PQ-1")) {
        hybrid.push(await HybridIdentity.parse(token).catch(() => {
          throw invalidKeys(source, `line ${index + 1} contains a malformed AGE-SECRET-KEY-PQ-1 identity`);
        }));
      } else if (token.startsWith("AGE-SECRET-KEY-1")) {
        x25519.push(parseX25519(token, source, index + 1));
      } else if (token.startsWith("AGE-PLUGIN-")) {
        // Plugin identities need an external age-plugin-* program, which kreveal does not run.
        // They are skipped so that the file's other identities still work.
        continue;
      } else {
        throw invalidKeys(source, `line ${index + 1} is not an age identity`);
      }
    }
  }

  return { x25519, hybrid };
}

function parseX25519(token: string, source: string, line: number): X25519Identity {
  try {
    return new X25519Identity(token);
  } catch {
    throw invalidKeys(source, `line ${line} contains a malformed AGE-SECRET-KEY-1 identity`);
  }
}

async function decryptKeysFile(file: Uint8Array, source: string): Promise<Buffer> {
  const passphrase = process.env[PASSPHRASE_VARIABLE];
  if (passphrase === undefined) {
    throw new KrevealError("KEY_SOURCE_FAILED", "the age keys file is encrypted with a passphrase", {
      location: source,
      fix: `Set ${PASSPHRASE_VARIABLE} to its passphrase, or decrypt the keys file with "age -d" into a location only you can read.`,
    });
  }

  const { Decrypter } = await import("age-encryption");
  const decrypter = new Decrypter();
  decrypter.addPassphrase(passphrase);
  try {
    return Buffer.from(await decrypter.decrypt(file));
  } catch (error) {
    throw new KrevealError("KEY_SOURCE_FAILED", `cannot decrypt the passphrase-protected age keys file with ${PASSPHRASE_VARIABLE} (${describeAgeError(error)})`, {
      location: source,
      fix: `Check that ${PASSPHRASE_VARIABLE} holds the passphrase the keys file was encrypted with.`,
    });
  }
}

function invalidKeys(source: string, detail: string): KrevealError {
  return new KrevealError("KEY_SOURCE_FAILED", `invalid age keys: ${detail}`, {
    location: source,
    fix: "Each line must be an AGE-SECRET-KEY-1… or AGE-SECRET-KEY-PQ-1… identity, a # comment, or empty, as age-keygen writes them.",
  });
}

/**
 * Returns the message of an error thrown while decrypting an age file. Those messages describe the
 * file format. Errors from parsing identity strings can quote the identity, so they never go here.
 */
export function describeAgeError(error: unknown): string {
  return error instanceof Error ? error.message : "unknown error";
}
