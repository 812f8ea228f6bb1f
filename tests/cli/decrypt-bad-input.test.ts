import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";

import { generateX25519Identity, identityToRecipient } from "age-encryption";

import { isolatedEnv as cleanEnv, runKreveal, type RunResult as CommandResult } from "../e2e/support.js";
import { assertFailedClosed } from "../support/fail-closed.js";
import { fixture, tempDir } from "../support/paths.js";
import { ageWrapper, writeSops } from "../support/sops-writer.js";

// Values that must never appear in any output of a failed run.
const secrets = ["hunter2-correct-horse", "s3cr3t-token-value"];
const plaintext = `db:\n    password: ${secrets[0]}\n    token: ${secrets[1]}\nport_unencrypted: "5432"\n`;

interface Setup {
  dir: string;
  keyFile: string;
  otherKeyFile: string;
  encrypted: string;
}

let setup: Setup;

before(async () => {
  const dir = tempDir();
  const identity = await generateX25519Identity();
  const other = await generateX25519Identity();
  const keyFile = path.join(dir, "keys.txt");
  const otherKeyFile = path.join(dir, "other-keys.txt");
  writeFileSync(keyFile, `${identity}\n`);
  writeFileSync(otherKeyFile, `${other}\n`);

  const bytes = await writeSops({ store: "yaml", plaintext, groups: [[ageWrapper(await identityToRecipient(identity))]] });
  setup = { dir, keyFile, otherKeyFile, encrypted: Buffer.from(bytes).toString("utf8") };
});

function isolatedEnv(keyFile: string | null): Record<string, string> {
  return cleanEnv(keyFile === null ? {} : { SOPS_AGE_KEY_FILE: keyFile });
}

function decryptText(name: string, content: string, keyFile: string | null = setup.keyFile): CommandResult {
  const file = path.join(setup.dir, name);
  writeFileSync(file, content);
  return runKreveal(["decrypt", file], { cwd: setup.dir, env: isolatedEnv(keyFile) });
}

function assertRejected(result: CommandResult, name: string, code: string, keyPath?: string): void {
  assertFailedClosed(result, keyPath === undefined ? { names: name, code, secrets } : { names: name, code, keyPath, secrets });
}

function replaceValue(content: string, key: string, edit: (value: string) => string): string {
  return content.replace(new RegExp(`(${key}: )(ENC\\[[^\\n]*)`), (_match, prefix: string, value: string) => prefix + edit(value));
}

describe("kreveal decrypt on good input", () => {
  it("prints the plaintext of a valid file", () => {
    const result = decryptText("good.enc.yaml", setup.encrypted);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, plaintext);
  });
});

describe("kreveal decrypt on bad input", () => {
  it("no key available", () => {
    assertRejected(decryptText("nokey.enc.yaml", setup.encrypted, null), "nokey.enc.yaml", "KEY_NOT_AVAILABLE");
  });

  it("wrong key", () => {
    assertRejected(decryptText("wrongkey.enc.yaml", setup.encrypted, setup.otherKeyFile), "wrongkey.enc.yaml", "KEY_NOT_AVAILABLE");
  });

  it("tampered value", () => {
    const tampered = replaceValue(setup.encrypted, "password", (value) => value.replace(/data:(.)/, (_m, first: string) => `data:${first === "A" ? "B" : "A"}`));
    assertRejected(decryptText("tampered.enc.yaml", tampered), "tampered.enc.yaml", "SOPS_DECRYPT_FAILED", "db.password");
  });

  it("tampered unencrypted value", () => {
    const tampered = setup.encrypted.replace('port_unencrypted: "5432"', 'port_unencrypted: "5433"');
    assert.notEqual(tampered, setup.encrypted);
    assertRejected(decryptText("tampered-plain.enc.yaml", tampered), "tampered-plain.enc.yaml", "SOPS_MAC_MISMATCH");
  });

  it("tampered MAC", () => {
    const tampered = setup.encrypted.replace(/(mac: ENC\[AES256_GCM,data:)(.)/, (_m, prefix: string, first: string) => prefix + (first === "A" ? "B" : "A"));
    assertRejected(decryptText("tampered-mac.enc.yaml", tampered), "tampered-mac.enc.yaml", "SOPS_MAC_MISMATCH");
  });

  it("values swapped between keys", () => {
    const password = /password: (ENC\[[^\n]*)/.exec(setup.encrypted)?.[1] ?? "";
    const token = /token: (ENC\[[^\n]*)/.exec(setup.encrypted)?.[1] ?? "";
    const swapped = setup.encrypted.replace(`password: ${password}`, `password: ${token}`);
    assertRejected(decryptText("swapped.enc.yaml", swapped), "swapped.enc.yaml", "SOPS_DECRYPT_FAILED", "db.password");
  });

  it("truncated ENC value", () => {
    const truncated = replaceValue(setup.encrypted, "token", (value) => value.slice(0, 30));
    assertRejected(decryptText("truncated.enc.yaml", truncated), "truncated.enc.yaml", "SOPS_VALUE_INVALID", "db.token");
  });

  it("unknown type", () => {
    const unknown = replaceValue(setup.encrypted, "token", (value) => value.replace("type:str]", "type:blob]"));
    assertRejected(decryptText("unknown-type.enc.yaml", unknown), "unknown-type.enc.yaml", "SOPS_TYPE_UNKNOWN", "db.token");
  });

  it("plaintext where a value should be encrypted", () => {
    const edited = replaceValue(setup.encrypted, "token", () => "edited-by-hand");
    assertRejected(decryptText("edited.enc.yaml", edited), "edited.enc.yaml", "SOPS_VALUE_INVALID", "db.token");
  });

  it("malformed YAML", () => {
    const malformed = setup.encrypted.replace("db:\n", "db: [\n");
    assertRejected(decryptText("malformed.enc.yaml", malformed), "malformed.enc.yaml", "INPUT_MALFORMED");
  });

  it("empty file", () => {
    assertRejected(decryptText("empty.enc.yaml", ""), "empty.enc.yaml", "INPUT_EMPTY");
  });

  it("plain file without metadata", () => {
    assertRejected(decryptText("plain.yaml", plaintext), "plain.yaml", "SOPS_METADATA_MISSING");
  });

  it("file that does not exist", () => {
    const result = runKreveal(["decrypt", path.join(setup.dir, "missing.enc.yaml")], { cwd: setup.dir, env: isolatedEnv(setup.keyFile) });
    assertRejected(result, "missing.enc.yaml", "FILE_NOT_FOUND");
  });

  it("upstream file without MAC", () => {
    const result = runKreveal(["decrypt", fixture("sops/functional-tests/res/no_mac.yaml")], {
      cwd: setup.dir,
      env: cleanEnv({ KREVEAL_PGP_KEY_FILE: fixture("sops/pgp/sops_functional_tests_key.asc") }),
    });
    assertRejected(result, "no_mac.yaml", "SOPS_MAC_MISSING");
    assert.ok(!result.stderr.includes("t00m4nys3cr3tzupdated"));
  });
});
