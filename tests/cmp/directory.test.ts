import assert from "node:assert/strict";
import { cpSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, test } from "node:test";

import type { Document } from "yaml";

import { readDirectory } from "../../plugin/cmp/directory.js";
import { KrevealError } from "../../plugin/errors.js";
import { isolateKeys } from "../support/key-env.js";
import { fixture, tempDir } from "../support/paths.js";

interface App {
  readonly root: string;
  readonly app: string;
}

/** Creates a repository root with the app folder apps/web below it, both real paths. */
function makeApp(): App {
  const root = realpathSync.native(tempDir("kreveal-cmp-dir-"));
  const app = path.join(root, "apps", "web");
  mkdirSync(app, { recursive: true });
  return { root, app };
}

function write(folder: string, file: string, text: string): void {
  mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
  writeFileSync(path.join(folder, file), text);
}

function configMap(name: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
}

async function read(app: App): Promise<{ documents: Document[]; notes: string[] }> {
  const notes: string[] = [];
  const documents = await readDirectory({ appDir: app.app, repoRoot: app.root, note: (message) => notes.push(message) });
  return { documents, notes };
}

function names(documents: readonly Document[]): unknown[] {
  return documents.map((document) => document.getIn(["metadata", "name"]));
}

function rejectsWith(code: string, pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof KrevealError, String(error));
    assert.equal(error.code, code);
    assert.match(error.describe(), pattern);
    return true;
  };
}

beforeEach(() => {
  delete process.env.KREVEAL_POLICY_FILE;
  isolateKeys();
});

test("nested folders in path order", async () => {
  const app = makeApp();
  write(app.app, "z.yaml", configMap("z"));
  write(app.app, "b/deep/c.yml", configMap("c"));
  write(app.app, "a.json", JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } }));
  write(app.app, "b/two.yaml", `${configMap("two-1")}---\n${configMap("two-2")}`);
  write(app.app, "notes.txt", configMap("ignored-extension"));

  const { documents, notes } = await read(app);
  assert.deepEqual(names(documents), ["a", "c", "two-1", "two-2", "z"]);
  assert.deepEqual(notes, []);
});

test("dot-folders and dot-files skipped silently", async () => {
  const app = makeApp();
  write(app.app, "cm.yaml", configMap("kept"));
  write(app.app, ".github/workflow.yaml", configMap("hidden-folder"));
  write(app.app, "sub/.hidden.yaml", configMap("hidden-file"));
  write(app.app, ".sops.yaml", "creation_rules: []\n");

  const { documents, notes } = await read(app);
  assert.deepEqual(names(documents), ["kept"]);
  assert.deepEqual(notes, []);
});

test("non-Kubernetes YAML skipped with a note", async () => {
  const app = makeApp();
  write(app.app, "cm.yaml", configMap("kept"));
  write(app.app, "values.yaml", "replicaCount: 2\nimage:\n  tag: v1\n");
  write(app.app, "package.json", '{"name": "x", "version": "1.0.0"}');
  write(app.app, "Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n");
  write(app.app, "empty.yaml", "# nothing here\n");
  write(app.app, "list.yaml", "- a\n- b\n");

  const { documents, notes } = await read(app);
  assert.deepEqual(names(documents), ["kept"]);
  assert.deepEqual(notes, [
    "skipped Chart.yaml: not a Kubernetes manifest",
    "skipped empty.yaml: not a Kubernetes manifest",
    "skipped list.yaml: not a Kubernetes manifest",
    "skipped package.json: not a Kubernetes manifest",
    "skipped values.yaml: not a Kubernetes manifest",
  ]);
});

test("kind: List passed on unchanged", async () => {
  const app = makeApp();
  write(app.app, "list.yaml", `apiVersion: v1\nkind: List\nitems:\n  - ${configMap("inner").trimEnd().split("\n").join("\n    ")}\n`);

  const { documents } = await read(app);
  assert.equal(documents.length, 1);
  const [list] = documents;
  assert.equal(list.get("kind"), "List");
  assert.equal(list.getIn(["items", 0, "metadata", "name"]), "inner");
});

test("mixed file is INPUT_MALFORMED", async () => {
  const app = makeApp();
  write(app.app, "mixed.yaml", `${configMap("one")}---\nreplicaCount: 2\n`);
  await assert.rejects(read(app), rejectsWith("INPUT_MALFORMED", /^mixed\.yaml: document 2 is not a Kubernetes object/));
});

test("apiVersion must be a string", async () => {
  const app = makeApp();
  write(app.app, "mixed.yaml", `${configMap("one")}---\napiVersion: 1\nkind: ConfigMap\n`);
  await assert.rejects(read(app), rejectsWith("INPUT_MALFORMED", /^mixed\.yaml: document 2 /));
});

test("invalid YAML is INPUT_MALFORMED", async () => {
  const app = makeApp();
  write(app.app, "ok.yaml", configMap("ok"));
  write(app.app, "sub/broken.yaml", "apiVersion: v1\nkind: [ConfigMap\n");
  await assert.rejects(read(app), rejectsWith("INPUT_MALFORMED", /^sub\/broken\.yaml: invalid YAML at line/));
});

test("symlink outside the repo is PATH_OUTSIDE_ROOT", async () => {
  const app = makeApp();
  const outside = realpathSync.native(tempDir("kreveal-cmp-outside-"));
  write(outside, "stolen.yaml", configMap("stolen"));
  write(app.app, "cm.yaml", configMap("kept"));
  symlinkSync(path.join(outside, "stolen.yaml"), path.join(app.app, "link.yaml"));
  await assert.rejects(read(app), rejectsWith("PATH_OUTSIDE_ROOT", /^link\.yaml: is a symbolic link to a place outside the repository root/));
});

test("outside folder symlink is PATH_OUTSIDE_ROOT", async () => {
  const app = makeApp();
  const outside = realpathSync.native(tempDir("kreveal-cmp-outside-"));
  write(outside, "stolen.yaml", configMap("stolen"));
  symlinkSync(outside, path.join(app.app, "linked"));
  await assert.rejects(read(app), rejectsWith("PATH_OUTSIDE_ROOT", /^linked: is a symbolic link/));
});

test("symlink inside the repo is read", async () => {
  const app = makeApp();
  write(app.root, "shared/base.yaml", configMap("shared"));
  write(app.root, "common/extra.yaml", configMap("extra"));
  symlinkSync(path.join(app.root, "shared/base.yaml"), path.join(app.app, "base.yaml"));
  symlinkSync(path.join(app.root, "common"), path.join(app.app, "common"));

  const { documents } = await read(app);
  assert.deepEqual(names(documents), ["shared", "extra"]);
});

test("dangling manifest symlink is FILE_NOT_FOUND", async () => {
  const app = makeApp();
  symlinkSync(path.join(app.root, "missing.yaml"), path.join(app.app, "gone.yaml"));
  await assert.rejects(read(app), rejectsWith("FILE_NOT_FOUND", /^gone\.yaml: /));
});

test("SOPS-encrypted manifest is decrypted", async () => {
  isolateKeys({ KREVEAL_PGP_KEY_FILE: fixture("ksops/test/key.asc") });
  const app = makeApp();
  cpSync(fixture("ksops/test/krm/single/secret.enc.yaml"), path.join(app.app, "secret.enc.yaml"));
  write(app.app, "cm.yaml", configMap("plain"));

  const { documents, notes } = await read(app);
  assert.deepEqual(names(documents), ["plain", "mysecret"]);
  const secret = documents[1];
  assert.equal(secret.get("kind"), "Secret");
  assert.equal(secret.getIn(["data", "username"]), "YWRtaW4=");
  assert.equal(secret.getIn(["stringData", "application"]), "kustomize-sops");
  assert.equal(secret.has("sops"), false);
  assert.deepEqual(notes, []);
});

test("encrypted manifest without key fails", async () => {
  const app = makeApp();
  cpSync(fixture("ksops/test/krm/single/secret.enc.yaml"), path.join(app.app, "secret.enc.yaml"));
  await assert.rejects(read(app), (error: unknown) => {
    assert.ok(error instanceof KrevealError, String(error));
    assert.match(error.describe(), /secret\.enc\.yaml/);
    return true;
  });
});

test("encrypted non-manifest skipped undecrypted", async () => {
  // No key is available, so a decryption attempt would fail the run.
  const app = makeApp();
  cpSync(fixture("ksops/test/krm/override/secret.enc.yaml"), path.join(app.app, "credentials.enc.yaml"));
  write(app.app, "cm.yaml", configMap("plain"));

  const { documents, notes } = await read(app);
  assert.deepEqual(names(documents), ["plain"]);
  assert.deepEqual(notes, ["skipped credentials.enc.yaml: not a Kubernetes manifest"]);
});

test("ciphertext without sops metadata is rejected", async () => {
  const app = makeApp();
  write(app.app, "secret.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\nstringData:\n  password: ENC[AES256_GCM,data:abc=,iv:x,tag:y,type:str]\n");
  await assert.rejects(read(app), rejectsWith("SOPS_METADATA_MISSING", /^secret\.yaml: /));
});
