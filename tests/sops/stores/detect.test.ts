import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { detectSopsStore, storeByName, storeForPath } from "../../../plugin/sops/stores/index.js";
import { FIXTURES, fixture } from "./helpers.js";

const ENCRYPTED: Record<string, string> = {
  "sops/example.yaml": "yaml",
  "sops/example.json": "json",
  "sops/example.ini": "ini",
  "sops/example.txt": "binary",
  "sops/_history/pr-1031-0b07dfbc5/example.yaml": "yaml",
  "sops/_history/pr-1031-0b07dfbc5/example.json": "json",
  "sops/_history/pr-1031-0b07dfbc5/example.ini": "ini",
  "sops/_history/pr-1031-0b07dfbc5/example.txt": "binary",
  "sops/_history/pr-1031-0b07dfbc5/example.kmsstub.json": "json",
  "sops/_history/pr-1031-0b07dfbc5/example.kmsstub.txt": "binary",
  "sops/config/test_resources/example.yaml": "yaml",
  "sops/stores/ini/test_resources/example.json": "json",
  "sops/examples/all_in_one/config/secret.enc.json": "json",
  "sops/examples/per_file/config.enc/static_github.json": "json",
  "sops/functional-tests/res/comments.enc.yaml": "yaml",
  "sops/functional-tests/res/comments_unencrypted_comments.yaml": "yaml",
  "sops/functional-tests/res/format-2.enc.ini": "ini",
  "sops/functional-tests/res/format.enc.env": "dotenv",
  "sops/functional-tests/res/format.enc.ini": "ini",
  "sops/functional-tests/res/format.enc.json": "json",
  "sops/functional-tests/res/format.enc.yaml": "yaml",
  "sops/functional-tests/res/multiple_keys.yaml": "yaml",
  "sops/functional-tests/res/no_mac.yaml": "yaml",
  "sopssecretgenerator/testdata/file.env": "dotenv",
  "sopssecretgenerator/testdata/file.ini": "ini",
  "sopssecretgenerator/testdata/file.json": "json",
  "sopssecretgenerator/testdata/file.txt": "binary",
  "sopssecretgenerator/testdata/file2.txt": "binary",
  "sopssecretgenerator/testdata/file.yaml": "yaml",
  "sopssecretgenerator/testdata/vars.env": "dotenv",
  "sopssecretgenerator/testdata/vars.json": "json",
  "sopssecretgenerator/testdata/vars.yaml": "yaml",
};

function allFixtures(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const full = path.join(folder, name);
    return statSync(full).isDirectory() ? allFixtures(full) : [path.relative(FIXTURES, full)];
  });
}

describe("detectSopsStore", () => {
  for (const [file, store] of Object.entries(ENCRYPTED)) {
    it(`finds ${store} in ${file}`, () => {
      assert.equal(detectSopsStore(fixture(file), file), store);
    });
  }

  it("finds every ksops encrypted file", () => {
    const files = allFixtures(path.join(FIXTURES, "ksops")).filter((file) => file.includes(".enc."));
    assert.ok(files.length >= 9);
    for (const file of files) {
      assert.equal(detectSopsStore(fixture(file), file), file.endsWith(".env") ? "dotenv" : "yaml", file);
    }
  });

  it("finds nothing in the plain fixtures", () => {
    const plain = allFixtures(FIXTURES).filter((file) => !(file in ENCRYPTED) && !file.includes(".enc."));
    assert.ok(plain.length > 50);
    for (const file of plain) {
      assert.equal(detectSopsStore(fixture(file), file), undefined, file);
    }
  });

  it("finds nothing in empty or random input", () => {
    assert.equal(detectSopsStore(new Uint8Array(), "empty.txt"), undefined);
    for (let i = 0; i < 20; i++) {
      const junk = Buffer.concat([randomBytes(200), Buffer.from("sops:\n  mac: [\n{\"sops\":"), randomBytes(50)]);
      assert.equal(detectSopsStore(junk, i % 2 === 0 ? "junk.yaml" : "junk.bin"), undefined);
    }
  });

  it("reads a binary envelope named .json as JSON", () => {
    assert.equal(detectSopsStore(fixture("sops/example.txt"), "renamed.json"), "json");
  });

  it("reads an encrypted YAML file under another name", () => {
    assert.equal(detectSopsStore(fixture("sops/example.yaml"), "secret"), "yaml");
    assert.equal(detectSopsStore(fixture("sops/functional-tests/res/format.enc.env"), "values.txt"), "dotenv");
  });
});

describe("store lookup", () => {
  it("picks the store from the extension", () => {
    const cases: [string, string][] = [["a.yaml", "yaml"], ["a.yml", "yaml"], ["a.json", "json"], ["a.env", "dotenv"], ["a.ini", "ini"], ["a.txt", "binary"], ["a", "binary"], ["a.YAML", "binary"]];
    for (const [file, name] of cases) {
      assert.equal(storeForPath(file).name, name, file);
    }
    assert.equal(storeByName("ini").name, "ini");
  });
});
