import assert from "node:assert/strict";
import path from "node:path";
import { before, test } from "node:test";

import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";
import { findKind, isolatedEnv, parseStream, pluginHome, requireBundle, run, secretData, skipWithout } from "../e2e/support.js";
import { repoRoot, tempDir } from "../support/paths.js";
import { consumeKustomizeAnnotations, pathWithToolLinks } from "./support.js";

const skip = skipWithout("kubectl");

before(() => {
  requireBundle();
});

function renderExample(name: string): Record<string, unknown>[] {
  const result = run(process.execPath, [path.join(repoRoot, "scripts/run-example.js"), name], { cwd: repoRoot, env: isolatedEnv() });
  assert.equal(result.status, 0, result.stderr);
  return parseStream(result.stdout);
}

function byName(resources: readonly Record<string, unknown>[], prefix: string): Record<string, unknown> {
  const found = resources.filter((resource) => (resource.metadata as { name: string }).name.startsWith(prefix));
  assert.equal(found.length, 1, `one resource named ${prefix}*`);
  return found[0] ?? {};
}

const ksopsSecrets = {
  "app-env": { apiVersion: "v1", kind: "Secret", metadata: { name: "app-env" }, stringData: { API_TOKEN: "example-token-not-secret", API_URL: "https://api.example.test/v1", LOG_LEVEL: "info" } },
  "db-credentials": {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "db-credentials" },
    type: "kubernetes.io/basic-auth",
    stringData: { password: "example-password-not-secret", username: "app" },
  },
};

test("ksops example: renders with kubectl", { skip }, () => {
  const resources = renderExample("ksops");
  const deployment = JSON.stringify(findKind(resources, "Deployment"));

  for (const [name, expected] of Object.entries(ksopsSecrets)) {
    const secret = byName(resources, `${name}-`);
    const hashedName = `${name}-${kustomizeHashSuffix(secret)}`;
    assert.deepEqual(secret, { ...expected, metadata: { name: hashedName } });
    assert.ok(deployment.includes(`"name":"${hashedName}"`), `the Deployment refers to ${hashedName}`);
  }
});

test("ksops example: exec path ksops under kpt", { skip: skipWithout("kpt") }, () => {
  const example = path.join(repoRoot, "examples/ksops-migration");
  const result = run("kpt", ["fn", "eval", tempDir("kreveal-empty-"), "--exec", "ksops", "--fn-config", "secret-generator.yaml", "-o", "unwrap"], {
    cwd: example,
    env: isolatedEnv({ PATH: pathWithToolLinks(), SOPS_AGE_KEY_FILE: path.join(example, "age-key.txt") }),
  });
  assert.equal(result.status, 0, result.stderr);

  const resources = parseStream(result.stdout).map(consumeKustomizeAnnotations);
  for (const [name, expected] of Object.entries(ksopsSecrets)) {
    const secret = byName(resources, `${name}-`);
    assert.deepEqual(secret, { ...expected, metadata: { name: `${name}-${kustomizeHashSuffix(secret)}` } });
  }
});

test("sopssecretgenerator example: renders with kubectl", { skip }, () => {
  const resources = renderExample("sopssecretgenerator");
  const secret = byName(resources, "app-secret-");
  const hashedName = `app-secret-${kustomizeHashSuffix(secret)}`;

  assert.deepEqual(secret.metadata, { name: hashedName, labels: { "app.kubernetes.io/name": "app" } });
  assert.equal(secret.type, "Opaque");
  assert.deepEqual(secretData(secret), {
    DATABASE_PASSWORD: "example-password-not-secret",
    FEATURE_FLAGS: "beta,dark-mode",
    LOG_LEVEL: "info",
    REGION: "eu-west-1",
    "tls.crt": "-----BEGIN CERTIFICATE-----\nZXhhbXBsZSBjZXJ0aWZpY2F0ZSwgbm90IGEgcmVhbCBvbmU=\n-----END CERTIFICATE-----\n",
  });
  const deployment = JSON.stringify(findKind(resources, "Deployment"));
  assert.equal(deployment.split(`"${hashedName}"`).length - 1, 2, deployment);
});

test("migration examples: fail without the key", { skip }, () => {
  for (const folder of ["examples/ksops-migration", "examples/sopssecretgenerator-migration"]) {
    const result = run("kubectl", ["kustomize", "--enable-alpha-plugins", path.join(repoRoot, folder)], { cwd: repoRoot, env: isolatedEnv({ KUSTOMIZE_PLUGIN_HOME: pluginHome }) });
    assert.notEqual(result.status, 0, folder);
    assert.equal(result.stdout, "", folder);
    assert.match(result.stderr, /\[KEY_NOT_AVAILABLE\]/, folder);
    assert.doesNotMatch(result.stderr, /example-password-not-secret/, folder);
  }
});
