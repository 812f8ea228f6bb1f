import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

import * as openpgp from "openpgp";
import { parse } from "yaml";

import { KrevealError } from "../../plugin/errors.js";
import type { MasterKey, UnwrapAttempt } from "../../plugin/sops/keys/key-source.js";
import { pgpKeySource } from "../../plugin/sops/keys/pgp.js";
import { loadPgpKeyring, readSecretKeys } from "../../plugin/sops/keys/pgp-keyring.js";
import { isolateKeys } from "../support/key-env.js";
import { fixture, tempDir } from "../support/paths.js";
import { decryptSopsMac } from "../support/sops-mac.js";

const functionalKey = fixture("sops/pgp/sops_functional_tests_key.asc");
const generatorKeyring = fixture("sopssecretgenerator/testdata/secring.gpg");
const sopsKeyring = fixture("sops/pgp/testdata/ring/secring.gpg");
/** A gpg program that does not exist, so that these tests exercise only the in-process path. */
const noGpg = "kreveal-test-no-such-gpg";

interface SopsMetadata {
  pgp: { fp: string; enc: string }[];
  mac: string;
  lastmodified: string;
}

function pgpKeys(metadata: SopsMetadata): MasterKey[] {
  return metadata.pgp.map((entry) => ({ source: "pgp", enc: entry.enc, fields: { fp: entry.fp } }));
}

async function unwrap(keys: MasterKey[]): Promise<{ secret: Uint8Array | undefined; attempts: UnwrapAttempt[] }> {
  const attempts: UnwrapAttempt[] = [];
  const secret = await pgpKeySource.unwrap(keys, attempts);
  return { secret, attempts };
}

describe("PGP key files", () => {
  it("reads multi-block armored key files", async () => {
    const keys = await readSecretKeys(openpgp, readFileSync(functionalKey));

    assert.deepEqual(keys.map((key) => key.getFingerprint().toUpperCase()), ["FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4", "D7229043384BCC60326C6FB9D8720D957C3D3074"]);
  });

  it("reads legacy GnuPG 1.x secret keyrings", async () => {
    const generator = await readSecretKeys(openpgp, readFileSync(generatorKeyring));
    const sops = await readSecretKeys(openpgp, readFileSync(sopsKeyring));

    assert.deepEqual(generator.map((key) => key.getFingerprint().toUpperCase()), ["2D2483DF73A3A0FAEE3C2A695BDC395360CE8FF4"]);
    assert.deepEqual(sops.map((key) => key.getFingerprint().toUpperCase()), ["B59DAF469E8C948138901A649732075EA221A7EA"]);
  });

  it("reads an armored key in a .gpg file", async () => {
    const keys = await readSecretKeys(openpgp, readFileSync(fixture("sops/pgp/testdata/private.gpg")));

    assert.deepEqual(keys.map((key) => key.getFingerprint().toUpperCase()), ["B59DAF469E8C948138901A649732075EA221A7EA"]);
  });

  it("skips public keys", async () => {
    assert.deepEqual(await readSecretKeys(openpgp, readFileSync(fixture("sops/pgp/testdata/ring/pubring.gpg"))), []);
    assert.deepEqual(await readSecretKeys(openpgp, readFileSync(fixture("sops/pgp/testdata/public.gpg"))), []);
  });

  it("skips unreadable keys in a keyring", async () => {
    const unreadable = Buffer.from([0x99, 0x00, 0x03, 0x03, 0x00, 0x00]);
    const keys = await readSecretKeys(openpgp, Buffer.concat([unreadable, readFileSync(generatorKeyring), unreadable]));

    assert.deepEqual(keys.map((key) => key.getFingerprint().toUpperCase()), ["2D2483DF73A3A0FAEE3C2A695BDC395360CE8FF4"]);
  });

  it("loads all files named by KREVEAL_PGP_KEY_FILE", async () => {
    isolateKeys({ KREVEAL_PGP_KEY_FILE: [functionalKey, "", generatorKeyring, fixture("sops/pgp/testdata/public.gpg")].join(path.delimiter) });
    const keyring = await loadPgpKeyring(openpgp);

    assert.equal(keyring.keys.length, 3);
    assert.ok(keyring.notes.some((note) => note.includes("public.gpg contains no secret keys")));
  });

  it("loads $GNUPGHOME/secring.gpg", async () => {
    const home = isolateKeys();
    writeFileSync(path.join(home, ".gnupg", "secring.gpg"), readFileSync(sopsKeyring));
    const keyring = await loadPgpKeyring(openpgp);

    assert.deepEqual(keyring.keys.map((key) => key.getFingerprint().toUpperCase()), ["B59DAF469E8C948138901A649732075EA221A7EA"]);
  });

  it("rejects a missing key file", async () => {
    const missing = path.join(tempDir(), "absent.asc");
    isolateKeys({ KREVEAL_PGP_KEY_FILE: missing });

    await assert.rejects(loadPgpKeyring(openpgp), (error: unknown) => error instanceof KrevealError && error.location === missing);
  });

  it("rejects a key file that is not OpenPGP", async () => {
    const garbage = path.join(tempDir(), "garbage.asc");
    writeFileSync(garbage, "this is not a key\n");
    isolateKeys({ KREVEAL_PGP_KEY_FILE: garbage });

    await assert.rejects(loadPgpKeyring(openpgp), /contains no readable OpenPGP keys/);
  });
});

describe("PGP key source with fixtures", () => {
  it("opens format.enc.yaml with the functional-test key", async () => {
    isolateKeys({ KREVEAL_PGP_KEY_FILE: functionalKey, SOPS_GPG_EXEC: noGpg });
    const document = parse(readFileSync(fixture("sops/functional-tests/res/format.enc.yaml"), "utf8")) as { sops: SopsMetadata };
    const keys = pgpKeys(document.sops).filter((key) => key.fields.fp === "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4");

    const { secret, attempts } = await unwrap(keys);

    assert.equal(keys.length, 1);
    assert.equal(secret?.length, 32);
    assert.deepEqual(attempts, []);
    assert.match(decryptSopsMac(document.sops, secret), /^[0-9A-F]{128}$/);
  });

  for (const file of ["file.yaml", "file.json", "file.txt"]) {
    it(`opens the SopsSecretGenerator ${file} with its secring.gpg`, async () => {
      isolateKeys({ KREVEAL_PGP_KEY_FILE: generatorKeyring, SOPS_GPG_EXEC: noGpg });
      const text = readFileSync(fixture(`sopssecretgenerator/testdata/${file}`), "utf8");
      const document = (file.endsWith(".yaml") ? parse(text) : JSON.parse(text)) as { sops: SopsMetadata };

      const { secret } = await unwrap(pgpKeys(document.sops));

      assert.equal(secret?.length, 32);
      assert.match(decryptSopsMac(document.sops, secret), /^[0-9A-F]{128}$/);
    });
  }

  it("gives a reason per key that does not match", async () => {
    isolateKeys({ KREVEAL_PGP_KEY_FILE: generatorKeyring, SOPS_GPG_EXEC: noGpg });
    const document = parse(readFileSync(fixture("sops/example.yaml"), "utf8")) as { sops: SopsMetadata };
    const keys = pgpKeys(document.sops);

    const { secret, attempts } = await unwrap(keys);

    assert.equal(secret, undefined);
    assert.equal(attempts.length, keys.length);
    for (const [index, attempt] of attempts.entries()) {
      assert.equal(attempt.key, keys[index]);
      assert.match(attempt.reason, /it is encrypted to key ID [0-9A-F]{16}, and none of the 1 OpenPGP secret keys kreveal loaded has it/);
      assert.match(attempt.reason, new RegExp(`${noGpg} is not installed`));
    }
  });

  it("reports an enc value that is not a PGP message", async () => {
    isolateKeys({ KREVEAL_PGP_KEY_FILE: generatorKeyring, SOPS_GPG_EXEC: noGpg });

    const { secret, attempts } = await unwrap([{ source: "pgp", enc: "not a message", fields: {} }]);

    assert.equal(secret, undefined);
    assert.match(attempts[0]?.reason ?? "", /not an armored OpenPGP message/);
  });

  it("describes where it looks", () => {
    isolateKeys({ KREVEAL_PGP_KEY_FILE: generatorKeyring, SOPS_GPG_EXEC: noGpg });
    const lookup = pgpKeySource.describeLookup();

    assert.ok(lookup.includes(generatorKeyring));
    assert.ok(lookup.includes(path.join(process.env.GNUPGHOME ?? "", "secring.gpg")));
    assert.ok(lookup.includes(noGpg));
  });
});
