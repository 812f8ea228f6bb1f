import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from "node:crypto";

import { decodeBech32, encodeBech32 } from "./bech32.js";
import { decodeBase64NoPad, hkdfSha256, openChaCha20Poly1305, type AgeStanza } from "./age-file.js";

/**
 * An age X25519 identity (`AGE-SECRET-KEY-1…`) computed with node:crypto. It implements
 * age-encryption's `Identity` interface, so the same object serves kreveal's own age file reader
 * and age-encryption's `Decrypter`.
 */

// The DER prefix that turns a raw 32-byte X25519 private key into PKCS #8.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b656e04220420", "hex");
const STANZA_LABEL = "age-encryption.org/v1/X25519";
const STANZA_NONCE = new Uint8Array(12);

export class X25519Identity {
  /** The matching recipient, `age1…`. */
  readonly recipient: string;
  readonly #privateKey: KeyObject;
  readonly #publicKey: Buffer;

  /** Throws a plain Error without key material when `secret` is not a valid X25519 identity. */
  constructor(secret: string) {
    const decoded = decodeBech32(secret);
    if (decoded?.prefix !== "age-secret-key-" || decoded.bytes.length !== 32) {
      throw new Error("invalid AGE-SECRET-KEY-1 identity");
    }

    this.#privateKey = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, decoded.bytes]), format: "der", type: "pkcs8" });
    decoded.bytes.fill(0);

    const spki = createPublicKey(this.#privateKey).export({ format: "der", type: "spki" });
    this.#publicKey = spki.subarray(spki.length - 32);
    this.recipient = encodeBech32("age", this.#publicKey);
  }

  /**
   * Unwraps the 16-byte file key from the first X25519 stanza this identity opens. Returns null
   * when no stanza is addressed to it, and throws when an X25519 stanza is malformed, as
   * age-encryption's `Identity` contract requires.
   */
  unwrapFileKey(stanzas: readonly AgeStanza[]): Uint8Array | null {
    for (const stanza of stanzas) {
      if (stanza.args[0] !== "X25519") {
        continue;
      }
      const fileKey = this.unwrapStanza(stanza);
      if (fileKey !== undefined) {
        return fileKey;
      }
    }
    return null;
  }

  /** Unwraps one X25519 stanza; returns undefined when it is addressed to another recipient. */
  unwrapStanza(stanza: AgeStanza): Buffer | undefined {
    const share = stanza.args.length === 2 ? decodeBase64NoPad(stanza.args[1] ?? "") : undefined;
    if (share?.length !== 32 || stanza.body.length !== 32) {
      throw new Error("invalid X25519 stanza");
    }

    // A JWK import is about ten times faster than parsing SPKI DER in Node 20 with OpenSSL 3.
    const ephemeralKey = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: share.toString("base64url") }, format: "jwk" });
    let sharedSecret: Buffer;
    try {
      sharedSecret = diffieHellman({ privateKey: this.#privateKey, publicKey: ephemeralKey });
    } catch {
      // OpenSSL rejects low-order points, whose shared secret would be all zeros.
      throw new Error("invalid X25519 stanza: low-order ephemeral share");
    }
    if (sharedSecret.every((byte) => byte === 0)) {
      throw new Error("invalid X25519 stanza: low-order ephemeral share");
    }

    const wrapKey = hkdfSha256(sharedSecret, Buffer.concat([share, this.#publicKey]), STANZA_LABEL);
    sharedSecret.fill(0);
    const fileKey = openChaCha20Poly1305(wrapKey, STANZA_NONCE, stanza.body);
    wrapKey.fill(0);
    return fileKey;
  }
}
