import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { KrevealError } from "../../plugin/errors.js";
import { createInputReader } from "../../plugin/files/input-reader.js";
import { fixture, tempDir, useTestKeys } from "../support/paths.js";

before(() => {
  useTestKeys();
});

function repoWith(files: Record<string, string>): string {
  const root = tempDir();
  mkdirSync(path.join(root, ".git"));
  for (const [name, source] of Object.entries(files)) {
    cpSync(fixture(source), path.join(root, name));
  }
  return root;
}

test("input reader: SOPS YAML decrypted", async () => {
  const root = repoWith({ "secret.enc.yaml": "ksops/test/krm/file/secret.enc.yaml" });
  const bytes = await createInputReader({ cwd: root, root }).read("files[0]", "secret.enc.yaml");
  assert.equal(Buffer.from(bytes).toString("utf8"), "username: admin\npassword: 1f2d1e2e67df\n");
});

test("input reader: SOPS dotenv decrypted", async () => {
  const root = repoWith({ "secret.enc.env": "ksops/test/krm/envs/secret.enc.env" });
  const bytes = await createInputReader({ cwd: root, root }).read("envs[0]", "secret.enc.env");
  assert.equal(Buffer.from(bytes).toString("utf8"), "password=1f2d1e2e67df\nusername=admin\n");
});

test("input reader: detection by content", async () => {
  // An encrypted file under a name without a SOPS extension, and a plain file named .enc.yaml.
  const root = repoWith({ "renamed.txt": "ksops/test/krm/file/secret.enc.yaml" });
  writeFileSync(path.join(root, "plain.enc.yaml"), "username: admin\n");
  const reader = createInputReader({ cwd: root, root });

  assert.equal(Buffer.from(await reader.read("files[0]", "renamed.txt")).toString("utf8"), "username: admin\npassword: 1f2d1e2e67df\n");
  assert.equal(Buffer.from(await reader.read("files[1]", "plain.enc.yaml")).toString("utf8"), "username: admin\n");
});

test("input reader: tampered file located", async () => {
  const root = repoWith({ "secret.enc.yaml": "ksops/test/krm/file/secret.enc.yaml" });
  const file = path.join(root, "secret.enc.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace('lastmodified: "2022-12-14T18:15:56Z"', 'lastmodified: "2022-12-14T18:15:57Z"'));

  await assert.rejects(createInputReader({ cwd: root, root }).read("files[0]", "secret.enc.yaml"), (error: unknown) => {
    assert.ok(error instanceof KrevealError);
    assert.match(error.describe(), /^files\[0\] "secret\.enc\.yaml"/);
    assert.match(error.code, /^SOPS_MAC_/);
    assert.doesNotMatch(error.describe(), /1f2d1e2e67df|admin/);
    return true;
  });
});
