import { createDecipheriv, type KeyObject } from "node:crypto";

import { KrevealError } from "../errors.js";

/** The parts of an `ENC[AES256_GCM,data:...,iv:...,tag:...,type:...]` value. */
export interface EncryptedValue {
  readonly data: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  readonly type: string;
}

// sops anchors the start of the value but not its end, and base64 never contains a comma, so the
// groups cannot run into each other.
const encPattern = /^ENC\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)\]/s;
const base64Pattern = /^[A-Za-z0-9+/]*={0,2}$/;

/** Reports whether a string looks like an encrypted sops value, complete or not. */
export function looksEncrypted(text: string): boolean {
  return text.startsWith("ENC[");
}

/** Splits an `ENC[...]` value into its parts. Throws SOPS_VALUE_INVALID when it is malformed. */
export function parseEncryptedValue(text: string): EncryptedValue {
  const match = encPattern.exec(text);
  if (match === null) {
    throw new KrevealError("SOPS_VALUE_INVALID", "the value is not a complete ENC[AES256_GCM,...] value", {
      fix: "The file was probably truncated or edited by hand. Restore it from version control or re-encrypt it with sops.",
    });
  }

  const [, data = "", iv = "", tag = "", type = ""] = match;
  for (const [name, field] of [["data", data], ["iv", iv], ["tag", tag]] as const) {
    if (!base64Pattern.test(field)) {
      throw new KrevealError("SOPS_VALUE_INVALID", `the ${name} field of the ENC[...] value is not valid base64`, {
        fix: "The file was probably edited by hand. Restore it from version control or re-encrypt it with sops.",
      });
    }
  }

  return { data: Buffer.from(data, "base64"), iv: Buffer.from(iv, "base64"), tag: Buffer.from(tag, "base64"), type };
}

/**
 * Opens one value with AES-256-GCM. The additional data is the value's key path (or the
 * `lastmodified` text for the MAC). sops uses 32-byte IVs, which Node accepts as GCM nonces.
 */
export function openValue(value: EncryptedValue, dataKey: KeyObject, additionalData: string): Buffer {
  if (value.tag.length !== 16) {
    throw new KrevealError("SOPS_VALUE_INVALID", `the tag of the ENC[...] value has ${value.tag.length} bytes, expected 16`, {
      fix: "The file was probably edited by hand. Restore it from version control or re-encrypt it with sops.",
    });
  }
  if (value.iv.length === 0) {
    throw new KrevealError("SOPS_VALUE_INVALID", "the iv of the ENC[...] value is empty", {
      fix: "The file was probably edited by hand. Restore it from version control or re-encrypt it with sops.",
    });
  }

  const decipher = createDecipheriv("aes-256-gcm", dataKey, value.iv);
  decipher.setAAD(Buffer.from(additionalData, "utf8"));
  decipher.setAuthTag(value.tag);
  try {
    return Buffer.concat([decipher.update(value.data), decipher.final()]);
  } catch (error) {
    throw new KrevealError("SOPS_DECRYPT_FAILED", "the value failed authentication (AES-GCM tag mismatch)", {
      fix: "The value was changed after encryption, moved to another key, or belongs to another file. Restore it from version control or re-encrypt the file with sops.",
      cause: error,
    });
  }
}
