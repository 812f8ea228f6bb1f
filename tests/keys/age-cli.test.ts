import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";

import { ageKeySource } from "../../plugin/sops/keys/age.js";
import type { UnwrapAttempt } from "../../plugin/sops/keys/key-source.js";
import { ageEncryptArmored, ageKeygen, ageKeygenSupportsPostQuantum, ageVersion } from "../support/age-cli.js";
import { isolateKeys } from "../support/key-env.js";
import { tempDir } from "../support/paths.js";

const version = ageVersion();
const skipReason = version === undefined ? "the age CLI is not installed (Debian package age)" : false;
const postQuantumSkip = version === undefined ? skipReason : ageKeygenSupportsPostQuantum() ? false : `age ${version} has no post-quantum identities (age-keygen -pq needs age 1.3 or later)`;

describe("age CLI interoperability", () => {
  it("opens a data key encrypted by age -r -a", { skip: skipReason }, async () => {
    const { identityFile, recipient } = ageKeygen(tempDir());
    isolateKeys({ SOPS_AGE_KEY_FILE: identityFile });
    const dataKey = randomBytes(32);
    const enc = ageEncryptArmored(recipient, dataKey);

    const attempts: UnwrapAttempt[] = [];
    const secret = await ageKeySource.unwrap([{ source: "age", enc, fields: { recipient } }], attempts);

    assert.deepEqual(Buffer.from(secret ?? []), dataKey);
    assert.deepEqual(attempts, []);
  });

  it("opens a data key for a post-quantum recipient", { skip: postQuantumSkip }, async () => {
    const { identityFile, recipient } = ageKeygen(tempDir(), { postQuantum: true });
    isolateKeys({ SOPS_AGE_KEY_FILE: identityFile });
    const dataKey = randomBytes(32);
    const enc = ageEncryptArmored(recipient, dataKey);

    const secret = await ageKeySource.unwrap([{ source: "age", enc, fields: { recipient } }], []);

    assert.deepEqual(Buffer.from(secret ?? []), dataKey);
  });
});
