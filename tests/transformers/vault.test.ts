import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";
import { findKind, isolatedEnv, parseStream, requireBundle, secretData, skipWithout } from "../e2e/support.js";
import { VaultTestServer } from "../support/vault-server.js";
import { deployment, kustomizeArgs, pluginEnv, runAsync, transformer, writeApp } from "./support.js";

const skip = skipWithout("kubectl");
const token = "hvs.transformer-test-token";
let server: VaultTestServer | undefined;

before(async () => {
  if (skip !== false) {
    return;
  }
  requireBundle();
  server = await VaultTestServer.start();
  server.namespace().mountKv("secret", 2).addToken(token).write("secret/app", { password: "vault-db-password", apiKey: "vault-api-key" });
});

after(async () => {
  await server?.close();
});

function writeKustomization(literal: string): string {
  return writeApp({
    "kustomization.yaml": "resources:\n- deployment.yaml\ngenerators:\n- secret-generator.yaml\ntransformers:\n- transformer.yaml\n",
    "deployment.yaml": deployment,
    "transformer.yaml": transformer,
    "secret-generator.yaml": `apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
literals:
- "${literal}"
- "apiKey=<vault:secret/app#apiKey>"
`,
  });
}

/** Runs kubectl kustomize with the Vault settings in the environment, as an operator sets them. */
function kustomize(folder: string) {
  const url = server?.url ?? "";
  return runAsync("kubectl", kustomizeArgs(folder), { cwd: path.dirname(folder), env: isolatedEnv({ ...pluginEnv, VAULT_ADDR: url, VAULT_TOKEN: token }) });
}

test("Vault placeholders: resolved and hashed", { skip }, async () => {
  const folder = writeKustomization("password=<vault:secret/data/app#password>");

  const result = await kustomize(folder);
  assert.equal(result.status, 0, result.stderr);
  const resources = parseStream(result.stdout);
  const secret = findKind(resources, "Secret");
  const name = (secret.metadata as { name: string }).name;

  assert.deepEqual(secretData(secret), { password: "vault-db-password", apiKey: "vault-api-key" });
  assert.equal(name, `app-secret-${kustomizeHashSuffix(secret)}`);
  const container = (findKind(resources, "Deployment") as { spec: { template: { spec: { containers: { envFrom: { secretRef: { name: string } }[] }[] } } } }).spec
    .template.spec.containers[0];
  assert.equal(container.envFrom[0]?.secretRef.name, name);
  assert.ok(server?.requests.some((request) => request.path === "secret/data/app" && request.status === 200));
});

test("Vault placeholders: missing key fails", { skip }, async () => {
  const folder = writeKustomization("password=<vault:secret/app#nope>");

  const result = await kustomize(folder);
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /secret\/app#nope/);
  assert.match(result.stderr, /PLACEHOLDER_MISSING/);
  assert.doesNotMatch(result.stderr, /vault-api-key|transformer-test-token/);
});
