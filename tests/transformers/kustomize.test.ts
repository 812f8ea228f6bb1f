import assert from "node:assert/strict";
import path from "node:path";
import { before, test } from "node:test";

import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";
import { findKind, isolatedEnv, parseStream, requireBundle, run, secretData, skipWithout } from "../e2e/support.js";
import { deployment, kustomizeArgs, pluginEnv, transformer, writeApp, writeEncryptedSecrets } from "./support.js";

const skip = skipWithout("kubectl");

before(() => {
  if (skip === false) {
    requireBundle();
  }
});

const plaintext = "db:\n  password: s3cr3t-db\n  user: app\n";

const kustomization = `resources:
- deployment.yaml
generators:
- secret-generator.yaml
transformers:
- transformer.yaml
`;

function generator(literals: readonly string[]): string {
  return `apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
literals:
${literals.map((literal) => `- "${literal}"`).join("\n")}
`;
}

/** Writes a kustomization with the files and an encrypted secrets.enc.yaml; returns it and its env. */
async function writeKustomization(files: Record<string, string>): Promise<{ folder: string; env: Record<string, string> }> {
  const folder = writeApp({ "kustomization.yaml": kustomization, "deployment.yaml": deployment, "transformer.yaml": transformer, ...files });
  const keyFile = await writeEncryptedSecrets(folder, plaintext);
  return { folder, env: isolatedEnv({ ...pluginEnv, SOPS_AGE_KEY_FILE: keyFile }) };
}

function kustomize(folder: string, env: Record<string, string>) {
  return run("kubectl", kustomizeArgs(folder), { cwd: path.dirname(folder), env });
}

test("generated Secret: resolved, hashed, referenced", { skip }, async () => {
  const { folder, env } = await writeKustomization({
    "secret-generator.yaml": generator(["password=<sops:secrets.enc.yaml#db.password>", "user=<sops:secrets.enc.yaml#db.user>", "mode=plain"]),
  });

  const result = kustomize(folder, env);
  assert.equal(result.status, 0, result.stderr);
  const resources = parseStream(result.stdout);
  const secret = findKind(resources, "Secret");
  const metadata = secret.metadata as { name: string; annotations?: Record<string, string> };

  assert.deepEqual(secretData(secret), { password: "s3cr3t-db", user: "app", mode: "plain" });
  // kustomize hashes after the transformers ran, so the suffix covers the resolved values.
  assert.equal(metadata.name, `app-secret-${kustomizeHashSuffix(secret)}`);
  assert.equal(metadata.annotations, undefined);

  const container = (findKind(resources, "Deployment") as { spec: { template: { spec: { containers: Record<string, unknown>[] } } } }).spec.template.spec
    .containers[0] as { env: { valueFrom: { secretKeyRef: { name: string } } }[]; envFrom: { secretRef: { name: string } }[] };
  assert.equal(container.env[0]?.valueFrom.secretKeyRef.name, metadata.name);
  assert.equal(container.envFrom[0]?.secretRef.name, metadata.name);
});

test("stringData Secret: resolved, rest untouched", { skip }, async () => {
  const { folder, env } = await writeKustomization({
    "kustomization.yaml": "resources:\n- secret.yaml\n- config.yaml\ntransformers:\n- transformer.yaml\n",
    "secret.yaml": `apiVersion: v1
kind: Secret
metadata:
  name: db
  labels: {team: payments}
  annotations: {note: "<not a placeholder>"}
type: Opaque
stringData:
  url: postgres://app:<sops:secrets.enc.yaml#db.password>@db:5432/app
  user: <sops:secrets.enc.yaml#db.user>
`,
    "config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  port: \"5432\"\n",
  });

  const result = kustomize(folder, env);
  assert.equal(result.status, 0, result.stderr);
  const resources = parseStream(result.stdout);
  const secret = findKind(resources, "Secret");

  assert.deepEqual(secret.stringData, { url: "postgres://app:s3cr3t-db@db:5432/app", user: "app" });
  assert.deepEqual(secret.metadata, { name: "db", labels: { team: "payments" }, annotations: { note: "<not a placeholder>" } });
  assert.equal(secret.type, "Opaque");
  assert.deepEqual(findKind(resources, "ConfigMap"), { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "settings" }, data: { port: "5432" } });
});

test("missing keys fail the build, all listed", { skip }, async () => {
  const { folder, env } = await writeKustomization({
    "secret-generator.yaml": generator([
      "password=<sops:secrets.enc.yaml#db.password>",
      "host=<sops:secrets.enc.yaml#db.host>",
      "port=<sops:secrets.enc.yaml#db.port>",
    ]),
  });

  const result = kustomize(folder, env);
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /db\.host/);
  assert.match(result.stderr, /db\.port/);
  assert.match(result.stderr, /PLACEHOLDER_MISSING/);
  assert.doesNotMatch(result.stderr, /s3cr3t-db/);
});

test("backend settings in the manifest are rejected", { skip }, async () => {
  const { folder, env } = await writeKustomization({
    "secret-generator.yaml": generator(["password=<sops:secrets.enc.yaml#db.password>"]),
    "transformer.yaml": `${transformer}  vaultAddr: http://127.0.0.1:1\n`,
  });

  const result = kustomize(folder, env);
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /spec\.vaultAddr: unknown field \[CONFIG_INVALID\]/);
});
