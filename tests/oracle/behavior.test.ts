// behavior create/merge/replace: kreveal's SecretGenerator against kustomize's built-in secretGenerator (kubectl's kustomize).
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { findKind, requireBundle, skipWithout } from "../e2e/support.js";
import { assertData, assertHashedName, assertKrevealFailed, assertReferences, assertSameOutput, builtinSecret, metadataOf, runOracle, type OracleCase } from "./oracle.js";

const skip = skipWithout("kubectl");

before(() => {
  if (skip === false) {
    requireBundle();
  }
});

const name = "db";

/** A base kustomization whose built-in secretGenerator makes the Secret `db` (hashed) with a label and an annotation. */
const base: OracleCase["base"] = {
  files: { "base.env": "KEEP=base\nCHANGE=base\n" },
  kustomization: {
    secretGenerator: [{ name, envs: ["base.env"], type: "example.com/base", options: { labels: { from: "base" }, annotations: { base: "yes" } } }],
  },
};

/** The same base made by kreveal's SecretGenerator, for the kreveal side of a case. */
const krevealBase: OracleCase["krevealBase"] = {
  files: {
    "base.env": "KEEP=base\nCHANGE=base\n",
    "base-generator.yaml": [
      "apiVersion: kreveal.dev/v1alpha1",
      "kind: SecretGenerator",
      "metadata:",
      `  name: ${name}`,
      "type: example.com/base",
      "envs: [base.env]",
      "options:",
      "  labels: {from: base}",
      "  annotations: {base: 'yes'}",
      "",
    ].join("\n"),
  },
  kustomization: { generators: ["base-generator.yaml"] },
};

/** Builds an overlay over `base` whose generator on both sides has `fields`. */
function overlay(fields: Record<string, unknown>, files: OracleCase["files"] = {}): OracleCase {
  return { base, files, builtin: { name, ...fields }, kreveal: { metadata: { name }, ...fields } };
}

test("behavior oracle: create is the default", { skip }, () => {
  const result = runOracle({ builtin: { name, behavior: "create", literals: ["A=1"] }, kreveal: { metadata: { name }, behavior: "create", literals: ["A=1"] } });
  const resources = assertSameOutput(result);
  assertHashedName(resources, result, name, { fromGenerated: false });
  assertReferences(resources);
});

test("behavior oracle: merge over a base", { skip }, () => {
  const result = runOracle(overlay({ behavior: "merge", literals: ["CHANGE=overlay", "ADD=overlay"] }));
  const resources = assertSameOutput(result);
  assertData(resources, { ADD: "overlay", CHANGE: "overlay", KEEP: "base" });
  assertHashedName(resources, result, name, { fromGenerated: false });
  assertReferences(resources);
});

test("behavior oracle: replace over a base", { skip }, () => {
  const result = runOracle(overlay({ behavior: "replace", literals: ["ONLY=overlay"] }));
  const resources = assertSameOutput(result);
  assertData(resources, { ONLY: "overlay" });
  assertHashedName(resources, result, name, { fromGenerated: false });
  assertReferences(resources);
});

test("behavior oracle: merge with options and type", { skip }, () => {
  const options = { labels: { from: "overlay", extra: "x" }, annotations: { overlay: "yes" } };
  const result = runOracle(overlay({ behavior: "merge", type: "example.com/overlay", literals: ["ADD=overlay"], options }));
  const resources = assertSameOutput(result);
  const secret = findKind(resources, "Secret");
  assert.equal(secret.type, "example.com/overlay");
  assert.deepEqual(metadataOf(secret).labels, { from: "overlay", extra: "x" });
  assertHashedName(resources, result, name, { fromGenerated: false });
});

test("behavior oracle: merge without hash suffix", { skip }, () => {
  const result = runOracle(overlay({ behavior: "merge", literals: ["ADD=overlay"], options: { disableNameSuffixHash: true } }));
  const resources = assertSameOutput(result);
  assert.equal(metadataOf(findKind(resources, "Secret")).name, name);
  assertReferences(resources);
});

test("behavior oracle: replace over a kreveal base", { skip }, () => {
  const result = runOracle({ ...overlay({ behavior: "replace", envs: ["overlay.env"] }, { "overlay.env": "ONLY=overlay\n" }), krevealBase });
  const resources = assertSameOutput(result);
  assertData(resources, { ONLY: "overlay" });
  assertHashedName(resources, result, name, { fromGenerated: false });
});

test("behavior oracle: merge over a kreveal base", { skip }, () => {
  const result = runOracle({ ...overlay({ behavior: "merge", literals: ["CHANGE=overlay"] }), krevealBase });
  const resources = assertSameOutput(result);
  assertData(resources, { CHANGE: "overlay", KEEP: "base" });
  assertHashedName(resources, result, name, { fromGenerated: false });
});

test("behavior oracle: merge over a plain Secret", { skip }, () => {
  // kustomize keeps the hash flag of the resource merged into, and a Secret listed under
  // resources has none, so neither side gets a suffix.
  const plainBase: OracleCase["base"] = {
    files: { "secret.yaml": `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ntype: Opaque\ndata:\n  KEEP: YmFzZQ==\n` },
    kustomization: { resources: ["secret.yaml"] },
  };
  const result = runOracle({ ...overlay({ behavior: "merge", literals: ["ADD=overlay"] }), base: plainBase });
  const resources = assertSameOutput(result);
  assertData(resources, { ADD: "overlay", KEEP: "base" });
  assert.equal(metadataOf(findKind(resources, "Secret")).name, name);
  assertReferences(resources);
});

test("behavior oracle: create over a base fails both", { skip }, () => {
  const result = runOracle(overlay({ literals: ["A=1"] }));
  assert.notEqual(result.builtin.status, 0);
  assert.notEqual(result.kreveal.status, 0);
  for (const stderr of [result.builtin.stderr, result.kreveal.stderr]) {
    assert.match(stderr, /behavior must be merge or replace/);
  }
});

test("behavior oracle: merge without a base fails both", { skip }, () => {
  const result = runOracle({ builtin: { name, behavior: "merge", literals: ["A=1"] }, kreveal: { metadata: { name }, behavior: "merge", literals: ["A=1"] } });
  assert.notEqual(result.builtin.status, 0);
  assert.notEqual(result.kreveal.status, 0);
  for (const stderr of [result.builtin.stderr, result.kreveal.stderr]) {
    assert.match(stderr, /does not exist; cannot merge or replace/);
  }
});

test("behavior oracle: unknown behavior rejected", { skip }, () => {
  // kustomize reads any behavior but create, merge and replace (here a capitalised "Merge") as
  // unspecified, so the built-in silently creates the Secret. kreveal rejects the typo.
  const result = runOracle({ builtin: { name, behavior: "Merge", literals: ["A=1"] }, kreveal: { metadata: { name }, behavior: "Merge", literals: ["A=1"] } });
  assert.match(metadataOf(builtinSecret(result)).name, /^db-[a-z0-9]{10}$/);
  assertKrevealFailed(result.kreveal, [/behavior: must be one of "create", "merge", "replace"/]);
});
