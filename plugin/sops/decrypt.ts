import { createSecretKey, timingSafeEqual, type KeyObject } from "node:crypto";

import { KrevealError, withLocation } from "../errors.js";
import { looksEncrypted, openValue, parseEncryptedValue } from "./cipher.js";
import { recoverDataKey } from "./data-key.js";
import { readMetadata, type SopsMetadata } from "./metadata.js";
import { storeByName } from "./stores/index.js";
import type { StoreName } from "./stores/store.js";
import type { Branch } from "./tree.js";
import { decryptBranches } from "./walk.js";

export interface DecryptOptions {
  /** The file's path as the user wrote it; every message names it. */
  readonly file: string;
  /** The store to read the file with: from the extension (`storeForPath`) or the content (`detectSopsStore`). */
  readonly store: StoreName;
}

/** A decrypted SOPS file. It lives in memory only. */
export interface DecryptedFile {
  readonly store: StoreName;
  /** The decrypted tree, without the `sops` metadata. */
  readonly branches: readonly Branch[];
  /** The plaintext in the file's own format, as `sops --decrypt` prints it; written on first use. */
  readonly plaintext: Uint8Array;
}

/**
 * Decrypts a SOPS file: recovers the data key from one of its master keys, opens every encrypted
 * value with the key path as additional data, and checks the MAC over the result. Any failure
 * throws a KrevealError naming the file (and the key path where there is one).
 */
export async function decrypt(bytes: Uint8Array, options: DecryptOptions): Promise<DecryptedFile> {
  try {
    return await decryptUnlocated(bytes, options.store);
  } catch (error) {
    throw withLocation(error, options.file);
  }
}

async function decryptUnlocated(bytes: Uint8Array, storeName: StoreName): Promise<DecryptedFile> {
  if (bytes.length === 0) {
    throw new KrevealError("INPUT_EMPTY", "the file is empty, so it is not a SOPS-encrypted file", {
      fix: "Check that the file was committed with its content, and that the path names the encrypted file.",
    });
  }

  const store = storeByName(storeName);
  const document = store.parse(bytes, "");
  if (document.metadata === undefined) {
    throw new KrevealError("SOPS_METADATA_MISSING", "the file has no sops metadata, so it is not a SOPS-encrypted file", {
      fix: `Encrypt it with sops, or check that the ${storeName} format is right for it (sops chooses the format from the file extension).`,
    });
  }

  const metadata = readMetadata(document.metadata);
  // One KeyObject serves every value of the file: Node 24 checks raw Buffer keys slowly on each call.
  const dataKeyBytes = await recoverDataKey(metadata.keyGroups, metadata.shamirThreshold);
  const dataKey = createSecretKey(dataKeyBytes);
  dataKeyBytes.fill(0);

  const branches = document.branches;
  const digest = decryptBranches(branches, {
    dataKey,
    rule: metadata.rule,
    macOnlyEncrypted: metadata.macOnlyEncrypted,
    keepBytes: storeName === "binary",
  });
  verifyMac(metadata, dataKey, digest);

  // Writing the plaintext costs as much as parsing, and callers that want the tree skip it.
  let plaintext: Uint8Array | undefined;
  return {
    store: storeName,
    branches,
    get plaintext(): Uint8Array {
      plaintext ??= store.emit(branches);
      return plaintext;
    },
  };
}

/** Compares the stored MAC with the digest of the decrypted content, in constant time. */
function verifyMac(metadata: SopsMetadata, dataKey: KeyObject, digest: string): void {
  if (metadata.mac === "" || !looksEncrypted(metadata.mac)) {
    throw new KrevealError("SOPS_MAC_MISSING", "the file has no MAC, so its integrity cannot be checked", {
      location: "sops.mac",
      fix: "The metadata was edited by hand or damaged by a merge. Restore the file from version control, or open and save it with sops.",
    });
  }

  let stored: Buffer;
  try {
    stored = openValue(parseEncryptedValue(metadata.mac), dataKey, metadata.macAdditionalData);
  } catch (error) {
    throw new KrevealError("SOPS_MAC_MISMATCH", "the MAC could not be opened with the file's data key and lastmodified time", {
      location: "sops.mac",
      fix: "The mac or lastmodified field was changed by hand or by a bad merge. Restore the file from version control.",
      cause: error,
    });
  }

  const expected = Buffer.from(digest, "ascii");
  if (stored.length !== expected.length || !timingSafeEqual(stored, expected)) {
    throw new KrevealError("SOPS_MAC_MISMATCH", "the MAC does not match the file's content", {
      fix: "A value or its order changed after sops wrote the file: it was probably edited by hand or merged badly. Restore it from version control, or re-encrypt it with sops if the change is trusted.",
    });
  }
}
