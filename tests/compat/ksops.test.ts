import assert from "node:assert/strict";
import { statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { stringify } from "yaml";

import { isolatedEnv, parseStream, pluginHome, requireBundle, run } from "../e2e/support.js";
import { isolateKeys } from "../support/key-env.js";
import { describeAll, encrypt, generate, generateErrors, makeRepo } from "./in-process.js";
import { ageKeys, copyKsopsCase, ksopsKey, ksopsLauncher, wantedObjects } from "./support.js";

before(() => {
  isolateKeys({ SOPS_AGE_KEY_FILE: ageKeys });
});

function ksops(fields: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: "viaduct.ai/v1", kind: "ksops", metadata: { name: "gen" }, ...fields };
}

test("ksops: secretFrom sources merged", async () => {
  const repo = makeRepo({
    "config.enc.yaml": await encrypt("yaml", "debug: false\n"),
    "cert.enc.bin": await encrypt("binary", "caf\u00e9\n"),
    "shared.enc.env": await encrypt("dotenv", "USER=admin\nconfig.yaml=from-env\nexport HOST=db\n"),
    "override.enc.env": await encrypt("dotenv", 'USER="ops"\nURL=postgres://${USER}@${HOST} # dsn\n'),
  });
  const [secret] = await generate(
    ksops({
      secretFrom: [
        {
          metadata: { name: "app", namespace: "shop", labels: { team: "a" }, annotations: { note: "x", "kustomize.config.k8s.io/needs-hash": "true" } },
          type: "kubernetes.io/custom",
          files: ["config.yaml=config.enc.yaml"],
          binaryFiles: ["cert.enc.bin"],
          envs: ["shared.enc.env", "override.enc.env"],
        },
      ],
    }),
    repo,
  );

  assert.deepEqual(secret, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "app", namespace: "shop", labels: { team: "a" }, annotations: { note: "x", "kustomize.config.k8s.io/needs-hash": "true" } },
    type: "kubernetes.io/custom",
    data: { "cert.enc.bin": Buffer.from("caf\u00e9\n").toString("base64") },
    // godotenv expands variables from the same file only, so HOST from the first env file is empty here.
    stringData: { HOST: "db", URL: "postgres://ops@", USER: "ops", "config.yaml": "from-env" },
  });
});

test("ksops: manifests before secretFrom Secrets", async () => {
  const repo = makeRepo({
    "a.enc.yaml": await encrypt("yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {n: 1}\n"),
    "b.enc.env": await encrypt("dotenv", "K=v\n"),
  });
  const resources = await generate(ksops({ secretFrom: [{ metadata: { name: "s" }, envs: ["b.enc.env"] }], files: ["a.enc.yaml"] }), repo);
  assert.deepEqual(resources, [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" }, data: { n: 1n } },
    { apiVersion: "v1", kind: "Secret", metadata: { name: "s" }, stringData: { K: "v" } },
  ]);
});

test("ksops: every problem reported", async () => {
  const repo = makeRepo({
    "plain.env": "PASSWORD=hunter2\n",
    "bad.enc.env": await encrypt("dotenv", "GOOD=1\nbad-key=hunter2\n"),
    "spaced.enc.env": await encrypt("dotenv", "MY KEY=hunter2\n"),
    "ok.enc.yaml": await encrypt("yaml", "a: b\n"),
  });
  const manifest = ksops({
    secretFrom: [
      { metadata: { annotations: { "kustomize.config.k8s.io/needs-hash": "yes" } }, files: ["=ok.enc.yaml", "a=b=c", "ok.enc.yaml"], envs: ["plain.env", "bad.enc.env", "spaced.enc.env"] },
      { metadata: { name: "second" }, binaryFiles: ["missing.bin"] },
    ],
  });
  const errors = await generateErrors(manifest, repo);
  const prefix = 'ksops "gen" in gen.yaml: secretFrom';

  assert.deepEqual(describeAll(errors), [
    `${prefix}[0].metadata.name: is required [CONFIG_INVALID]`,
    `${prefix}[0].files[0]: "=ok.enc.yaml" has no key before "=" [CONFIG_INVALID]`,
    `${prefix}[0].files[1]: "a=b=c" has more than one "="; write it as KEY=PATH, where neither part contains "=" [CONFIG_INVALID]`,
    `${prefix}[0].envs[0] "plain.env": the file has no sops metadata, so it is not a SOPS-encrypted file [SOPS_METADATA_MISSING]`,
    `${prefix}[0].envs[1] "bad.enc.env": invalid dotenv: line 2 has a key with a character other than letters, digits, '_' and '.' [CONFIG_INVALID]`,
    `${prefix}[0].envs[2] "spaced.enc.env" line 1: invalid Secret key: key "MY KEY" may contain only letters, digits, '-', '_' and '.' [CONFIG_INVALID]`,
    `${prefix}[0].metadata.annotations["kustomize.config.k8s.io/needs-hash"]: must be "true" or "false" (kustomize accepts the spellings of Go's strconv.ParseBool) [CONFIG_INVALID]`,
    `${prefix}[1].binaryFiles[0] "missing.bin": no such file [FILE_NOT_FOUND]`,
  ]);
  assert.ok(errors.every((error) => !`${error.message} ${error.fix ?? ""}`.includes("hunter2")));
});

test("ksops: files or secretFrom required", async () => {
  for (const fields of [{}, { files: [], secretFrom: null }]) {
    const errors = await generateErrors(ksops(fields), makeRepo());
    assert.deepEqual(describeAll(errors), ['ksops "gen" in gen.yaml: files: is missing or empty, and so is secretFrom [CONFIG_INVALID]']);
  }
});

test("ksops: wrong field types rejected", async () => {
  const errors = await generateErrors(ksops({ files: "a.enc.yaml", secretFrom: [{ metadata: { name: "s", labels: { n: 1 } }, envs: "x.env" }] }), makeRepo());
  assert.deepEqual(
    errors.map((error) => [error.location, error.message]),
    [
      ['ksops "gen" in gen.yaml: files', "must be a list, not a string"],
      ['ksops "gen" in gen.yaml: secretFrom[0].metadata.labels.n', "must be a string, not a number"],
      ['ksops "gen" in gen.yaml: secretFrom[0].envs', "must be a list, not a string"],
    ],
  );
});

test("ksops launcher: KRM function call from kustomize", () => {
  requireBundle();
  const folder = copyKsopsCase("single", { legacyPlugin: false });
  const config = {
    apiVersion: "viaduct.ai/v1",
    kind: "ksops",
    metadata: { name: "ksops-single-file-generator", annotations: { "config.kubernetes.io/function": "exec:\n  path: ksops\n", "config.kubernetes.io/local-config": "true" } },
    files: ["./secret.enc.yaml"],
    unknownField: true,
  };
  // kustomize sends the config as functionConfig and a copy of it as the only item, with its
  // own bookkeeping annotations. KSOPS reads that item, and kreveal reads functionConfig.
  const echo = { ...config, metadata: { ...config.metadata, annotations: { ...config.metadata.annotations, "config.kubernetes.io/index": "0", "internal.config.kubernetes.io/index": "0", "config.k8s.io/id": "1", "internal.config.kubernetes.io/id": "1" } } };
  const input = stringify({ apiVersion: "config.kubernetes.io/v1", kind: "ResourceList", items: [echo], functionConfig: config }, { aliasDuplicateObjects: false });

  const result = run(ksopsLauncher, [], { cwd: folder, env: isolatedEnv({ KREVEAL_PGP_KEY_FILE: ksopsKey }), input });
  assert.equal(result.status, 0, result.stderr);
  const [list] = parseStream(result.stdout);
  assert.deepEqual((list as { items: unknown[] }).items, wantedObjects("single"));
  assert.match(result.stderr, /^kreveal: warning: ksops "ksops-single-file-generator": unknownField: unknown field, ignored as KSOPS ignores it\./m);
});

test("ksops launcher: legacy call warns on unknown fields", () => {
  requireBundle();
  const folder = copyKsopsCase("envs", { legacyPlugin: true });
  const text = "apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata: {name: gen}\nsecretFrom:\n- metadata: {name: mysecret, generateName: x}\n  env: [./other.env]\n  envs: [./secret.enc.env]\n";
  const config = path.join(folder, "other-generator.yaml");
  writeFileSync(config, text);

  const result = run(ksopsLauncher, [config], { cwd: folder, env: isolatedEnv({ KREVEAL_PGP_KEY_FILE: ksopsKey }) });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(parseStream(result.stdout), wantedObjects("envs"));
  assert.match(result.stderr, /ksops "gen" in .*other-generator\.yaml: secretFrom\[0\]\.env: unknown field, ignored as KSOPS ignores it\. Known fields here: metadata, type, files, binaryFiles, envs\./);
  assert.match(result.stderr, /secretFrom\[0\]\.metadata\.generateName: unknown field/);
});

test("compatibility launchers are executable", () => {
  const launchers = [
    "viaduct.ai/v1/ksops/ksops",
    "viaduct.ai/v2/ksops/ksops",
    "goabout.com/v1beta1/sopssecretgenerator/SopsSecretGenerator",
    "goabout.com/v1beta1/sopssecret/SopsSecret",
    "kreveal.dev/v1alpha1/manifestdecryptor/ManifestDecryptor",
  ];
  for (const launcher of launchers) {
    assert.equal(statSync(path.join(pluginHome, launcher)).mode & 0o777, 0o755, launcher);
  }
});
