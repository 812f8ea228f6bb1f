import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { decryptWithGpg } from "../../plugin/sops/keys/gpg.js";
import type { UnwrapAttempt } from "../../plugin/sops/keys/key-source.js";
import { pgpKeySource } from "../../plugin/sops/keys/pgp.js";
import { createGnupgHome, gpgEncrypt, gpgExportSecretKey, gpgVersion, type TestGnupgHome } from "../support/gpg-cli.js";
import { isolateKeys } from "../support/key-env.js";
import { tempDir } from "../support/paths.js";

const skip = gpgVersion() === undefined ? "gpg is not installed" : false;

for (const algorithm of ["future-default", "rsa2048"]) {
  describe(`gpg interoperability with a ${algorithm} key`, { skip }, () => {
    let gnupg: TestGnupgHome;
    const dataKey = randomBytes(32);
    let enc = "";

    before(() => {
      gnupg = createGnupgHome(algorithm);
      enc = gpgEncrypt(gnupg, dataKey);
    });

    after(() => {
      gnupg.close();
    });

    it("opens the data key through the gpg binary", async () => {
      isolateKeys();
      process.env.GNUPGHOME = gnupg.home;
      const attempts: UnwrapAttempt[] = [];

      const secret = await pgpKeySource.unwrap([{ source: "pgp", enc, fields: { fp: gnupg.fingerprint } }], attempts);

      assert.deepEqual(Buffer.from(secret ?? []), dataKey);
      assert.deepEqual(attempts, []);
    });

    it("opens with the exported key file", async () => {
      const keyFile = path.join(tempDir(), "exported.asc");
      writeFileSync(keyFile, gpgExportSecretKey(gnupg));
      // No usable gpg, so only openpgp.js can open it.
      isolateKeys({ KREVEAL_PGP_KEY_FILE: keyFile, SOPS_GPG_EXEC: "kreveal-test-no-such-gpg" });

      const secret = await pgpKeySource.unwrap([{ source: "pgp", enc, fields: { fp: gnupg.fingerprint } }], []);

      assert.deepEqual(Buffer.from(secret ?? []), dataKey);
    });

    it("reports only gpg's reason line", async () => {
      isolateKeys();
      const result = await decryptWithGpg(enc);

      assert.ok("reason" in result);
      assert.match(result.reason, /^gpg: decryption failed: No secret key \(key ID [0-9A-F]{16}\)$|^gpg has no secret key for key ID [0-9A-F]{16}$/);
      assert.doesNotMatch(result.reason, /\[GNUPG:\]|kreveal-test@example\.invalid/);
    });
  });
}

describe("gpg binary", () => {
  it("skips a missing SOPS_GPG_EXEC program", async () => {
    isolateKeys({ SOPS_GPG_EXEC: path.join(tempDir(), "no-gpg-here") });

    const result = await decryptWithGpg("-----BEGIN PGP MESSAGE-----\n-----END PGP MESSAGE-----\n");

    assert.ok("reason" in result);
    assert.match(result.reason, /no-gpg-here is not installed/);
  });
});
