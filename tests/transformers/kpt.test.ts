import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { bundle, findKind, isolatedEnv, parseStream, requireBundle, run, skipWithout } from "../e2e/support.js";
import { transformer, writeApp, writeEncryptedSecrets } from "./support.js";

const skip = skipWithout("kpt");

before(() => {
  if (skip === false) {
    requireBundle();
  }
});

/** kpt splits an exec string at spaces and looks a bare program up on PATH, so both paths are absolute. */
const execCommand = `${process.execPath} ${bundle} fn`;

const secret = `apiVersion: v1
kind: Secret
metadata:
  name: db # a comment kpt keeps
  annotations:
    kustomize.config.k8s.io/needs-hash: "true"
stringData:
  password: <sops:../secrets.enc.yaml#db.password>
`;

/**
 * Writes a kpt package with secret.yaml, and secrets.enc.yaml and the transformer config next to
 * the package: kpt reads every YAML file in the package as a resource
 * and rejects a SOPS file, which has no apiVersion.
 */
async function writePackage(secretText: string): Promise<{ folder: string; config: string; env: Record<string, string> }> {
  const folder = writeApp({ "secret.yaml": secretText });
  const keyFile = await writeEncryptedSecrets(path.dirname(folder), "db:\n  password: s3cr3t-db\n");
  const config = path.join(path.dirname(folder), "transformer.yaml");
  writeFileSync(config, transformer);
  return { folder, config, env: isolatedEnv({ SOPS_AGE_KEY_FILE: keyFile }) };
}

function kptEval(folder: string, config: string, env: Record<string, string>) {
  return run("kpt", ["fn", "eval", ".", "--exec", execCommand, "--fn-config", config, "-o", "unwrap"], { cwd: folder, env });
}

test("kpt fn eval: placeholders resolved", { skip }, async () => {
  const { folder, config, env } = await writePackage(secret);

  const result = kptEval(folder, config, env);
  assert.equal(result.status, 0, result.stderr);
  const resolved = findKind(parseStream(result.stdout), "Secret");

  assert.deepEqual(resolved.stringData, { password: "s3cr3t-db" });
  assert.deepEqual((resolved.metadata as { annotations: unknown }).annotations, { "kustomize.config.k8s.io/needs-hash": "true" });
  assert.ok(result.stdout.includes("name: db # a comment kpt keeps"), result.stdout);
  // -o unwrap prints the result and leaves the package files as they were.
  assert.equal(readFileSync(path.join(folder, "secret.yaml"), "utf8"), secret);
});

test("kpt fn eval: missing key fails", { skip }, async () => {
  const { folder, config, env } = await writePackage(secret.replace("db.password", "db.missing"));

  const result = kptEval(folder, config, env);
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /db\.missing/);
  assert.match(result.stderr, /PLACEHOLDER_MISSING/);
});
