// Metadata, type and options: kreveal's SecretGenerator against kustomize's built-in secretGenerator (kubectl's kustomize).
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { findKind, parseStream, requireBundle, skipWithout } from "../e2e/support.js";
import { assertData, assertHashedName, assertReferences, assertSameOutput, builtinSecret, metadataOf, runOracle, type OracleCase, type Resource } from "./oracle.js";

const skip = skipWithout("kubectl");

before(() => {
  if (skip === false) {
    requireBundle();
  }
});

const name = "app-secret";
const literals = ["A=1", "B=2"];

/** Builds both sides from the same literals, generator fields and kustomization fields. */
function sameCase(builtin: Record<string, unknown>, kreveal: Record<string, unknown>, kustomization?: Record<string, unknown>): OracleCase {
  return {
    builtin: { name, literals, ...builtin },
    kreveal: { metadata: { name }, literals, ...kreveal },
    ...(kustomization === undefined ? {} : { kustomization }),
  };
}

function secretOf(resources: readonly Resource[]): Resource {
  return findKind(resources, "Secret");
}

test("options oracle: namespace", { skip }, () => {
  const result = runOracle(sameCase({ namespace: "prod" }, { metadata: { name, namespace: "prod" } }));
  const resources = assertSameOutput(result);
  assert.equal(metadataOf(secretOf(resources)).namespace, "prod");
  assertHashedName(resources, result, name);
  assertReferences(resources);
});

test("options oracle: type", { skip }, () => {
  const files = { "tls.crt": "CERT\n", "tls.key": "KEY\n" };
  const result = runOracle({
    files,
    builtin: { name, type: "kubernetes.io/tls", files: ["tls.crt", "tls.key"] },
    kreveal: { metadata: { name }, type: "kubernetes.io/tls", files: ["tls.crt", "tls.key"] },
  });
  const resources = assertSameOutput(result);
  assert.equal(secretOf(resources).type, "kubernetes.io/tls");
  assertData(resources, files);
  assertHashedName(resources, result, name);
});

test("options oracle: labels and annotations", { skip }, () => {
  const options = { labels: { app: "web", tier: "backend" }, annotations: { "example.com/owner": "team-a", note: "on" } };
  const result = runOracle(sameCase({ options }, { options }));
  const resources = assertSameOutput(result);
  assert.deepEqual(metadataOf(secretOf(resources)).labels, options.labels);
  assert.deepEqual(metadataOf(secretOf(resources)).annotations, options.annotations);
  assertHashedName(resources, result, name);
  assertReferences(resources);
});

test("options oracle: immutable", { skip }, () => {
  const result = runOracle(sameCase({ options: { immutable: true } }, { options: { immutable: true } }));
  const resources = assertSameOutput(result);
  assert.equal(secretOf(resources).immutable, true);
  assertHashedName(resources, result, name);
});

test("options oracle: disableNameSuffixHash", { skip }, () => {
  const result = runOracle(sameCase({ options: { disableNameSuffixHash: true } }, { options: { disableNameSuffixHash: true } }));
  const resources = assertSameOutput(result);
  assert.equal(metadataOf(secretOf(resources)).name, name);
  assert.equal(metadataOf(secretOf(resources)).annotations, undefined);
  assertReferences(resources);
});

test("options oracle: every field at once", { skip }, () => {
  const options = { labels: { app: "web" }, annotations: { note: "on" }, immutable: true, disableNameSuffixHash: true };
  const result = runOracle({
    files: { "app.env": "FROM_ENV=1\n", "blob.bin": Uint8Array.from([1, 2, 3, 250]) },
    builtin: { name, namespace: "prod", type: "example.com/custom", envs: ["app.env"], literals: ["L=x"], files: ["blob=blob.bin"], options },
    kreveal: { metadata: { name, namespace: "prod" }, type: "example.com/custom", envs: ["app.env"], literals: ["L=x"], files: ["blob=blob.bin"], options },
  });
  const resources = assertSameOutput(result);
  assertData(resources, { FROM_ENV: "1", L: "x", blob: Uint8Array.from([1, 2, 3, 250]) });
  assertReferences(resources);
});

test("options oracle: no sources", { skip }, () => {
  const result = runOracle({ builtin: { name }, kreveal: { metadata: { name } } });
  const resources = assertSameOutput(result);
  assert.deepEqual(secretOf(resources).data, {});
  assertHashedName(resources, result, name);
});

test("options oracle: name prefix and suffix", { skip }, () => {
  const result = runOracle(sameCase({}, {}, { namePrefix: "pre-", nameSuffix: "-post" }));
  const resources = assertSameOutput(result);
  assertHashedName(resources, result, `pre-${name}-post`);
  assertReferences(resources);
});

test("options oracle: kustomization namespace", { skip }, () => {
  const result = runOracle(sameCase({}, {}, { namespace: "team" }));
  const resources = assertSameOutput(result);
  assert.equal(metadataOf(secretOf(resources)).namespace, "team");
  assertHashedName(resources, result, name);
  assertReferences(resources);
});

// kustomize applies a kustomization's generatorOptions only to its built-in generators, never to
// plugin output. kreveal cannot see them (its plugin receives only its own manifest), so a
// kreveal Secret takes labels, annotations, immutable and disableNameSuffixHash from its own
// `options`. This case documents the difference and shows that `options` gives the same result.
test("options oracle: generatorOptions only for the built-in", { skip }, () => {
  const generatorOptions = { labels: { from: "generator-options" }, annotations: { note: "on" }, immutable: true, disableNameSuffixHash: true };

  const ignored = runOracle(sameCase({}, {}, { generatorOptions }));
  const builtin = builtinSecret(ignored);
  assert.equal(metadataOf(builtin).name, name);
  assert.deepEqual(metadataOf(builtin).labels, generatorOptions.labels);
  assert.equal(builtin.immutable, true);

  assert.equal(ignored.kreveal.status, 0, ignored.kreveal.stderr);
  const kreveal = secretOf(parseStream(ignored.kreveal.stdout));
  assert.equal(metadataOf(kreveal).labels, undefined);
  assert.equal(metadataOf(kreveal).annotations, undefined);
  assert.equal(kreveal.immutable, undefined);
  assert.notEqual(metadataOf(kreveal).name, name, "kreveal's Secret keeps its hash suffix");

  const withOptions = runOracle(sameCase({}, { options: generatorOptions }, { generatorOptions }));
  assertSameOutput(withOptions);
});
