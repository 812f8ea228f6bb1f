import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { discover, maxFileBytes, maxFiles } from "../../plugin/cmp/discover.js";
import { fixture, tempDir } from "../support/paths.js";

/** Writes `files` (relative path to content) into a new app folder and returns it. */
function app(files: Record<string, string>): string {
  const folder = tempDir("kreveal-discover-");
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(folder, name)), { recursive: true });
    writeFileSync(path.join(folder, name), content);
  }
  return folder;
}

const deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";

test("discover: each marker is found", () => {
  const markers: Record<string, string> = {
    "generator.yaml": "apiVersion: kreveal.dev/v1alpha1\nkind: SecretGenerator\n",
    "ksops.yaml": "apiVersion: viaduct.ai/v1\nkind: ksops\n",
    "ssg.yml": "apiVersion: goabout.com/v1beta1\nkind: SopsSecretGenerator\n",
    "secret.yaml": "stringData:\n  password: <vault:secret/data/app#password>\n",
    "config.json": '{"token": "<sops:secrets.enc.yaml#token>"}',
    "avp.yaml": "stringData:\n  password: <path:secret/data/app#password>\n",
    "annotated.yaml": "metadata:\n  annotations:\n    avp.kubernetes.io/path: secret/data/app\n",
    "app.env": "PASSWORD=<vault:secret/data/app#password>\n",
    "app.ini": "[db]\npassword = <vault:secret/data/app#password>\n",
    "Kustomization": "generators:\n- kreveal.dev/secret.yaml\n",
  };
  for (const [name, content] of Object.entries(markers)) {
    assert.equal(discover(app({ "deployment.yaml": deployment, [name]: content })), true, name);
  }
});

test("discover: plain manifests are not kreveal", () => {
  assert.equal(discover(app({ "deployment.yaml": deployment, "values.yaml": "image: nginx\n", "Chart.yaml": "name: web\n" })), false);
});

test("discover: empty folder is not kreveal", () => {
  assert.equal(discover(tempDir("kreveal-discover-")), false);
});

test("discover: nested file is found", () => {
  assert.equal(discover(app({ "base/secrets/db.yaml": "password: <vault:secret/data/db#password>\n" })), true);
});

test("discover: .env file named only .env", () => {
  assert.equal(discover(app({ ".env": "PASSWORD=<vault:secret/data/app#password>\n" })), true);
});

test("discover: other extensions are not read", () => {
  assert.equal(discover(app({ "notes.txt": "<vault:secret/data/app#password>", "README.md": "kreveal.dev/v1alpha1" })), false);
});

test("discover: dot-folders are skipped", () => {
  assert.equal(discover(app({ ".git/config.yaml": "<vault:secret/data/app#password>", ".github/workflow.yml": "kreveal.dev/" })), false);
});

test("discover: SOPS-encrypted file is found", () => {
  const folder = app({ "deployment.yaml": deployment });
  copyFileSync(fixture("sops/_history/pr-1031-0b07dfbc5/example.yaml"), path.join(folder, "secrets.enc.yaml"));
  assert.equal(discover(folder), true);
});

test("discover: ENC values without sops metadata", () => {
  assert.equal(discover(app({ "broken.yaml": "password: ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]\n" })), false);
});

test("discover: files over 1 MiB skipped", () => {
  const padding = "#".repeat(maxFileBytes);
  assert.equal(discover(app({ "big.yaml": `${padding}\npassword: <vault:secret/data/app#password>\n` })), false);
  assert.equal(discover(app({ "small.yaml": `${"#".repeat(1000)}\npassword: <vault:secret/data/app#password>\n` })), true);
});

test("discover: reads at most 5000 files", () => {
  const files: Record<string, string> = {};
  for (let index = 0; index < maxFiles; index++) {
    files[`a/file-${String(index).padStart(5, "0")}.txt`] = "";
  }
  files["b/secret.yaml"] = "password: <vault:secret/data/app#password>\n";
  assert.equal(discover(app(files)), false);

  delete files["a/file-00000.txt"];
  assert.equal(discover(app(files)), true);
});

test("discover: symbolic links are not followed", () => {
  const outside = app({ "secret.yaml": "password: <vault:secret/data/app#password>\n" });
  const folder = app({ "deployment.yaml": deployment });
  symlinkSync(path.join(outside, "secret.yaml"), path.join(folder, "linked.yaml"));
  symlinkSync(outside, path.join(folder, "linked-folder"));
  assert.equal(discover(folder), false);
});

test("discover: missing folder is false", () => {
  assert.equal(discover(path.join(tempDir("kreveal-discover-"), "missing")), false);
});
