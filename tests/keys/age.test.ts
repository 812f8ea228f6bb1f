import assert from "node:assert/strict";
import { hkdfSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

import { Decrypter, Encrypter, armor, generateHybridIdentity, generateX25519Identity, identityToRecipient } from "age-encryption";
import { parse } from "yaml";

import { KrevealError } from "../../plugin/errors.js";
import { ageKeySource } from "../../plugin/sops/keys/age.js";
import { AgeFormatError, decodeArmor, hkdfSha256, openAgeFile, parseAgeFile } from "../../plugin/sops/keys/age-file.js";
import { X25519Identity } from "../../plugin/sops/keys/age-x25519.js";
import type { MasterKey, UnwrapAttempt } from "../../plugin/sops/keys/key-source.js";
import { isolateKeys } from "../support/key-env.js";
import { fixture } from "../support/paths.js";
import { decryptSopsMac } from "../support/sops-mac.js";

const extractedDir = fixture("sops/age/_extracted_from_keysource_test");
const historyKeys = fixture("sops/_history/v3.7.3/age/keys.txt");
const mockRecipient = "age1lzd99uklcjnc0e7d860axevet2cz99ce9pq6tzuzd05l5nr28ams36nvun";

function identityLines(file: string): string[] {
  return readFileSync(file, "utf8").split("\n").filter((line) => line.startsWith("AGE-SECRET-KEY-"));
}

const [mockIdentity = "", mockOtherIdentity = "", mockHybridIdentity = ""] = identityLines(path.join(extractedDir, "keys.txt"));

function ageKey(enc: string, recipient?: string): MasterKey {
  return { source: "age", enc, fields: recipient === undefined ? {} : { recipient } };
}

async function encryptTo(recipient: string, plaintext: Uint8Array): Promise<string> {
  const encrypter = new Encrypter();
  encrypter.addRecipient(recipient);
  return armor.encode(await encrypter.encrypt(plaintext));
}

async function unwrap(keys: MasterKey[]): Promise<{ secret: Uint8Array | undefined; attempts: UnwrapAttempt[] }> {
  const attempts: UnwrapAttempt[] = [];
  const secret = await ageKeySource.unwrap(keys, attempts);
  return { secret, attempts };
}

describe("age key source with fixtures", () => {
  it("opens mock_encrypted_key with mockIdentity", async () => {
    isolateKeys({ SOPS_AGE_KEY: mockIdentity });
    const enc = readFileSync(path.join(extractedDir, "mock_encrypted_key.age.asc"), "utf8");
    const expected = readFileSync(path.join(extractedDir, "mock_encrypted_key.plain"));

    const { secret, attempts } = await unwrap([ageKey(enc, mockRecipient)]);

    assert.deepEqual(Buffer.from(secret ?? []), expected);
    assert.deepEqual(attempts, []);
  });

  for (const store of ["example.yaml", "example.json"]) {
    it(`opens both recipients of the sops 3.7.1 ${store}`, async () => {
      isolateKeys({ SOPS_AGE_KEY_FILE: historyKeys });
      const document = parse(readFileSync(fixture(`sops/_history/pr-1031-0b07dfbc5/${store}`), "utf8")) as {
        sops: { age: { recipient: string; enc: string }[]; mac: string; lastmodified: string };
      };

      const dataKeys: Buffer[] = [];
      for (const entry of document.sops.age) {
        const { secret } = await unwrap([ageKey(entry.enc, entry.recipient)]);
        assert.equal(secret?.length, 32);
        dataKeys.push(Buffer.from(secret));
      }

      assert.equal(dataKeys.length, 2);
      assert.deepEqual(dataKeys[0], dataKeys[1]);
      assert.match(decryptSopsMac(document.sops, dataKeys[0] ?? Buffer.alloc(0)), /^[0-9A-F]{128}$/);
    });
  }

  it("reports each key it cannot open", async () => {
    isolateKeys({ SOPS_AGE_KEY: mockOtherIdentity });
    const enc = readFileSync(path.join(extractedDir, "mock_encrypted_key.age.asc"), "utf8");
    const keys = [ageKey(enc, mockRecipient), ageKey(enc)];

    const { secret, attempts } = await unwrap(keys);

    assert.equal(secret, undefined);
    assert.equal(attempts.length, 2);
    assert.equal(attempts[0]?.key, keys[0]);
    assert.match(attempts[0]?.reason ?? "", /none of the 1 loaded age identities is for age1lzd99/);
    assert.match(attempts[1]?.reason ?? "", /none of the 1 loaded age identities opens it/);
  });

  it("reports that no identities were found", async () => {
    isolateKeys();
    const enc = readFileSync(path.join(extractedDir, "mock_encrypted_key.age.asc"), "utf8");

    const { secret, attempts } = await unwrap([ageKey(enc, mockRecipient)]);

    assert.equal(secret, undefined);
    assert.match(attempts[0]?.reason ?? "", /no age identities were found/);
  });

  it("explains that SSH recipients are not supported", async () => {
    isolateKeys({ SOPS_AGE_KEY: mockIdentity });
    const enc = readFileSync(path.join(extractedDir, "mock_encrypted_ssh_key.age.asc"), "utf8");
    const recipient = readFileSync(path.join(extractedDir, "mock_ssh_recipient.pub"), "utf8").trim();

    const { secret, attempts } = await unwrap([ageKey(enc, recipient)]);

    assert.equal(secret, undefined);
    assert.match(attempts[0]?.reason ?? "", /kreveal does not support ssh-ed25519 SSH recipients/);
  });

  it("explains that plugin recipients are not supported", async () => {
    isolateKeys({ SOPS_AGE_KEY: mockIdentity });
    // The form age-plugin-yubikey writes: "age1yubikey1" followed by Bech32 data.
    const recipient = "age1yubikey1qwt50d05nh5vutpdzmlg5wn80xq5negm4uj9ghv0snvdd3yysf5yw3rhl3t";

    const { secret, attempts } = await unwrap([ageKey("-----BEGIN AGE ENCRYPTED FILE-----\n-----END AGE ENCRYPTED FILE-----", recipient)]);

    assert.equal(secret, undefined);
    assert.match(attempts[0]?.reason ?? "", /needs an age plugin \(yubikey\)/);
  });

  it("describes where it looks", () => {
    isolateKeys({ SOPS_AGE_KEY_FILE: historyKeys, SOPS_AGE_KEY: mockIdentity });
    const lookup = ageKeySource.describeLookup();

    assert.match(lookup, /SOPS_AGE_KEY,/);
    assert.ok(lookup.includes(historyKeys));
    assert.ok(lookup.includes(path.join(process.env.XDG_CONFIG_HOME ?? "", "sops/age/keys.txt")));
    assert.ok(!lookup.includes(mockIdentity));
  });
});

describe("age key source with generated files", () => {
  it("opens a Shamir-share-sized payload", async () => {
    isolateKeys({ SOPS_AGE_KEY: mockIdentity });
    const share = randomBytes(33);

    const { secret } = await unwrap([ageKey(await encryptTo(mockRecipient, share), mockRecipient)]);

    assert.deepEqual(Buffer.from(secret ?? []), share);
  });

  it("opens an entry whose recipient field is wrong", async () => {
    isolateKeys({ SOPS_AGE_KEY: `${mockOtherIdentity} ${mockIdentity}` });
    const dataKey = randomBytes(32);
    const wrongRecipient = new X25519Identity(mockOtherIdentity).recipient;

    const { secret } = await unwrap([ageKey(await encryptTo(mockRecipient, dataKey), wrongRecipient)]);

    assert.deepEqual(Buffer.from(secret ?? []), dataKey);
  });

  it("opens the second entry of a group", async () => {
    isolateKeys({ SOPS_AGE_KEY: mockIdentity });
    const dataKey = randomBytes(32);
    const stranger = await identityToRecipient(await generateX25519Identity());

    const keys = [ageKey(await encryptTo(stranger, dataKey), stranger), ageKey(await encryptTo(mockRecipient, dataKey), mockRecipient)];
    const { secret, attempts } = await unwrap(keys);

    assert.deepEqual(Buffer.from(secret ?? []), dataKey);
    assert.deepEqual(attempts, []);
  });

  it("opens post-quantum entries with mockHybridIdentity", async () => {
    isolateKeys({ SOPS_AGE_KEY: `${mockIdentity}\n${mockHybridIdentity}` });
    const recipient = await identityToRecipient(mockHybridIdentity);
    const dataKey = randomBytes(32);

    const { secret } = await unwrap([ageKey(await encryptTo(recipient, dataKey), recipient)]);

    assert.ok(recipient.startsWith("age1pq1"));
    assert.deepEqual(Buffer.from(secret ?? []), dataKey);
  });

  it("opens post-quantum entries with a new identity", async () => {
    const identity = await generateHybridIdentity();
    isolateKeys({ SOPS_AGE_KEY: identity });
    const recipient = await identityToRecipient(identity);
    const dataKey = randomBytes(32);

    const { secret } = await unwrap([ageKey(await encryptTo(recipient, dataKey), recipient)]);

    assert.deepEqual(Buffer.from(secret ?? []), dataKey);
  });

  it("keeps a post-quantum recipient short in reasons", async () => {
    isolateKeys({ SOPS_AGE_KEY: mockIdentity });
    const recipient = await identityToRecipient(await generateHybridIdentity());

    const { attempts } = await unwrap([ageKey(await encryptTo(recipient, randomBytes(32)), recipient)]);

    assert.ok((attempts[0]?.reason.length ?? 0) < 200);
    assert.match(attempts[0]?.reason ?? "", /age1pq1.*…/);
  });

  it("reports a tampered payload", async () => {
    isolateKeys({ SOPS_AGE_KEY: mockIdentity });
    const file = decodeArmor(await encryptTo(mockRecipient, randomBytes(32)));
    file[file.length - 1] ^= 1;

    const { secret, attempts } = await unwrap([ageKey(armor.encode(file), mockRecipient)]);

    assert.equal(secret, undefined);
    assert.match(attempts[0]?.reason ?? "", /does not verify: the age payload failed authentication/);
  });

  it("reports an enc value that is not armored", async () => {
    isolateKeys({ SOPS_AGE_KEY: mockIdentity });

    const { secret, attempts } = await unwrap([ageKey("not an age file", mockRecipient)]);

    assert.equal(secret, undefined);
    assert.match(attempts[0]?.reason ?? "", /enc value is invalid: not an ASCII-armored age file/);
  });

  it("throws for a broken identity source", async () => {
    isolateKeys({ SOPS_AGE_KEY: "garbage" });
    await assert.rejects(ageKeySource.unwrap([ageKey("x", mockRecipient)], []), KrevealError);
  });

  it("opens entries with SOPS_AGE_KEY_CMD", async () => {
    const printer = `process.stdout.write(process.env.SOPS_AGE_RECIPIENT === ${JSON.stringify(mockRecipient)} ? ${JSON.stringify(mockIdentity)} : "")`;
    isolateKeys({ SOPS_AGE_KEY_CMD: `"${process.execPath}" -e '${printer}'` });
    const dataKey = randomBytes(32);

    const { secret } = await unwrap([ageKey(await encryptTo(mockRecipient, dataKey), mockRecipient)]);

    assert.deepEqual(Buffer.from(secret ?? []), dataKey);
  });
});

describe("native age file reader", () => {
  const identity = new X25519Identity(mockIdentity);

  it("decrypts a payload of several STREAM chunks", async () => {
    for (const size of [0, 1, 65536, 65537, 200_000]) {
      const plaintext = randomBytes(size);
      const file = parseAgeFile(decodeArmor(await encryptTo(mockRecipient, plaintext)));
      const fileKey = identity.unwrapFileKey(file.stanzas);

      assert.ok(fileKey !== null);
      assert.deepEqual(openAgeFile(file, fileKey), plaintext, `size ${size}`);
    }
  });

  it("rejects a header whose MAC does not match", async () => {
    const armored = await encryptTo(mockRecipient, randomBytes(32));
    const file = parseAgeFile(decodeArmor(armored));
    const fileKey = identity.unwrapFileKey(file.stanzas);
    file.headerNoMac[5] ^= 1;

    assert.ok(fileKey !== null);
    assert.throws(() => openAgeFile(file, fileKey), AgeFormatError);
  });

  it("serves as an age-encryption identity", async () => {
    const plaintext = randomBytes(32);
    const decrypter = new Decrypter();
    decrypter.addIdentity(identity);

    const result = await decrypter.decrypt(decodeArmor(await encryptTo(mockRecipient, plaintext)));

    assert.deepEqual(Buffer.from(result), plaintext);
  });

  it("returns null for a stanza of another recipient", async () => {
    const stranger = await identityToRecipient(await generateX25519Identity());
    const file = parseAgeFile(decodeArmor(await encryptTo(stranger, randomBytes(32))));

    assert.equal(identity.unwrapFileKey(file.stanzas), null);
  });

  it("rejects a malformed X25519 stanza", () => {
    assert.throws(() => identity.unwrapFileKey([{ args: ["X25519", "short"], body: new Uint8Array(32) }]), /invalid X25519 stanza/);
    assert.throws(() => identity.unwrapFileKey([{ args: ["X25519", Buffer.alloc(32).toString("base64").replace(/=+$/, "")], body: new Uint8Array(32) }]), /invalid X25519 stanza/);
  });

  it("derives HKDF keys like hkdfSync", () => {
    for (const salt of [Buffer.alloc(0), randomBytes(16), randomBytes(64)]) {
      const secret = randomBytes(32);
      assert.deepEqual(hkdfSha256(secret, salt, "payload"), Buffer.from(hkdfSync("sha256", secret, salt, "payload", 32)));
    }
  });

  it("rejects files that are not age v1", () => {
    assert.throws(() => parseAgeFile(Buffer.from("age-encryption.org/v2\n-> X25519 a\n\n--- a\n")), /not an age v1 file/);
    assert.throws(() => parseAgeFile(Buffer.from("age-encryption.org/v1\n--- AAAA\n")), /invalid line/);
    assert.throws(() => decodeArmor("-----BEGIN AGE ENCRYPTED FILE-----\n!!!!\n-----END AGE ENCRYPTED FILE-----"), /not valid base64/);
  });
});
