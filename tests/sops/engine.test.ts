import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";

import { generateX25519Identity, identityToRecipient } from "age-encryption";

import { KrevealError } from "../../plugin/errors.js";
import { decrypt } from "../../plugin/sops/decrypt.js";
import type { StoreName } from "../../plugin/sops/stores/store.js";
import { toPlain } from "../../plugin/sops/tree.js";
import { tempDir } from "../support/paths.js";
import { ageWrapper, writeSops, type KeyWrapper, type SopsWriteOptions } from "../support/sops-writer.js";

const identities: string[] = [];
const recipients: string[] = [];

before(async () => {
  for (let index = 0; index < 4; index++) {
    const identity = await generateX25519Identity();
    identities.push(identity);
    recipients.push(await identityToRecipient(identity));
  }

  // Only the first three identities are available to kreveal; the fourth stays unknown.
  const home = tempDir("kreveal-home-");
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = path.join(home, ".config");
  process.env.GNUPGHOME = path.join(home, ".gnupg");
  const keyFile = path.join(home, "keys.txt");
  writeFileSync(keyFile, identities.slice(0, 3).join("\n") + "\n");
  process.env.SOPS_AGE_KEY_FILE = keyFile;
});

function wrapper(index: number): KeyWrapper {
  return ageWrapper(recipients[index] ?? "");
}

async function roundTrip(store: StoreName, plaintext: string, extra: Partial<SopsWriteOptions> = {}): Promise<string> {
  const encrypted = await writeSops({ store, plaintext, groups: [[wrapper(0)]], ...extra });
  const decrypted = await decrypt(encrypted, { file: `test.${store}`, store });
  return Buffer.from(decrypted.plaintext).toString("utf8");
}

describe("value types", () => {
  it("YAML keeps every type and exact integers", async () => {
    const plaintext = [
      "big: 9007199254740993",
      "negative: -42",
      "ratio: 25.4",
      "large: 1.234568e+09",
      "flag: true",
      "disabled: false",
      "when: 2024-01-01T10:20:30.5Z",
      'empty: ""',
      "nothing: null",
      "word: \"yes\"",
      "",
    ].join("\n");
    const output = await roundTrip("yaml", plaintext);
    assert.equal(output, plaintext);
  });

  it("YAML date becomes an RFC 3339 time", async () => {
    assert.equal(await roundTrip("yaml", "day: 2024-01-01\n"), "day: 2024-01-01T00:00:00Z\n");
  });

  it("JSON keeps exact integers, floats and order", async () => {
    const plaintext = '{\n\t"z": 9007199254740993,\n\t"a": 1.5,\n\t"list": [\n\t\t1,\n\t\t"two",\n\t\tfalse\n\t],\n\t"empty": ""\n}\n';
    assert.equal(await roundTrip("json", plaintext), plaintext);
  });

  it("JSON keeps duplicate keys", async () => {
    const plaintext = '{\n\t"a": "first",\n\t"a": "second"\n}\n';
    assert.equal(await roundTrip("json", plaintext), plaintext);
  });

  it("dotenv is byte-identical", async () => {
    const plaintext = "A=1\n#comment\nB=two words\nC=line1\\nline2\nD=\n";
    assert.equal(await roundTrip("dotenv", plaintext), plaintext);
  });

  it("binary is byte-identical", async () => {
    const plaintext = "line one\r\n\tline two without newline";
    assert.equal(await roundTrip("binary", plaintext), plaintext);
  });

  it("YAML multi-document streams keep every document", async () => {
    const plaintext = "a: 1\n---\nb: two\n";
    assert.equal(await roundTrip("yaml", plaintext), plaintext);
  });
});

describe("selection rules", () => {
  it("encrypted_regex leaves other keys in clear and still checks them", async () => {
    const plaintext = "kind: Secret\nstringData:\n    password: x\n";
    const encrypted = await writeSops({ store: "yaml", plaintext, groups: [[wrapper(0)]], rule: { field: "encrypted_regex", value: "^(data|stringData)$" } });
    const text = Buffer.from(encrypted).toString("utf8");
    assert.match(text, /^kind: Secret$/m);

    const decrypted = await decrypt(encrypted, { file: "rule.yaml", store: "yaml" });
    assert.equal(Buffer.from(decrypted.plaintext).toString("utf8"), plaintext);

    const tampered = Buffer.from(text.replace("kind: Secret", "kind: ConfigMap"));
    await assert.rejects(decrypt(tampered, { file: "rule.yaml", store: "yaml" }), { code: "SOPS_MAC_MISMATCH" });
  });

  it("mac_only_encrypted ignores clear values", async () => {
    const plaintext = "kind: Secret\nstringData:\n    password: x\n";
    const options = { store: "yaml" as const, plaintext, groups: [[wrapper(0)]], macOnlyEncrypted: true, rule: { field: "encrypted_regex" as const, value: "^stringData$" } };
    const text = Buffer.from(await writeSops(options)).toString("utf8");

    const edited = Buffer.from(text.replace("kind: Secret", "kind: ConfigMap"));
    const decrypted = await decrypt(edited, { file: "maconly.yaml", store: "yaml" });
    assert.deepEqual(toPlain(decrypted.branches[0] ?? { kind: "map", items: [] }), { kind: "ConfigMap", stringData: { password: "x" } });
  });
});

describe("key groups", () => {
  it("threshold 2 of 3 opens with two available groups", async () => {
    // Group 3 uses the unknown fourth identity, so exactly two shares can be opened.
    const encrypted = await writeSops({ store: "yaml", plaintext: "a: b\n", groups: [[wrapper(0)], [wrapper(3)], [wrapper(1)]], threshold: 2 });
    const decrypted = await decrypt(encrypted, { file: "groups.yaml", store: "yaml" });
    assert.equal(Buffer.from(decrypted.plaintext).toString("utf8"), "a: b\n");
  });

  it("threshold 3 of 3 fails with one group missing", async () => {
    const encrypted = await writeSops({ store: "yaml", plaintext: "a: b\n", groups: [[wrapper(0)], [wrapper(3)], [wrapper(1)]], threshold: 3 });
    await assert.rejects(decrypt(encrypted, { file: "groups.yaml", store: "yaml" }), (error: unknown) => {
      assert.ok(error instanceof KrevealError);
      assert.equal(error.code, "KEY_NOT_AVAILABLE");
      assert.match(error.describe(), /groups\.yaml/);
      assert.match(error.describe(), /only 2 of the 3 key groups/);
      return true;
    });
  });

  it("a group opens through any of its keys", async () => {
    const encrypted = await writeSops({ store: "yaml", plaintext: "a: b\n", groups: [[wrapper(3), wrapper(2)]] });
    const decrypted = await decrypt(encrypted, { file: "any.yaml", store: "yaml" });
    assert.equal(Buffer.from(decrypted.plaintext).toString("utf8"), "a: b\n");
  });
});

describe("age CLI interop", () => {
  it("a data key wrapped by the age command opens", async () => {
    const version = spawnSync("age", ["--version"], { encoding: "utf8" });
    assert.equal(version.status, 0, "the age command is required (Debian package age)");

    const cliWrapper: KeyWrapper = (secret) => {
      const result = spawnSync("age", ["-r", recipients[1] ?? "", "-a"], { input: secret });
      assert.equal(result.status, 0, result.stderr.toString());
      return Promise.resolve({ source: "age", fields: { recipient: recipients[1] ?? "", enc: result.stdout.toString("utf8") } });
    };
    const encrypted = await writeSops({ store: "dotenv", plaintext: "TOKEN=abc\n", groups: [[cliWrapper]] });
    const decrypted = await decrypt(encrypted, { file: "cli.env", store: "dotenv" });
    assert.equal(Buffer.from(decrypted.plaintext).toString("utf8"), "TOKEN=abc\n");
  });
});
