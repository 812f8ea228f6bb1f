import assert from "node:assert/strict";
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";
import { copyFixture, findKind, skipWithout, isolatedEnv, ksopsKey, parseStream, pluginHome, requireBundle, run, secretData, tempRepo } from "./support.js";

const skip = skipWithout("kubectl");

before(() => {
  if (skip === false) {
    requireBundle();
  }
});

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
      - name: app
        image: registry.example/app:1
        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef: {name: app-secret, key: DB_PASSWORD}
        envFrom:
        - secretRef: {name: app-secret}
`;

/** Writes a kustomization folder `app/` in a fresh repository and returns its path. */
function writeKustomization(generator: string, files: Record<string, string> = {}): string {
  const folder = path.join(tempRepo(), "app");
  mkdirSync(folder);
  writeFileSync(path.join(folder, "kustomization.yaml"), "resources:\n- deployment.yaml\ngenerators:\n- secret-generator.yaml\n");
  writeFileSync(path.join(folder, "deployment.yaml"), deployment);
  writeFileSync(path.join(folder, "secret-generator.yaml"), generator);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(folder, name), content);
  }
  return folder;
}

function kustomize(folder: string, extraEnv: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  return run("kubectl", ["kustomize", "--enable-alpha-plugins", folder], {
    cwd: path.dirname(folder),
    env: isolatedEnv({ KUSTOMIZE_PLUGIN_HOME: pluginHome, ...extraEnv }),
  });
}

test("legacy plugin file is executable", () => {
  const plugin = path.join(pluginHome, "kreveal.dev/v1alpha1/secretgenerator/SecretGenerator");
  assert.equal(statSync(plugin).mode & 0o777, 0o755);
});

test("kubectl kustomize: hashed name, references rewritten", { skip }, () => {
  const folder = writeKustomization(
    `apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
envs: [db.env]
files: [config.json]
literals: [DB_USER=app]
`,
    { "db.env": "DB_PASSWORD=correct-horse\n", "config.json": '{"debug": false}\n' },
  );

  const result = kustomize(folder);
  assert.equal(result.status, 0, result.stderr);
  const resources = parseStream(result.stdout);
  const secret = findKind(resources, "Secret");
  const metadata = secret.metadata as { name: string; annotations?: Record<string, string> };

  assert.deepEqual(secretData(secret), { DB_PASSWORD: "correct-horse", DB_USER: "app", "config.json": '{"debug": false}\n' });
  assert.equal(metadata.name, `app-secret-${kustomizeHashSuffix(secret)}`);
  assert.equal(metadata.annotations, undefined);

  const container = (findKind(resources, "Deployment") as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }).spec.template.spec
    .containers[0] as { env: { valueFrom: { secretKeyRef: { name: string } } }[]; envFrom: { secretRef: { name: string } }[] };
  assert.equal(container.env[0]?.valueFrom.secretKeyRef.name, metadata.name);
  assert.equal(container.envFrom[0]?.secretRef.name, metadata.name);
});

test("kubectl kustomize: disableNameSuffixHash keeps the name", { skip }, () => {
  const folder = writeKustomization(`apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
  namespace: prod
type: example.com/custom
literals: [DB_PASSWORD=x]
options:
  disableNameSuffixHash: true
  labels: {team: "on"}
`);
  const result = kustomize(folder);
  assert.equal(result.status, 0, result.stderr);
  const secret = findKind(parseStream(result.stdout), "Secret");
  assert.deepEqual(secret.metadata, { name: "app-secret", namespace: "prod", labels: { team: "on" } });
  assert.equal(secret.type, "example.com/custom");
});

test("kubectl kustomize: KSOPS fixtures as inputs", { skip }, () => {
  const folder = writeKustomization(`apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
files: [settings.yaml=secret.enc.yaml]
envs: [secret.enc.env]
`);
  copyFixture("ksops/test/krm/file/secret.enc.yaml", folder);
  copyFixture("ksops/test/krm/envs/secret.enc.env", folder);

  const result = kustomize(folder, { KREVEAL_PGP_KEY_FILE: ksopsKey });
  assert.equal(result.status, 0, result.stderr);
  const secret = findKind(parseStream(result.stdout), "Secret");
  assert.deepEqual(secretData(secret), {
    password: "1f2d1e2e67df",
    "settings.yaml": "username: admin\npassword: 1f2d1e2e67df\n",
    username: "admin",
  });
  assert.equal((secret.metadata as { name: string }).name, `app-secret-${kustomizeHashSuffix(secret)}`);
});

test("kubectl kustomize: SOPS file without key fails", { skip }, () => {
  const folder = writeKustomization(`apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
files: [secret.enc.yaml]
`);
  copyFixture("ksops/test/krm/file/secret.enc.yaml", folder);

  const result = kustomize(folder);
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /SecretGenerator "app-secret" in .*: files\[0\]/);
  assert.doesNotMatch(result.stderr, /1f2d1e2e67df/);
});

test("kubectl kustomize: errors fail the build", { skip }, () => {
  const folder = writeKustomization(`apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
files: [missing.txt, ../../outside.txt]
literals: [DB_PASSWORD=hunter2, DB_PASSWORD=again]
`);
  const result = kustomize(folder);
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /files\[0\] "missing\.txt": no such file \[FILE_NOT_FOUND\]/);
  assert.match(result.stderr, /files\[1\] "\.\.\/\.\.\/outside\.txt": leaves the repository root .* \[PATH_OUTSIDE_ROOT\]/);
  assert.match(result.stderr, /literals\[1\]: key "DB_PASSWORD" is already set by literals\[0\]/);
  assert.doesNotMatch(result.stderr, /hunter2/);
});
