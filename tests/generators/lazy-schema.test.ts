import assert from "node:assert/strict";
import { test } from "node:test";

import { buildSecretGeneratorSchema, secretGeneratorSchema } from "../../plugin/generators/secret-generator/schema.js";

/** Returns a manifest with every field set to a valid value. */
function fullManifest(): Record<string, unknown> {
  return {
    apiVersion: "kreveal.dev/v1alpha1",
    kind: "SecretGenerator",
    metadata: { name: "app", namespace: "shop", labels: { team: "shop" }, annotations: { "config.kubernetes.io/local-config": "true" } },
    type: "Opaque",
    files: ["tls.crt", "password=db.enc.txt"],
    envs: ["app.enc.env"],
    literals: ["LOG_LEVEL=info", ""],
    behavior: "merge",
    options: { labels: { a: "b" }, annotations: {}, disableNameSuffixHash: true, immutable: false },
  };
}

function minimalManifest(): Record<string, unknown> {
  return { apiVersion: "kreveal.dev/v1alpha1", kind: "SecretGenerator", metadata: { name: "app" } };
}

/** Values put in place of each field: valid ones for some fields, invalid ones for others. */
function sampleValues(): unknown[] {
  const withHole: unknown[] = ["a"];
  withHole[2] = "c";
  return [
    undefined, null, "", "x", "create", "kreveal.dev/v1alpha1", "SecretGenerator", 0, 1, true, false, 1n, [], [""], ["a"], ["a", 1], withHole,
    {}, { a: "b" }, { a: 1 }, { a: null }, JSON.parse('{"__proto__": "x"}'), Object.create(null), new Date(0), new Map(), Symbol("s"),
    Object.defineProperty({}, "hidden", { value: 1, enumerable: false }), { get a() { return "b"; } },
  ];
}

const fieldPaths = [
  ["apiVersion"], ["kind"], ["metadata"], ["metadata", "name"], ["metadata", "namespace"], ["metadata", "labels"], ["metadata", "annotations"],
  ["metadata", "labels", "team"], ["type"], ["files"], ["envs"], ["literals"], ["behavior"], ["options"], ["options", "labels"],
  ["options", "annotations"], ["options", "disableNameSuffixHash"], ["options", "immutable"], ["unknown"], ["metadata", "unknown"], ["options", "unknown"],
];

/** Returns a copy of `manifest` with the value at `path` replaced, or deleted when `value` is undefined. */
function withField(manifest: Record<string, unknown>, path: readonly string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(manifest);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) {
      return copy;
    }
    node = next as Record<string, unknown>;
  }
  const last = path.at(-1) ?? "";
  if (value === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- the key comes from the table above
    delete node[last];
  } else {
    node[last] = value;
  }
  return copy;
}

function* manifests(): Generator {
  yield fullManifest();
  yield minimalManifest();
  yield null;
  yield [];
  yield "SecretGenerator";
  yield Object.assign(Object.create(null) as object, minimalManifest());
  for (const base of [fullManifest(), minimalManifest()]) {
    for (const path of fieldPaths) {
      for (const value of sampleValues()) {
        yield withField(base, path, value);
      }
    }
  }
}

test("lazy schema: same result as zod", () => {
  const zod = buildSecretGeneratorSchema();
  let accepted = 0;
  for (const manifest of manifests()) {
    const expected = zod.safeParse(manifest, { reportInput: true });
    const actual = secretGeneratorSchema.safeParse(manifest, { reportInput: true });
    assert.equal(actual.success, expected.success, JSON.stringify(manifest, (_key, value: unknown) => (typeof value === "bigint" ? `${value}n` : value)));
    if (expected.success) {
      assert.deepEqual(actual.data, expected.data);
      accepted += 1;
    } else {
      assert.deepEqual(actual.error?.issues, expected.error.issues);
    }
  }
  // The table must reach both outcomes, or the comparison proves little.
  assert.ok(accepted > 20, `only ${accepted} manifests were valid`);
});

test("lazy schema: quick check takes usual manifests", () => {
  // The quick check returns the input itself; zod would return a copy.
  for (const manifest of [fullManifest(), minimalManifest()]) {
    const result = secretGeneratorSchema.safeParse(manifest);
    assert.equal(result.success, true);
    assert.equal(result.data, manifest);
  }
});
