import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { parse } from "yaml";

import { isolatedEnv, parseStream, pluginHome, requireBundle, run, runKreveal, secretData, tempRepo } from "./support.js";

const plugin = path.join(pluginHome, "kreveal.dev/v1alpha1/secretgenerator/SecretGenerator");

function appFolder(): string {
  const folder = path.join(tempRepo(), "app");
  mkdirSync(folder);
  writeFileSync(path.join(folder, "token.txt"), "t0ken");
  writeFileSync(
    path.join(folder, "generator.yaml"),
    `apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: "on"
files: [token.txt]
options:
  annotations: {"yes": "no"}
`,
  );
  return folder;
}

test("legacy plugin file: runs kreveal legacy", () => {
  requireBundle();
  const folder = appFolder();
  const result = run(plugin, ["generator.yaml"], { cwd: folder, env: isolatedEnv() });
  assert.equal(result.status, 0, result.stderr);

  const resources = parseStream(result.stdout);
  assert.equal(resources.length, 1);
  const [secret] = resources;
  assert.deepEqual(secretData(secret), { "token.txt": "t0ken" });
  assert.deepEqual(parse(result.stdout, { version: "1.1" }), secret);
  assert.deepEqual(secret.metadata, { name: "on", annotations: { yes: "no", "kustomize.config.k8s.io/needs-hash": "true" } });
});

test("kreveal legacy: names the config file", () => {
  const folder = appFolder();
  writeFileSync(path.join(folder, "bad.yaml"), "apiVersion: kreveal.dev/v1alpha1\nkind: SecretGenerator\nmetadata: {name: s}\nfiles: [gone.txt]\n");
  const result = runKreveal(["legacy", "bad.yaml"], { cwd: folder, env: isolatedEnv({ KUSTOMIZE_PLUGIN_CONFIG_ROOT: folder }) });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /SecretGenerator "s" in bad\.yaml \(listed in the kustomization in .*app\): files\[0\] "gone\.txt": no such file/);
});

test("kreveal legacy: argument count", () => {
  for (const args of [["legacy"], ["legacy", "a.yaml", "b.yaml"]]) {
    const result = runKreveal(args, { cwd: appFolder(), env: isolatedEnv() });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /\[USAGE\]/);
  }
});

test("kreveal legacy: config file errors", () => {
  const folder = appFolder();
  writeFileSync(path.join(folder, "two.yaml"), "a: 1\n---\nb: 2\n");
  writeFileSync(path.join(folder, "broken.yaml"), "a: [\n");

  const missing = runKreveal(["legacy", "missing.yaml"], { cwd: folder, env: isolatedEnv() });
  assert.match(missing.stderr, /missing\.yaml: the generator config file cannot be read \[FILE_NOT_FOUND\]/);
  const two = runKreveal(["legacy", "two.yaml"], { cwd: folder, env: isolatedEnv() });
  assert.match(two.stderr, /expected one YAML document, found 2/);
  const broken = runKreveal(["legacy", "broken.yaml"], { cwd: folder, env: isolatedEnv() });
  assert.match(broken.stderr, /broken\.yaml: invalid YAML at line 2/);
});
