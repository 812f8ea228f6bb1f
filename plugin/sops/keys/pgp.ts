import type { Message, PrivateKey } from "openpgp";

import { decryptWithGpg, gpgProgram } from "./gpg.js";
import type { KeySource, MasterKey, UnwrapAttempt } from "./key-source.js";
import { legacySecretKeyring, loadPgpKeyring, pgpKeyFiles, type PgpKeyring } from "./pgp-keyring.js";
import { findProjectKeyFile, projectKeyFileForMessages, type ProjectKeyFile } from "./project-key.js";

/**
 * The PGP key source. Each entry's `enc` is an armored OpenPGP message whose literal data is the
 * data key (or a Shamir share). kreveal first tries the secret keys it can read itself with
 * openpgp.js, then, as sops does, the user's GnuPG through the gpg binary. No PGP key is used
 * when the tenant policy gives the run's project its own age keys file, because that file is
 * then the project's only source of private keys.
 */
export const pgpKeySource: KeySource = {
  field: "pgp",

  async unwrap(keys: readonly MasterKey[], attempts: UnwrapAttempt[]): Promise<Uint8Array | undefined> {
    const projectKey = await findProjectKeyFile();
    if (projectKey !== undefined) {
      for (const key of keys) {
        attempts.push({ key, reason: notUsedReason(projectKey) });
      }
      return undefined;
    }

    const openpgp = await import("openpgp");
    const keyring = await loadPgpKeyring(openpgp);
    const reasons = new Map<MasterKey, string>();
    const entries = keys.filter((key) => key.enc.trim() !== "");

    for (const key of entries) {
      const result = await decryptInProcess(openpgp, key.enc, keyring);
      if (result instanceof Uint8Array) {
        return result;
      }
      reasons.set(key, result);
    }

    // After the first run finds no gpg binary, decryptWithGpg returns at once for the others.
    for (const key of entries) {
      const result = await decryptWithGpg(key.enc);
      if ("dataKey" in result) {
        return result.dataKey;
      }
      reasons.set(key, `${reasons.get(key) ?? ""}; ${result.reason}`);
    }

    for (const key of keys) {
      const reason = reasons.get(key) ?? "its enc value is empty";
      const notes = keyring.notes.length === 0 ? "" : ` (${keyring.notes.join("; ")})`;
      attempts.push({ key, reason: `${reason}${notes}` });
    }
    return undefined;
  },

  describeLookup(): string {
    const projectKey = projectKeyFileForMessages();
    if (projectKey !== undefined && projectKey !== "unknown") {
      return `no PGP secret keys, because ${notUsedReason(projectKey)}`;
    }

    const files = pgpKeyFiles();
    const places = files.length === 0 ? [] : [`KREVEAL_PGP_KEY_FILE (${files.join(", ")})`];
    places.push(legacySecretKeyring());
    places.push(`the GnuPG keyring through ${gpgProgram()} (GNUPGHOME=${process.env.GNUPGHOME ?? "~/.gnupg"})`);
    return `PGP secret keys from ${places.join(", ")}`;
  },
};

function notUsedReason(projectKey: ProjectKeyFile): string {
  return `${projectKey.field} in the tenant policy gives the project its own age keys file, so KREVEAL_PGP_KEY_FILE, secring.gpg and gpg are not used for this project`;
}

/**
 * Decrypts one message with the keys kreveal loaded. Returns the literal data or a reason.
 * Every candidate key goes into one decrypt call, because an openpgp.js Message cannot be
 * decrypted again after a failed attempt.
 */
async function decryptInProcess(openpgp: typeof import("openpgp"), armoredMessage: string, keyring: PgpKeyring): Promise<Uint8Array | string> {
  let message: Message<string>;
  try {
    message = await openpgp.readMessage({ armoredMessage });
  } catch {
    return "its enc value is not an armored OpenPGP message";
  }

  const keyIds = message.getEncryptionKeyIDs();
  const names = keyIds.map((keyId) => keyId.toHex().toUpperCase()).join(", ");
  const candidates = keyring.keys.filter((key) => opensAny(key, keyIds));
  if (candidates.length === 0) {
    const loaded = keyring.keys.length === 0 ? "kreveal loaded no OpenPGP secret keys" : `none of the ${keyring.keys.length} OpenPGP secret keys kreveal loaded has it`;
    return `it is encrypted to key ID ${names === "" ? "(none)" : names}, and ${loaded}`;
  }

  try {
    // The result is typed as unknown: openpgp's types refer to @openpgp/web-stream-tools, which
    // is not installed, so TypeScript cannot resolve them.
    const decrypted: unknown = await openpgp.decrypt({ message, decryptionKeys: candidates, format: "binary" });
    const data = (decrypted as { data?: unknown }).data;
    return data instanceof Uint8Array ? data : "openpgp returned no binary literal data";
  } catch (error) {
    return `openpgp could not decrypt it: ${error instanceof Error ? error.message : "unknown error"}`;
  }
}

/** Checks whether the key has unlocked secret material for one of the message's recipient key IDs. */
function opensAny(key: PrivateKey, keyIds: ReturnType<Message<string>["getEncryptionKeyIDs"]>): boolean {
  return keyIds.some((keyId) => {
    // An all-zero key ID marks an anonymous recipient, which any key may be.
    const parts = /^0+$/.test(keyId.toHex()) ? key.getKeys() : key.getKeys(keyId);
    // isDecrypted() returns null, not false, for public key packets.
    return parts.some((part) => part.keyPacket.isDecrypted());
  });
}
