import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";
import { findKind, isolatedEnv, parseStream, pluginHome, requireBundle, run, skipWithout, tempRepo } from "../e2e/support.js";
import { isolateKeys } from "../support/key-env.js";
import { describeAll, encrypt, generate, generateErrors, makeRepo } from "./in-process.js";
import { ageKeys } from "./support.js";

before(() => {
  isolateKeys({ SOPS_AGE_KEY_FILE: ageKeys });
});

function decryptor(files: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: "kreveal.dev/v1alpha1", kind: "ManifestDecryptor", metadata: { name: "app-secrets" }, files, ...extra };
}

const multiDocument = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  port: "8080"
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
  annotations:
    kustomize.config.k8s.io/behavior: merge
spec:
  replicas: 3
  revisionHistoryLimit: 9007199254740993
  paused: false
  template:
    metadata:
      annotations:
        ratio: "0.5"
        weight: 0.25
        empty: null
`;

test("ManifestDecryptor: multi-document YAML keeps types", async () => {
  const repo = makeRepo({ "all.enc.yaml": await encrypt("yaml", multiDocument) });
  const resources = await generate(decryptor(["all.enc.yaml"]), repo);

  assert.deepEqual(resources, [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { port: "8080" } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "app", annotations: { "kustomize.config.k8s.io/behavior": "merge" } },
      spec: {
        replicas: 3n,
        revisionHistoryLimit: 9007199254740993n,
        paused: false,
        template: { metadata: { annotations: { ratio: "0.5", weight: 0.25, empty: null } } },
      },
    },
  ]);
});

test("ManifestDecryptor: JSON and YAML files in order", async () => {
  const json = '{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "annotations": {"kustomize.config.k8s.io/needs-hash": "true"}}, "stringData": {"password": "pw", "port": "5432"}, "data": {}}';
  const repo = makeRepo({
    "db.enc.json": await encrypt("json", json),
    "nested/cm.enc.yaml": await encrypt("yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata: {a: b}\n"),
  });
  const resources = await generate(decryptor(["db.enc.json", "nested/cm.enc.yaml"]), repo);

  assert.deepEqual(resources, [
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "db", annotations: { "kustomize.config.k8s.io/needs-hash": "true" } },
      stringData: { password: "pw", port: "5432" },
      data: {},
    },
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "cm" }, data: { a: "b" } },
  ]);
});

test("ManifestDecryptor: every problem reported", async () => {
  const repo = makeRepo({
    "plain.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: leaked}\nstringData: {password: hunter2}\n",
    "nokind.enc.yaml": await encrypt("yaml", "apiVersion: v1\nmetadata: {name: x}\n---\nkind: Secret\napiVersion: v1\nmetadata: {}\n"),
    "annotations.enc.yaml": await encrypt(
      "yaml",
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    kustomize.config.k8s.io/needs-hash: "yes"\n    kustomize.config.k8s.io/behavior: Merge\n',
    ),
    "app.enc.env": await encrypt("dotenv", "PASSWORD=hunter2\n"),
    "empty.enc.yaml": await encrypt("yaml", ""),
  });
  const errors = await generateErrors(decryptor(["plain.yaml", "nokind.enc.yaml", "annotations.enc.yaml", "app.enc.env", "empty.enc.yaml", "missing.yaml"]), repo);
  const prefix = 'ManifestDecryptor "app-secrets" in gen.yaml: ';

  assert.deepEqual(describeAll(errors), [
    `${prefix}files[0] "plain.yaml": the file has no sops metadata, so it is not a SOPS-encrypted file [SOPS_METADATA_MISSING]`,
    `${prefix}files[1] "nokind.enc.yaml" document 1: kind: is required [CONFIG_INVALID]`,
    `${prefix}files[1] "nokind.enc.yaml" document 2: metadata.name: is required [CONFIG_INVALID]`,
    `${prefix}files[2] "annotations.enc.yaml": metadata.annotations["kustomize.config.k8s.io/needs-hash"]: must be "true" or "false" (kustomize accepts the spellings of Go's strconv.ParseBool) [CONFIG_INVALID]`,
    `${prefix}files[2] "annotations.enc.yaml": metadata.annotations["kustomize.config.k8s.io/behavior"]: must be create, merge or replace; kustomize reads any other value as create [CONFIG_INVALID]`,
    `${prefix}files[3] "app.enc.env": is a dotenv file, not a YAML or JSON manifest [CONFIG_INVALID]`,
    `${prefix}files[4] "empty.enc.yaml": the decrypted file contains no manifest [INPUT_EMPTY]`,
    `${prefix}files[5] "missing.yaml": no such file [FILE_NOT_FOUND]`,
  ]);
  assert.ok(errors.every((error) => !`${error.message} ${error.fix ?? ""}`.includes("hunter2")));
});

test("ManifestDecryptor: unknown fields rejected", async () => {
  const manifest = decryptor(["a.yaml"], { metadata: { name: "app-secrets", namespace: "prod" }, file: ["b.yaml"] });
  const errors = await generateErrors(manifest, makeRepo());
  assert.deepEqual(
    errors.map((error) => [error.location, error.message]),
    [
      ['ManifestDecryptor "app-secrets" in gen.yaml: metadata.namespace', "unknown field"],
      ['ManifestDecryptor "app-secrets" in gen.yaml: file', "unknown field"],
    ],
  );
});

test("ManifestDecryptor: files required", async () => {
  for (const files of [undefined, []]) {
    const manifest = decryptor([]);
    manifest.files = files;
    const errors = await generateErrors(manifest, makeRepo());
    assert.equal(errors.length, 1);
    assert.equal(errors[0]?.location, 'ManifestDecryptor "app-secrets" in gen.yaml: files');
  }
});

const skip = skipWithout("kubectl");

test("kubectl kustomize: ManifestDecryptor annotations applied", { skip }, async () => {
  requireBundle();
  const folder = path.join(tempRepo(), "app");
  mkdirSync(path.join(folder, "base"), { recursive: true });
  writeFileSync(path.join(folder, "base/kustomization.yaml"), "resources: [settings.yaml]\n");
  writeFileSync(path.join(folder, "base/settings.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: base, keep: yes-kept}\n");
  writeFileSync(path.join(folder, "kustomization.yaml"), "resources: [base, pod.yaml]\ngenerators: [decryptor.yaml]\n");
  writeFileSync(
    path.join(folder, "pod.yaml"),
    "apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers:\n  - name: app\n    image: app:1\n    envFrom:\n    - secretRef: {name: db}\n",
  );
  writeFileSync(path.join(folder, "decryptor.yaml"), "apiVersion: kreveal.dev/v1alpha1\nkind: ManifestDecryptor\nmetadata:\n  name: secrets\nfiles:\n- secrets.enc.yaml\n");
  const secrets = `apiVersion: v1
kind: Secret
metadata:
  name: db
  annotations:
    kustomize.config.k8s.io/needs-hash: "true"
stringData:
  password: correct-horse
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    kustomize.config.k8s.io/behavior: merge
data:
  mode: decrypted
`;
  writeFileSync(path.join(folder, "secrets.enc.yaml"), await encrypt("yaml", secrets));

  const result = run("kubectl", ["kustomize", "--enable-alpha-plugins", folder], {
    cwd: folder,
    env: isolatedEnv({ KUSTOMIZE_PLUGIN_HOME: pluginHome, SOPS_AGE_KEY_FILE: ageKeys }),
  });
  assert.equal(result.status, 0, result.stderr);
  const resources = parseStream(result.stdout);

  const secret = findKind(resources, "Secret");
  const name = `db-${kustomizeHashSuffix(secret)}`;
  assert.deepEqual(secret, { apiVersion: "v1", kind: "Secret", metadata: { name }, stringData: { password: "correct-horse" } });
  assert.deepEqual(findKind(resources, "ConfigMap"), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { mode: "decrypted", keep: "yes-kept" } });
  const pod = findKind(resources, "Pod") as { spec: { containers: { envFrom: { secretRef: { name: string } }[] }[] } };
  assert.equal(pod.spec.containers[0]?.envFrom[0]?.secretRef.name, name);
});
