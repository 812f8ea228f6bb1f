import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";
import { findKind, isolatedEnv, parseStream, requireBundle, secretData, skipWithout, tempRepo } from "../e2e/support.js";
import { repoRoot, tempDir } from "../support/paths.js";
import { pathWithoutKustomize, render } from "./support.js";

const skip = skipWithout("kubectl");

const quickstart = path.join(repoRoot, "examples/quickstart");
const keyFile = path.join(quickstart, "age-key.txt");

/** Without a standalone kustomize, so that these tests run `kubectl kustomize`. */
let searchPath = "";

/** The output of an unmasked render of the quickstart, rendered once for several tests. */
let plain = "";

before(() => {
  if (skip !== false) {
    return;
  }
  requireBundle();
  searchPath = pathWithoutKustomize();
  const result = render([quickstart], { cwd: tempDir(), env: isolatedEnv({ PATH: searchPath, SOPS_AGE_KEY_FILE: keyFile }) });
  assert.equal(result.status, 0, result.stderr);
  plain = result.stdout;
});

/** Returns every value of the quickstart Secret, decoded and as base64. */
function quickstartValues(): string[] {
  const secret = findKind(parseStream(plain), "Secret");
  const encoded = Object.values(secret.data as Record<string, string>);
  return [...encoded, ...Object.values(secretData(secret))];
}

/** Splits a YAML stream at its `---` lines. */
function documentTexts(text: string): string[] {
  return text.split(/^---\n/m);
}

test("render: quickstart without plugin home", { skip }, () => {
  const resources = parseStream(plain);
  const secret = findKind(resources, "Secret");
  const name = (secret.metadata as { name: string }).name;

  assert.equal(name, `app-secret-${kustomizeHashSuffix(secret)}`);
  assert.deepEqual(Object.keys(secretData(secret)).sort(), ["API_TOKEN", "DATABASE_PASSWORD", "LOG_LEVEL"]);
  assert.equal(secretData(secret).LOG_LEVEL, "info");
  const deployment = JSON.stringify(findKind(resources, "Deployment"));
  assert.equal(deployment.split(`"name":"${name}"`).length - 1, 2, deployment);
});

test("render: user's plugin home is replaced", { skip }, () => {
  const env = isolatedEnv({ PATH: searchPath, SOPS_AGE_KEY_FILE: keyFile, KUSTOMIZE_PLUGIN_HOME: tempDir("kreveal-other-plugins-") });
  const result = render([quickstart], { cwd: tempDir(), env });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, plain);
});

test("render --mask: digests, no values", { skip }, () => {
  const env = isolatedEnv({ PATH: searchPath, SOPS_AGE_KEY_FILE: keyFile });
  const result = render(["--mask", quickstart], { cwd: tempDir(), env });
  assert.equal(result.status, 0, result.stderr);

  for (const value of quickstartValues()) {
    assert.ok(!result.stdout.includes(value), "stdout contains a Secret value");
  }

  const original = findKind(parseStream(plain), "Secret");
  const masked = findKind(parseStream(result.stdout), "Secret");
  assert.deepEqual(masked.metadata, original.metadata);
  assert.equal(masked.type, original.type);
  const expected = Object.fromEntries(
    Object.entries(original.data as Record<string, string>).map(([key, value]) => [key, `sha256:${createHash("sha256").update(Buffer.from(value, "base64")).digest("hex").slice(0, 12)}`]),
  );
  assert.deepEqual(masked.data, expected);

  const deployment = documentTexts(plain).find((text) => text.includes("kind: Deployment"));
  assert.ok(deployment !== undefined);
  assert.ok(documentTexts(result.stdout).includes(deployment), "the Deployment is printed unchanged");
});

test("render: missing key fails closed", { skip }, () => {
  const result = render([quickstart], { cwd: tempDir(), env: isolatedEnv({ PATH: searchPath }) });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /envs\[0\] "app\.enc\.env"/);
  assert.match(result.stderr, /\[KEY_NOT_AVAILABLE\]/);
  assert.match(result.stderr, /kubectl kustomize failed with exit status 1/);
  for (const value of quickstartValues()) {
    assert.ok(!result.stderr.includes(value), "stderr contains a Secret value");
  }
});

test("render: kyaml node dump hidden", { skip }, () => {
  // A replacement whose target path runs through a Secret value makes kyaml print that value.
  const folder = path.join(tempRepo(), "app");
  mkdirSync(folder);
  writeFileSync(path.join(folder, "generator.yaml"), "apiVersion: kreveal.dev/v1alpha1\nkind: SecretGenerator\nmetadata:\n  name: app-secret\nliterals: [PASSWORD=hunter2-correct-horse]\n");
  writeFileSync(path.join(folder, "configmap.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n");
  writeFileSync(
    path.join(folder, "kustomization.yaml"),
    [
      "resources: [configmap.yaml]",
      "generators: [generator.yaml]",
      "replacements:",
      "- source: {kind: ConfigMap, fieldPath: metadata.name}",
      "  targets:",
      "  - select: {kind: Secret}",
      "    fieldPaths: [data.PASSWORD.x]",
      "",
    ].join("\n"),
  );

  const result = render([folder], { cwd: folder, env: isolatedEnv({ PATH: searchPath }) });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /unable to find field "data\.PASSWORD\.x"/);
  assert.doesNotMatch(result.stderr, /hunter2-correct-horse/);
  assert.doesNotMatch(result.stderr, new RegExp(Buffer.from("hunter2-correct-horse").toString("base64")));
});

test("render: empty kustomization fails", { skip }, () => {
  const folder = tempDir("kreveal-app-");
  writeFileSync(path.join(folder, "kustomization.yaml"), "resources: []\n");
  const result = render([folder], { cwd: folder, env: isolatedEnv({ PATH: searchPath }) });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /kubectl kustomize succeeded but produced no resources \[INPUT_EMPTY\]/);
});

test("render: folder without kustomization", () => {
  const folder = tempDir("kreveal-app-");
  writeFileSync(path.join(folder, "configmap.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n");

  const result = render([folder], { cwd: folder, env: isolatedEnv() });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /the folder contains no kustomization \(kustomization\.yaml, kustomization\.yml, Kustomization\) \[FILE_NOT_FOUND\]/);

  const missing = render([path.join(folder, "missing")], { cwd: folder, env: isolatedEnv() });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /missing: the folder does not exist \[FILE_NOT_FOUND\]/);
});

test("render: Kustomization file name accepted", { skip }, () => {
  const folder = tempDir("kreveal-app-");
  writeFileSync(path.join(folder, "Kustomization"), "resources: [configmap.yaml]\n");
  writeFileSync(path.join(folder, "configmap.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n");

  const result = render([folder], { cwd: folder, env: isolatedEnv({ PATH: searchPath }) });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(findKind(parseStream(result.stdout), "ConfigMap").kind, "ConfigMap");
});
