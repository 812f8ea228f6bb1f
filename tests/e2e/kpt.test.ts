import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { bundle, copyFixture, findKind, skipWithout, isolatedEnv, ksopsKey, parseStream, requireBundle, run, secretData, tempRepo } from "./support.js";

const skip = skipWithout("kpt");

before(() => {
  if (skip === false) {
    requireBundle();
  }
});

/** kpt splits an exec string at spaces and looks a bare program up on PATH. Absolute paths keep both out of the test. */
const execCommand = `${process.execPath} ${bundle} fn`;

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings # a comment kpt keeps
data:
  flag: 'on'
  mode: 0644
`;

const generator = `apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
  annotations:
    config.kubernetes.io/local-config: "true"
files: [../secrets/secret.enc.yaml]
literals: [TOKEN=abc]
`;

/**
 * Writes a kpt package `pkg/` in a fresh repository and returns its path. The encrypted file sits
 * in `secrets/` beside the package: kpt reads every YAML file of a package as a resource.
 */
function writePackage(kptfile: string | undefined): string {
  const repo = tempRepo();
  const folder = path.join(repo, "pkg");
  mkdirSync(folder);
  mkdirSync(path.join(repo, "secrets"));
  writeFileSync(path.join(folder, "configmap.yaml"), configMap);
  writeFileSync(path.join(folder, "generator.yaml"), generator);
  copyFixture("ksops/test/krm/file/secret.enc.yaml", path.join(repo, "secrets"));
  if (kptfile !== undefined) {
    writeFileSync(path.join(folder, "Kptfile"), kptfile);
  }
  return folder;
}

function snapshot(folder: string): Record<string, string> {
  return Object.fromEntries(readdirSync(folder).map((name) => [name, readFileSync(path.join(folder, name), "utf8")]));
}

function checkSecret(resources: Record<string, unknown>[]): void {
  const secret = findKind(resources, "Secret");
  assert.deepEqual(secretData(secret), { TOKEN: "abc", "secret.enc.yaml": "username: admin\npassword: 1f2d1e2e67df\n" });
  // kpt does not interpret needs-hash, so the annotation stays and the name has no suffix.
  assert.equal((secret.metadata as { name: string }).name, "app-secret");
  assert.equal((secret.metadata as { annotations: Record<string, string> }).annotations["kustomize.config.k8s.io/needs-hash"], "true");

  const settings = findKind(resources, "ConfigMap");
  assert.deepEqual(settings.data, { flag: "on", mode: 644 });
}

test("kpt fn eval: --exec with --fn-config", { skip }, () => {
  const folder = writePackage(undefined);
  const config = path.join(path.dirname(folder), "generator.yaml");
  writeFileSync(config, generator);
  const before = snapshot(folder);

  const result = run("kpt", ["fn", "eval", ".", "--exec", execCommand, "--fn-config", config, "-o", "unwrap"], {
    cwd: folder,
    env: isolatedEnv({ KREVEAL_PGP_KEY_FILE: ksopsKey }),
  });
  assert.equal(result.status, 0, result.stderr);
  const resources = parseStream(result.stdout);
  checkSecret(resources);
  assert.ok(result.stdout.includes("name: settings # a comment kpt keeps"), result.stdout);
  assert.deepEqual(snapshot(folder), before);
});

test("kpt fn render: Kptfile exec pipeline", { skip }, () => {
  const folder = writePackage(`apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: pkg
pipeline:
  mutators:
    - exec: "${execCommand}"
      configPath: generator.yaml
`);
  const before = snapshot(folder);

  const result = run("kpt", ["fn", "render", ".", "--allow-exec", "-o", "unwrap"], {
    cwd: folder,
    env: isolatedEnv({ KREVEAL_PGP_KEY_FILE: ksopsKey }),
  });
  assert.equal(result.status, 0, result.stderr);
  const resources = parseStream(result.stdout);
  checkSecret(resources);
  // The generator manifest is a file of the package: it stays, as does the Kptfile.
  assert.equal(findKind(resources, "SecretGenerator").kind, "SecretGenerator");
  assert.equal(findKind(resources, "Kptfile").kind, "Kptfile");
  assert.deepEqual(snapshot(folder), before);
});

test("kpt fn eval: failure reported", { skip }, () => {
  const folder = writePackage(undefined);
  const config = path.join(path.dirname(folder), "generator.yaml");
  writeFileSync(config, generator.replace("literals: [TOKEN=abc]", "literals: [TOKEN=abc]\nliteral: []"));

  const result = run("kpt", ["fn", "eval", ".", "--exec", execCommand, "--fn-config", config, "-o", "unwrap"], {
    cwd: folder,
    env: isolatedEnv({ KREVEAL_PGP_KEY_FILE: ksopsKey }),
  });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /literal: unknown field/);
  assert.doesNotMatch(result.stdout + result.stderr, /1f2d1e2e67df/);
});
