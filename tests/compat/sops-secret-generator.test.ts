import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { parse } from "yaml";

import { tempRepo } from "../e2e/support.js";
import { isolateKeys } from "../support/key-env.js";
import { fixture } from "../support/paths.js";
import { describeAll, encrypt, generate, generateErrors, type Repo } from "./in-process.js";
import { ageKeys, sopsSecretGeneratorKeyring } from "./support.js";

before(() => {
  isolateKeys({ KREVEAL_PGP_KEY_FILE: sopsSecretGeneratorKeyring, SOPS_AGE_KEY_FILE: ageKeys });
});

/** Copies SopsSecretGenerator's testdata into a fresh repository; its manifests name files as `testdata/...` from there. */
function testdataRepo(): Repo {
  const root = tempRepo();
  cpSync(fixture("sopssecretgenerator/testdata"), path.join(root, "testdata"), { recursive: true });
  return { root, cwd: root };
}

function testdataManifest(name: string): Record<string, unknown> {
  return parse(readFileSync(fixture(`sopssecretgenerator/testdata/${name}`), "utf8")) as Record<string, unknown>;
}

function generator(fields: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: "goabout.com/v1beta1", kind: "SopsSecretGenerator", metadata: { name: "secret" }, ...fields };
}

const b64 = (text: string): string => Buffer.from(text).toString("base64");

test("SopsSecretGenerator: testdata generators", async () => {
  const repo = testdataRepo();
  // SopsSecretGenerator's own test expects file.txt -> c2VjcmV0Cg== ("secret\n").
  const expected = [{ apiVersion: "v1", kind: "Secret", metadata: { name: "secret" }, data: { "file.txt": "c2VjcmV0Cg==" } }];
  assert.deepEqual(await generate(testdataManifest("generator.yaml"), repo), expected);
  assert.deepEqual(await generate(testdataManifest("generator-oldkind.yaml"), repo), expected);
});

test("SopsSecretGenerator: KRM testdata items", async () => {
  // Each item is what kustomize would send as functionConfig. SopsSecretGenerator copies the
  // item's config.k8s.io/id annotation onto the Secret. kreveal drops kustomize's bookkeeping
  // annotations, which kustomize removes from its output anyway.
  const repo = testdataRepo();
  const expected: Record<string, Record<string, unknown>> = {
    "secret-from-file": { apiVersion: "v1", kind: "Secret", metadata: { name: "secret-from-file" }, data: { "file.txt": "c2VjcmV0Cg==" } },
    "secret-from-env": { apiVersion: "v1", kind: "Secret", metadata: { name: "secret-from-env" }, data: { VAR_ENV: "dmFsX2Vudg==" } },
    combined: { apiVersion: "v1", kind: "Secret", metadata: { name: "combined" }, data: { VAR_ENV: "dmFsX2Vudg==", "file.txt": "c2VjcmV0Cg==" } },
  };

  const items = ["krm-function-input.yaml", "krm-combined.yaml"].flatMap((name) => (testdataManifest(name) as { items: Record<string, unknown>[] }).items);
  assert.equal(items.length, 3);
  for (const item of items) {
    const name = (item.metadata as { name: string }).name;
    assert.deepEqual(await generate(item, repo), [expected[name]], name);
  }
});

test("SopsSecretGenerator: all fields", async () => {
  const repo = testdataRepo();
  const [secret] = await generate(
    generator({
      metadata: { name: "secret", namespace: "default", labels: { label: "value" }, annotations: { annotation: "value" } },
      behavior: "merge",
      envs: ["testdata/vars.env"],
      files: ["testdata/file.txt"],
      type: "Oblique",
    }),
    repo,
  );
  assert.deepEqual(secret, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "secret",
      namespace: "default",
      labels: { label: "value" },
      annotations: { annotation: "value", "kustomize.config.k8s.io/needs-hash": "true", "kustomize.config.k8s.io/behavior": "merge" },
    },
    type: "Oblique",
    data: { VAR_ENV: b64("val_env"), "file.txt": b64("secret\n") },
  });
});

test("SopsSecretGenerator: env formats, files last", async () => {
  const repo = testdataRepo();
  const secret = (await generate(
    generator({ envs: ["testdata/vars.env", "testdata/vars.yaml", "testdata/vars.json", "testdata/file.yaml"], files: ["VAR_ENV=testdata/file.txt", "two=testdata/file2.txt"] }),
    repo,
  )).at(0);
  assert.ok(secret !== undefined);
  assert.deepEqual(secret.data, { VAR_ENV: b64("secret\n"), VAR_JSON: b64("val_json"), VAR_YAML: b64("val_yaml"), two: b64("secret2\n"), var: b64("secret") });
  assert.deepEqual(secret.metadata, { name: "secret", annotations: { "kustomize.config.k8s.io/needs-hash": "true" } });
});

test("SopsSecretGenerator: env values kept verbatim", async () => {
  const repo = testdataRepo();
  writeFileSync(path.join(repo.cwd, "app.enc.env"), await encrypt("dotenv", 'B= "x" # c\n# comment\nC=\n  D=indented\n'));
  writeFileSync(path.join(repo.cwd, "app.enc.yaml"), await encrypt("yaml", 'N: 0123\nQ: "null"\nE: null\nF: 1.50\n'));
  const secret = (await generate(generator({ envs: ["app.enc.env", "app.enc.yaml"], disableNameSuffixHash: true }), repo)).at(0);

  const data = Object.fromEntries(Object.entries(secret?.data as Record<string, string>).map(([key, value]) => [key, Buffer.from(value, "base64").toString()]));
  // sops stores YAML numbers as numbers and writes them back in yaml.v3's spelling (0123 is octal
  // there), so SopsSecretGenerator reads 83 and 1.5. Quoted strings keep their text.
  assert.deepEqual(data, { B: ' "x" # c', C: "", D: "indented", E: "", F: "1.5", N: "83", Q: "null" });
});

test("SopsSecretGenerator: export prefix stays in key", async () => {
  // Unlike KSOPS, SopsSecretGenerator keeps `export ` and blanks as part of the key, which no
  // Secret accepts. kreveal reports such a key instead of leaving it to the API server.
  const repo = testdataRepo();
  writeFileSync(path.join(repo.cwd, "app.enc.env"), await encrypt("dotenv", "export A=1\nB =2\n"));
  const errors = await generateErrors(generator({ envs: ["app.enc.env"] }), repo);
  assert.deepEqual(
    errors.map((error) => [error.location, error.message]),
    [
      ['SopsSecretGenerator "secret" in gen.yaml: envs[0] "app.enc.env" line 1', 'invalid Secret key: key "export A" may contain only letters, digits, \'-\', \'_\' and \'.\''],
      ['SopsSecretGenerator "secret" in gen.yaml: envs[0] "app.enc.env" line 2', 'invalid Secret key: key "B " may contain only letters, digits, \'-\', \'_\' and \'.\''],
    ],
  );
});

test("SopsSecretGenerator: manifest annotations dropped", async () => {
  const repo = testdataRepo();
  const annotations = {
    team: "shop",
    "config.kubernetes.io/depends-on": "apps/namespaces/_/Namespace/shop",
    "config.kubernetes.io/local-config": "true",
    "config.kubernetes.io/function": "exec:\n  path: SopsSecretGenerator\n",
    "config.kubernetes.io/index": "0",
    "config.kubernetes.io/path": "generator.yaml",
    "internal.config.kubernetes.io/path": "generator.yaml",
    "internal.config.kubernetes.io/seqindent": "wide",
    "config.k8s.io/id": "1",
  };
  const secret = (await generate(generator({ metadata: { name: "secret", annotations }, files: ["testdata/file.txt"], disableNameSuffixHash: "yes" }), repo)).at(0);
  assert.deepEqual(secret?.metadata, { name: "secret", annotations: { team: "shop", "config.kubernetes.io/depends-on": "apps/namespaces/_/Namespace/shop" } });
});

test("SopsSecretGenerator: testdata error cases", async () => {
  const repo = testdataRepo();
  const cases: [string, string][] = [
    ["generator-noname.yaml", "SopsSecretGenerator (no metadata.name) in gen.yaml: metadata.name: is required [CONFIG_INVALID]"],
    ["generator-wrongkind.yaml", 'PlainText "plaintext" in gen.yaml: unknown generator: apiVersion "goabout.com/v1beta1", kind "PlainText" [CONFIG_INVALID]'],
    ["generator-wrongversion.yaml", 'SopsSecretGenerator "secret" in gen.yaml: unknown generator: apiVersion "goabout.com/v1alpha", kind "SopsSecretGenerator" [CONFIG_INVALID]'],
    ["generator-invalidenv.yaml", 'SopsSecretGenerator "secret" in gen.yaml: envs[0]: "VAR" has an unknown file format [CONFIG_INVALID]'],
  ];
  for (const [name, expected] of cases) {
    assert.deepEqual(describeAll(await generateErrors(testdataManifest(name), repo)), [expected], name);
  }

  const krmError = (testdataManifest("krm-error.yaml") as { items: Record<string, unknown>[] }).items.at(0);
  assert.deepEqual(describeAll(await generateErrors(krmError ?? {}, repo)), [
    'SoupSecretGenerator "secret-from-file" in gen.yaml: unknown generator: apiVersion "goabout.com/v1beta1", kind "SoupSecretGenerator" [CONFIG_INVALID]',
  ]);
});

test("SopsSecretGenerator: source errors listed together", async () => {
  const repo = testdataRepo();
  writeFileSync(path.join(repo.cwd, "nested.enc.yaml"), await encrypt("yaml", "A:\n  B: hunter2\n"));
  writeFileSync(path.join(repo.cwd, "number.enc.json"), await encrypt("json", '{"PORT": 8080}'));
  writeFileSync(path.join(repo.cwd, "noequals.enc.env"), await encrypt("dotenv", "A=1\n"));
  const errors = await generateErrors(
    generator({
      envs: ["testdata/file.ini", "testdata/file.txt", "nested.enc.yaml", "number.enc.json", "testdata/missing.env"],
      files: ["testdata/empty.txt", "=testdata/file.txt", "k=", "a=b=c", "bad key=testdata/file.txt"],
    }),
    repo,
  );
  const prefix = 'SopsSecretGenerator "secret" in gen.yaml: ';
  assert.deepEqual(describeAll(errors), [
    `${prefix}envs[0]: "testdata/file.ini" has an unknown file format [CONFIG_INVALID]`,
    `${prefix}envs[1]: "testdata/file.txt" has an unknown file format [CONFIG_INVALID]`,
    `${prefix}files[1]: "=testdata/file.txt" has no key before "=" [CONFIG_INVALID]`,
    `${prefix}files[2]: "k=" has no path after "=" [CONFIG_INVALID]`,
    `${prefix}files[3]: "a=b=c" has more than one "="; write it as KEY=PATH, where neither part contains "=" [CONFIG_INVALID]`,
    `${prefix}envs[2] "nested.enc.yaml": the value of key "A" must be a string, not a mapping or list [CONFIG_INVALID]`,
    `${prefix}envs[3] "number.enc.json": the value of key "PORT" must be a string [CONFIG_INVALID]`,
    `${prefix}envs[4] "testdata/missing.env": no such file [FILE_NOT_FOUND]`,
    `${prefix}files[0] "testdata/empty.txt": the file is empty, so it is not a SOPS-encrypted file [INPUT_EMPTY]`,
    `${prefix}files[4] "testdata/file.txt": invalid Secret key: key "bad key" may contain only letters, digits, '-', '_' and '.' [CONFIG_INVALID]`,
  ]);
  assert.ok(errors.every((error) => !`${error.message} ${error.fix ?? ""}`.includes("hunter2")));
});

test("SopsSecretGenerator: dotenv line without value", async () => {
  const repo = testdataRepo();
  // sops refuses to encrypt such a line, so the plaintext here is a binary-format file read as dotenv by its extension.
  writeFileSync(path.join(repo.cwd, "bare.enc.env"), await encrypt("binary", "A=1\nVALUE_ONLY\n"));
  const errors = await generateErrors(generator({ envs: ["bare.enc.env"] }), repo);
  assert.deepEqual(describeAll(errors), [
    'SopsSecretGenerator "secret" in gen.yaml: envs[0] "bare.enc.env": line 2 has no "=", but SopsSecretGenerator requires KEY=VALUE [CONFIG_INVALID]',
  ]);
});

test("SopsSecretGenerator: wrong field types rejected", async () => {
  const errors = await generateErrors(generator({ envs: "vars.env", disableNameSuffixHash: "true", metadata: { name: "secret", labels: { n: 1 } } }), testdataRepo());
  assert.deepEqual(
    errors.map((error) => error.location),
    [
      'SopsSecretGenerator "secret" in gen.yaml: metadata.labels.n',
      'SopsSecretGenerator "secret" in gen.yaml: envs',
      'SopsSecretGenerator "secret" in gen.yaml: disableNameSuffixHash',
    ],
  );
});
