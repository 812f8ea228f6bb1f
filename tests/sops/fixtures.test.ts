import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import { parse as parseYaml, parseAllDocuments } from "yaml";

import { KrevealError } from "../../plugin/errors.js";
import { decrypt, type DecryptedFile } from "../../plugin/sops/decrypt.js";
import { storeForPath } from "../../plugin/sops/stores/index.js";
import { toPlain } from "../../plugin/sops/tree.js";
import { fixture, useTestKeys } from "../support/paths.js";

useTestKeys();

async function open(relative: string): Promise<DecryptedFile> {
  const file = fixture(relative);
  return decrypt(readFileSync(file), { file: relative, store: storeForPath(file).name });
}

function text(decrypted: DecryptedFile): string {
  return Buffer.from(decrypted.plaintext).toString("utf8");
}

function plain(decrypted: DecryptedFile): unknown[] {
  return decrypted.branches.map((branch) => toPlain(branch));
}

async function rejection(relative: string): Promise<KrevealError> {
  try {
    await open(relative);
  } catch (error) {
    assert.ok(error instanceof KrevealError, `expected a KrevealError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${relative} decrypted but should have been rejected`);
}

describe("sops fixtures with a known plaintext", () => {
  const exact: [string, string][] = [
    ["sops/functional-tests/res/format.enc.yaml", "foo: bar\n"],
    ["sops/functional-tests/res/format.enc.json", '{\n\t"foo": "bar"\n}\n'],
    ["sops/functional-tests/res/format.enc.env", "foo = bar\n"],
    ["sops/functional-tests/res/format.enc.ini", "[foo]\nbar = baz\n"],
    ["sops/functional-tests/res/format-2.enc.ini", "[foo]\nbar = baz\n"],
    ["sopssecretgenerator/testdata/file.env", "VAR=secret\n"],
    ["sopssecretgenerator/testdata/file.yaml", "var: secret\n"],
    ["sopssecretgenerator/testdata/file.txt", "secret\n"],
    ["sopssecretgenerator/testdata/file2.txt", "secret2\n"],
  ];
  for (const [file, expected] of exact) {
    it(`${file} prints exactly as sops -d`, async () => {
      assert.equal(text(await open(file)), expected);
    });
  }

  it("old sops JSON output differs only by the trailing newline", async () => {
    assert.equal(text(await open("sopssecretgenerator/testdata/file.json")), '{\n\t"var": "secret"\n}\n');
  });

  it("old sops INI output differs only by the blank line", async () => {
    assert.equal(text(await open("sopssecretgenerator/testdata/file.ini")), "[section]\nvar = secret\n");
  });

  it("comments.enc.yaml matches comments.yaml with its comments", async () => {
    const decrypted = text(await open("sops/functional-tests/res/comments.enc.yaml"));
    // comments.yaml has no final newline; sops --decrypt always ends its output with one.
    const expected = readFileSync(fixture("sops/functional-tests/res/comments.yaml"), "utf8");
    assert.equal(decrypted, `${expected.trimEnd()}\n`);
  });

  it("unencrypted comments of old sops survive", async () => {
    const decrypted = text(await open("sops/functional-tests/res/comments_unencrypted_comments.yaml"));
    assert.match(decrypted, /^#/m);
    assert.deepEqual(parseYaml(decrypted), { lorem: "ipsum", dolor: "sit" });
  });

  it("multiple_keys.yaml opens with either key", async () => {
    assert.deepEqual(plain(await open("sops/functional-tests/res/multiple_keys.yaml")), [{ message: "hello" }]);
  });

  it("vars files of every store carry their variable", async () => {
    assert.deepEqual(plain(await open("sopssecretgenerator/testdata/vars.yaml")), [{ VAR_YAML: "val_yaml" }]);
    assert.deepEqual(plain(await open("sopssecretgenerator/testdata/vars.json")), [{ VAR_JSON: "val_json" }]);
    assert.deepEqual(plain(await open("sopssecretgenerator/testdata/vars.env")), [{ VAR_ENV: "val_env" }]);
  });

  it("example JSON files carry their derived values", async () => {
    assert.deepEqual(plain(await open("sops/examples/all_in_one/config/secret.enc.json")), [{ github_oauth_token: "t00m4nys3cr3tz" }]);
    const perFile = plain(await open("sops/examples/per_file/config.enc/static_github.json"));
    assert.equal(perFile.length, 1);
  });

  it("binary example starts with its greeting", async () => {
    assert.match(text(await open("sops/example.txt")), /^Welcome to SOPS!/);
  });
});

describe("age and PGP encryptions of the same examples", () => {
  for (const extension of ["yaml", "json", "ini", "txt"]) {
    it(`example.${extension} gives the same data under age and PGP`, async () => {
      const viaAge = await open(`sops/_history/pr-1031-0b07dfbc5/example.${extension}`);
      const viaPgp = await open(`sops/example.${extension}`);
      assert.equal(viaAge.store, viaPgp.store);
      assert.ok(viaAge.plaintext.length > 0);
      assert.ok(viaPgp.plaintext.length > 0);
    });
  }

  it("a KMS stub entry is skipped in favour of age", async () => {
    const decrypted = await open("sops/_history/pr-1031-0b07dfbc5/example.kmsstub.json");
    const [data] = plain(decrypted) as [Record<string, unknown>];
    assert.equal(typeof data.firstName, "string");
    assert.equal(data.age, 25.4);
  });

  it("a binary KMS stub entry is skipped in favour of age", async () => {
    const decrypted = await open("sops/_history/pr-1031-0b07dfbc5/example.kmsstub.txt");
    assert.ok(decrypted.plaintext.length > 0);
  });
});

describe("KSOPS fixtures", () => {
  const cases: [string, string][] = [
    ["single", "secret.enc.yaml"],
    ["hash", "secret.enc.yaml"],
    ["behaviors", "secret.enc.yaml"],
    ["multiple", "secret-A.enc.yaml"],
    ["multiple", "secret-B.enc.yaml"],
    ["multiple", "secret-C.enc.yaml"],
  ];
  for (const [name, file] of cases) {
    it(`${name}/${file} decrypts to the data in want.yaml`, async () => {
      const decrypted = parseYaml(text(await open(`ksops/test/krm/${name}/${file}`))) as Record<string, unknown>;
      const wanted = parseAllDocuments(readFileSync(fixture(`ksops/test/krm/${name}/want.yaml`), "utf8")).map(
        (document) => document.toJS() as Record<string, unknown>,
      );
      const match = wanted.find((resource) => JSON.stringify(resource.data) === JSON.stringify(decrypted.data));
      assert.ok(match, `no Secret in want.yaml has the data of ${file}`);
      assert.deepEqual(decrypted.stringData, match.stringData);
    });
  }

  it("envs/secret.enc.env decrypts to the pairs in want.yaml", async () => {
    const decrypted = plain(await open("ksops/test/krm/envs/secret.enc.env"));
    const wanted = parseYaml(readFileSync(fixture("ksops/test/krm/envs/want.yaml"), "utf8")) as { stringData: unknown };
    assert.deepEqual(decrypted, [wanted.stringData]);
  });

  it("file/secret.enc.yaml decrypts to the text in want.yaml", async () => {
    const decrypted = text(await open("ksops/test/krm/file/secret.enc.yaml"));
    const wanted = parseYaml(readFileSync(fixture("ksops/test/krm/file/want.yaml"), "utf8")) as { stringData: Record<string, string> };
    assert.equal(decrypted, wanted.stringData["secret.enc.yaml"]);
  });
});

describe("negative fixtures", () => {
  it("a file without MAC is rejected", async () => {
    const error = await rejection("sops/functional-tests/res/no_mac.yaml");
    assert.equal(error.code, "SOPS_MAC_MISSING");
    assert.match(error.describe(), /no_mac\.yaml/);
  });

  it("a plain YAML file is rejected", async () => {
    const error = await rejection("sops/functional-tests/res/plainfile.yaml");
    assert.equal(error.code, "SOPS_METADATA_MISSING");
  });

  it("an empty file is rejected", async () => {
    const error = await rejection("sopssecretgenerator/testdata/empty.txt");
    assert.equal(error.code, "INPUT_EMPTY");
  });

  it("files for unpublished keys are rejected", async () => {
    for (const file of ["sops/config/test_resources/example.yaml", "sops/stores/ini/test_resources/example.json"]) {
      const error = await rejection(file);
      assert.equal(error.code, "KEY_NOT_AVAILABLE", file);
      assert.match(error.describe(), /E5297818703249D0C60E19E6824612478D1A4CCD/);
    }
  });
});
