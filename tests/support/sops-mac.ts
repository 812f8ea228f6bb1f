import { createDecipheriv } from "node:crypto";

/**
 * Decrypts the `mac` value of a sops metadata block with a data key and returns the MAC text.
 * AES-256-GCM authenticates with the `lastmodified` string as additional data, so a wrong data
 * key throws. This lets key-source tests check a recovered data key against the real file
 * without the rest of the decryption pipeline.
 */
export function decryptSopsMac(metadata: { mac?: unknown; lastmodified?: unknown }, dataKey: Uint8Array): string {
  const mac = String(metadata.mac);
  const match = /^ENC\[AES256_GCM,data:([^,]*),iv:([^,]*),tag:([^,]*),type:str\]$/.exec(mac);
  if (match === null) {
    throw new Error("the metadata has no ENC[AES256_GCM,...] mac");
  }

  const [, data = "", iv = "", tag = ""] = match;
  const decipher = createDecipheriv("aes-256-gcm", dataKey, Buffer.from(iv, "base64"));
  decipher.setAAD(Buffer.from(String(metadata.lastmodified), "utf8"));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
}
