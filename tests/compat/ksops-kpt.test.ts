import assert from "node:assert/strict";
import { mkdirSync, writeFileSync, copyFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { isolatedEnv, parseStream, requireBundle, run, skipWithout } from "../e2e/support.js";
import { consumeKustomizeAnnotations, copyKsopsCase, emptyPackage, ksopsCases, ksopsKey, pathWithToolLinks, wantedObjects } from "./support.js";

const skip = skipWithout("kpt");

before(() => {
  if (skip === false) {
    requireBundle();
  }
});

/** kpt runs a function with its own cwd, where the cases' relative paths (`./secret.enc.yaml`) resolve. */
function kpt(args: readonly string[], cwd: string): ReturnType<typeof run> {
  return run("kpt", args, { cwd, env: isolatedEnv({ PATH: pathWithToolLinks(), KREVEAL_PGP_KEY_FILE: ksopsKey }) });
}

// kpt leaves needs-hash and behavior to kustomize, so the expected objects are the generated
// ones after the step that kustomize would apply (consumeKustomizeAnnotations).
for (const name of ksopsCases) {
  test(`kpt fn eval --exec ksops: KSOPS case ${name}`, { skip }, () => {
    const folder = copyKsopsCase(name, { legacyPlugin: false });
    const result = kpt(["fn", "eval", emptyPackage(folder), "--exec", "ksops", "--fn-config", "generate-resources.yaml", "-o", "unwrap"], folder);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(parseStream(result.stdout).map(consumeKustomizeAnnotations), wantedObjects(name));
  });
}

test("kpt fn render: Kptfile with exec ksops", { skip }, () => {
  // The package contains the Kptfile and the ksops manifest; the encrypted file stays outside it,
  // because kpt would read an encrypted .yaml file inside the package as a resource.
  const folder = copyKsopsCase("hash", { legacyPlugin: false });
  const packageFolder = path.join(folder, "package");
  mkdirSync(packageFolder);
  copyFileSync(path.join(folder, "generate-resources.yaml"), path.join(packageFolder, "generate-resources.yaml"));
  writeFileSync(
    path.join(packageFolder, "Kptfile"),
    "apiVersion: kpt.dev/v1\nkind: Kptfile\nmetadata:\n  name: package\npipeline:\n  mutators:\n    - exec: ksops\n      configPath: generate-resources.yaml\n",
  );

  const result = kpt(["fn", "render", "package", "--allow-exec", "-o", "unwrap"], folder);
  assert.equal(result.status, 0, result.stderr);
  const resources = parseStream(result.stdout);
  assert.deepEqual(resources.map((resource) => resource.kind).sort(), ["Kptfile", "Secret", "ksops"]);

  const secret = resources.find((resource) => resource.kind === "Secret") ?? {};
  assert.deepEqual(consumeKustomizeAnnotations(secret), wantedObjects("hash")[0]);
});

test("kpt fn eval --exec ksops: failure", { skip }, () => {
  const folder = copyKsopsCase("file", { legacyPlugin: false });
  writeFileSync(path.join(folder, "generate-resources.yaml"), "apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata: {name: broken}\nsecretFrom:\n- metadata: {name: s}\n  files: [a=b=c, missing.yaml]\n");
  const args = ["fn", "eval", emptyPackage(folder), "--exec", "ksops", "--fn-config", "generate-resources.yaml", "-o", "unwrap", "--truncate-output=false"];
  const result = kpt(args, folder);
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, "");
  // kpt quotes the function's stderr lines, escaping their double quotes.
  assert.match(result.stderr, /ksops \\"broken\\": secretFrom\[0\]\.files\[0\]: \\"a=b=c\\" has more than one/);
  assert.match(result.stderr, /secretFrom\[0\]\.files\[1\] \\"missing\.yaml\\": no such file \[FILE_NOT_FOUND\]/);
});
