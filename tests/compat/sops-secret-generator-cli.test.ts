import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { stringify } from "yaml";

import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";
import { findKind, isolatedEnv, parseStream, pluginHome, requireBundle, run, runKreveal, secretData, skipWithout, tempRepo } from "../e2e/support.js";
import { assertFailedClosed } from "../support/fail-closed.js";
import { fixture } from "../support/paths.js";
import { emptyPackage, pathWithToolLinks, sopsSecretGeneratorKeyring, sopsSecretGeneratorLauncher } from "./support.js";

before(() => {
  requireBundle();
});

/** Copies SopsSecretGenerator's testdata into a fresh repository and returns the repository root, the cwd its manifests expect. */
function testdataRepo(): string {
  const root = tempRepo();
  cpSync(fixture("sopssecretgenerator/testdata"), path.join(root, "testdata"), { recursive: true });
  return root;
}

const keyEnv = (): Record<string, string> => isolatedEnv({ KREVEAL_PGP_KEY_FILE: sopsSecretGeneratorKeyring });

test("SopsSecretGenerator launcher: testdata errors fail closed", () => {
  const root = testdataRepo();
  writeFileSync(path.join(root, "generator-empty.yaml"), "apiVersion: goabout.com/v1beta1\nkind: SopsSecretGenerator\nmetadata: {name: secret}\nfiles: [testdata/empty.txt]\n");
  const cases: [string, string, string][] = [
    ["testdata/generator-noname.yaml", "metadata.name: is required", "CONFIG_INVALID"],
    ["testdata/generator-wrongkind.yaml", 'kind "PlainText"', "CONFIG_INVALID"],
    ["testdata/generator-wrongversion.yaml", 'apiVersion "goabout.com/v1alpha"', "CONFIG_INVALID"],
    ["testdata/generator-invalidenv.yaml", 'envs[0]: "VAR" has an unknown file format', "CONFIG_INVALID"],
    ["testdata/notyaml.txt", "unknown generator: apiVersion (missing)", "CONFIG_INVALID"],
    ["generator-empty.yaml", 'files[0] "testdata/empty.txt": the file is empty', "INPUT_EMPTY"],
  ];
  for (const [config, field, code] of cases) {
    const result = run(sopsSecretGeneratorLauncher, [config], { cwd: root, env: keyEnv() });
    assertFailedClosed(result, { names: config, keyPath: field, code, secrets: ["secret\n"] });
  }
});

test("kreveal fn: krm-error item fails closed", () => {
  // kustomize sends the generator as functionConfig and echoes it as the only item.
  const [list] = parseStream(readFileSync(fixture("sopssecretgenerator/testdata/krm-error.yaml"), "utf8"));
  const [item] = (list as { items: Record<string, unknown>[] }).items;
  const input = stringify({ apiVersion: "config.kubernetes.io/v1", kind: "ResourceList", items: [item], functionConfig: item }, { aliasDuplicateObjects: false });
  const result = runKreveal(["fn"], { cwd: testdataRepo(), env: keyEnv(), input });
  assertFailedClosed(result, { names: 'SoupSecretGenerator "secret-from-file"', keyPath: 'kind "SoupSecretGenerator"', code: "CONFIG_INVALID", secrets: [] });
});

const kubectlSkip = skipWithout("kubectl");

test("kubectl kustomize: SopsSecretGenerator with name hash", { skip: kubectlSkip }, () => {
  const root = testdataRepo();
  writeFileSync(path.join(root, "kustomization.yaml"), "resources: [pod.yaml]\ngenerators: [generator.yaml, old-kind.yaml]\n");
  writeFileSync(
    path.join(root, "pod.yaml"),
    "apiVersion: v1\nkind: Pod\nmetadata: {name: app}\nspec:\n  containers:\n  - name: app\n    image: app:1\n    envFrom:\n    - secretRef: {name: app-secret}\n",
  );
  writeFileSync(
    path.join(root, "generator.yaml"),
    "apiVersion: goabout.com/v1beta1\nkind: SopsSecretGenerator\nmetadata:\n  name: app-secret\n  labels: {team: shop}\nenvs: [testdata/vars.env, testdata/vars.yaml]\nfiles: [testdata/file.txt]\noptions:\n  disableNameSuffixHash: true\n",
  );
  writeFileSync(path.join(root, "old-kind.yaml"), "apiVersion: goabout.com/v1beta1\nkind: SopsSecret\nmetadata:\n  name: old\ndisableNameSuffixHash: true\nfiles: [testdata/file2.txt]\n");

  const result = run("kubectl", ["kustomize", "--enable-alpha-plugins", root], { cwd: root, env: { ...keyEnv(), KUSTOMIZE_PLUGIN_HOME: pluginHome } });
  assert.equal(result.status, 0, result.stderr);
  const resources = parseStream(result.stdout);
  const secrets = resources.filter((resource) => resource.kind === "Secret");
  assert.equal(secrets.length, 2);

  // `options` is not a SopsSecretGenerator field, so the hash stays on, as with that tool.
  const nameOf = (resource: Record<string, unknown>): string => (resource.metadata as { name: string }).name;
  const hashed = secrets.find((secret) => nameOf(secret).startsWith("app-secret-"));
  const old = secrets.find((secret) => nameOf(secret) === "old");
  assert.ok(hashed !== undefined);
  const name = `app-secret-${kustomizeHashSuffix(hashed)}`;
  assert.deepEqual(hashed.metadata, { name, labels: { team: "shop" } });
  assert.deepEqual(secretData(hashed), { VAR_ENV: "val_env", VAR_YAML: "val_yaml", "file.txt": "secret\n" });
  assert.deepEqual(old, { apiVersion: "v1", kind: "Secret", metadata: { name: "old" }, data: { "file2.txt": Buffer.from("secret2\n").toString("base64") } });

  const pod = findKind(resources, "Pod") as { spec: { containers: { envFrom: { secretRef: { name: string } }[] }[] } };
  assert.equal(pod.spec.containers[0]?.envFrom[0]?.secretRef.name, name);
});

test("SopsSecretGenerator launcher: options warning", () => {
  const root = testdataRepo();
  writeFileSync(path.join(root, "generator.yaml"), "apiVersion: goabout.com/v1beta1\nkind: SopsSecretGenerator\nmetadata: {name: s}\nfiles: [testdata/file.txt]\noptions: {disableNameSuffixHash: true}\n");
  const result = run(sopsSecretGeneratorLauncher, ["generator.yaml"], { cwd: root, env: keyEnv() });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stderr, /kreveal: warning: SopsSecretGenerator "s" in generator\.yaml: options: unknown field, ignored as SopsSecretGenerator ignores it\. SopsSecretGenerator has no options block/);
  const secret = parseStream(result.stdout).at(0);
  assert.deepEqual((secret?.metadata as { annotations: unknown }).annotations, { "kustomize.config.k8s.io/needs-hash": "true" });
});

const kptSkip = skipWithout("kpt");

test("kpt fn eval --exec SopsSecretGenerator", { skip: kptSkip }, () => {
  const root = testdataRepo();
  const result = run("kpt", ["fn", "eval", emptyPackage(root), "--exec", "SopsSecretGenerator", "--fn-config", "testdata/generator.yaml", "-o", "unwrap"], {
    cwd: root,
    env: { ...keyEnv(), PATH: pathWithToolLinks() },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(parseStream(result.stdout), [{ apiVersion: "v1", kind: "Secret", metadata: { name: "secret" }, data: { "file.txt": "c2VjcmV0Cg==" } }]);
});
