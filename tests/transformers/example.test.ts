import assert from "node:assert/strict";
import path from "node:path";
import { after, before, test } from "node:test";

import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";
import { bundle, findKind, isolatedEnv, parseStream, requireBundle, secretData, skipWithout } from "../e2e/support.js";
import { repoRoot } from "../support/paths.js";
import { VaultTestServer } from "../support/vault-server.js";
import { kustomizeArgs, pluginEnv, runAsync } from "./support.js";

const skip = skipWithout("kubectl");
const example = path.join(repoRoot, "examples/vault-placeholders");
const token = "hvs.example-test-token";
let server: VaultTestServer | undefined;

before(async () => {
  if (skip !== false) {
    return;
  }
  requireBundle();
  server = await VaultTestServer.start();
  server.namespace().mountKv("secret", 2).addToken(token).write("secret/app/db", { password: "db-pass" }).write("secret/app/api", { key: "api-key" });
});

after(async () => {
  await server?.close();
});

function env(): Record<string, string> {
  return isolatedEnv({ ...pluginEnv, VAULT_ADDR: server?.url ?? "", VAULT_TOKEN: token });
}

const expected = { DB_USER: "app", DB_PASSWORD: "db-pass", API_KEY: "api-key" };

test("example: transformer in kubectl kustomize", { skip }, async () => {
  const result = await runAsync("kubectl", kustomizeArgs(example), { cwd: repoRoot, env: env() });
  assert.equal(result.status, 0, result.stderr);
  const resources = parseStream(result.stdout);
  const secret = findKind(resources, "Secret");
  const name = (secret.metadata as { name: string }).name;

  assert.deepEqual(secretData(secret), expected);
  assert.equal(name, `app-secret-${kustomizeHashSuffix(secret)}`);
  const container = (findKind(resources, "Deployment") as { spec: { template: { spec: { containers: { envFrom: { secretRef: { name: string } }[] }[] } } } }).spec
    .template.spec.containers[0];
  assert.equal(container.envFrom[0]?.secretRef.name, name);
});

test("example: stream mode through kreveal resolve", { skip }, async () => {
  const built = await runAsync("kubectl", kustomizeArgs(path.join(example, "base")), { cwd: repoRoot, env: env() });
  assert.equal(built.status, 0, built.stderr);

  const result = await runAsync(process.execPath, [bundle, "resolve", "-"], { cwd: example, env: env(), input: built.stdout });
  assert.equal(result.status, 0, result.stderr);
  const secret = findKind(parseStream(result.stdout), "Secret");

  assert.deepEqual(secretData(secret), expected);
  // kustomize hashed the placeholders before kreveal resolved them, so the suffix does not cover the values.
  assert.notEqual((secret.metadata as { name: string }).name, `app-secret-${kustomizeHashSuffix(secret)}`);
});
