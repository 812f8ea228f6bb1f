import assert from "node:assert/strict";
import { test } from "node:test";

import { parse, parseAllDocuments } from "yaml";

import { KrevealError } from "../../plugin/errors.js";
import { parseResourceList } from "../../plugin/formats/resource-list.js";
import { createInputReader } from "../../plugin/files/input-reader.js";
import { runGenerator } from "../../plugin/generators/registry.js";
import { renderFunctionOutput } from "../../plugin/output/function-output.js";
import { renderYamlStream } from "../../plugin/output/yaml-stream.js";
import { tempDir } from "../support/paths.js";

const ambiguous = ["on", "off", "yes", "no", "y", "Y", "n", "N", "true", "Null", "~", "0123", "1e3", "0x1F", "1_000", "12:30", "2001-12-14", ".5", "<<", "="];

async function generateSecret(): Promise<Record<string, unknown>> {
  const cwd = tempDir();
  const labels = Object.fromEntries(ambiguous.map((value, index) => [`l${index}`, value]));
  const annotations = Object.fromEntries(ambiguous.map((value) => [value, value]));
  const objects = await runGenerator(
    {
      apiVersion: "kreveal.dev/v1alpha1",
      kind: "SecretGenerator",
      metadata: { name: "yes" },
      type: "on",
      literals: ["y=N"],
      options: { labels, annotations, disableNameSuffixHash: true },
    },
    createInputReader({ cwd, root: cwd }),
  );
  assert.equal(objects.length, 1);
  const [secret] = objects;
  return secret;
}

test("legacy stream: YAML 1.1 reads strings back", async () => {
  const secret = await generateSecret();
  const text = renderYamlStream([secret]);

  const documents = parseAllDocuments(text, { version: "1.1" });
  assert.equal(documents.length, 1);
  const [document] = documents;
  assert.deepEqual(document.errors, []);
  const read = document.toJS() as { type: string; metadata: { name: string } };
  assert.deepEqual(read, secret);
  assert.equal(read.type, "on");
  assert.equal(read.metadata.name, "yes");
});

test("legacy stream: YAML 1.2 reads strings back", async () => {
  const secret = await generateSecret();
  assert.deepEqual(parse(renderYamlStream([secret])), secret);
});

test("legacy stream: starts each document with ---", async () => {
  const secret = await generateSecret();
  const text = renderYamlStream([secret, secret]);
  assert.equal(text.split("\n").filter((line) => line === "---").length, 2);
  assert.ok(text.startsWith("---\n"));
});

test("legacy stream: long values not folded", () => {
  const value = "A".repeat(500);
  const text = renderYamlStream([{ apiVersion: "v1", kind: "Secret", data: { big: value, quoted: `yes ${value}` } }]);
  assert.ok(text.includes(`big: ${value}\n`));
  assert.equal((parse(text, { version: "1.1" }) as { data: { quoted: string } }).data.quoted, `yes ${value}`);
});

const kustomizeInput = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: kreveal.dev/v1alpha1
  kind: SecretGenerator
  metadata:
    name: app-secret
    annotations:
      config.kubernetes.io/local-config: 'true'
      config.kubernetes.io/index: '0'
      internal.config.kubernetes.io/index: '0'
  literals: [a=b]
- apiVersion: v1
  kind: ConfigMap # keep this comment
  metadata:
    name: numbers
    annotations:
      internal.config.kubernetes.io/needsHashSuffix: enabled
      kustomize.config.k8s.io/id: |
        kind: ConfigMap
        name: numbers
  data:
    plain: on
    single: 'yes'
  spec:
    octal: 0123
    hex: 0x1F
    float: 1.50
    exp: 1e3
    big: 123456789012345678901234567890
    bool: True
    nothing: ~
functionConfig:
  apiVersion: kreveal.dev/v1alpha1
  kind: SecretGenerator
  metadata:
    name: app-secret
    annotations:
      config.kubernetes.io/local-config: 'true'
  literals: [a=b]
`;

test("function output: config item dropped, others kept", () => {
  const list = parseResourceList(Buffer.from(kustomizeInput));
  const text = renderFunctionOutput(list, [{ apiVersion: "v1", kind: "Secret", metadata: { name: "app-secret" }, type: "on" }]);
  const output = parse(text, { version: "1.1" }) as { kind: string; items: Record<string, unknown>[] };

  assert.equal(output.kind, "ResourceList");
  assert.deepEqual(
    output.items.map((item) => item.kind),
    ["ConfigMap", "Secret"],
  );
  assert.equal(output.items[1]?.type, "on");
});

test("function output: kept items written as they came", () => {
  const list = parseResourceList(Buffer.from(kustomizeInput));
  const text = renderFunctionOutput(list, []);

  for (const line of [
    "  kind: ConfigMap # keep this comment",
    "      internal.config.kubernetes.io/needsHashSuffix: enabled",
    "    single: 'yes'",
    "    octal: 0123",
    "    hex: 0x1F",
    "    float: 1.50",
    "    exp: 1e3",
    "    big: 123456789012345678901234567890",
    "    bool: True",
    "    nothing: ~",
  ]) {
    assert.ok(text.includes(`${line}\n`), `missing line ${JSON.stringify(line)} in:\n${text}`);
  }
  // A plain `on` is the string "on" in YAML 1.2 but true in YAML 1.1, so it is quoted.
  assert.ok(text.includes('    plain: "on"\n'), text);
});

test("function output: changed numbers use the new value", () => {
  const list = parseResourceList(Buffer.from(kustomizeInput));
  const item = list.items.items[1];
  assert.ok(item !== undefined);
  (item as unknown as { setIn(path: string[], value: unknown): void }).setIn(["spec", "octal"], 7);
  const text = renderFunctionOutput(list, []);
  assert.ok(text.includes("    octal: 7\n"), text);
});

test("resource list: empty input", () => {
  for (const input of ["", "  \n", "# only a comment\n"]) {
    assert.throws(
      () => parseResourceList(Buffer.from(input)),
      (error: unknown) => error instanceof KrevealError && error.code === "INPUT_EMPTY" && /empty/.test(error.message),
    );
  }
});

test("resource list: malformed input", () => {
  const cases: [string, RegExp][] = [
    ["kind: ConfigMap\n", /not a ResourceList/],
    ["kind: ResourceList\nitems: {}\n", /items is not a list/],
    ["kind: ResourceList\nitems: [1]\n", /items\[0\] is not a mapping/],
    ["kind: ResourceList\nfunctionConfig: [1]\n", /functionConfig is not a mapping/],
    ["kind: ResourceList\n---\nkind: ResourceList\n", /one YAML document, found 2/],
    ["kind: ResourceList\nitems: [\n  password: hunter2\n", /invalid YAML at line/],
  ];
  for (const [input, pattern] of cases) {
    assert.throws(
      () => parseResourceList(Buffer.from(input)),
      (error: unknown) => error instanceof KrevealError && error.code === "INPUT_MALFORMED" && pattern.test(error.message) && !/hunter2/.test(error.describe()),
      input,
    );
  }
});

test("resource list: no items", () => {
  const list = parseResourceList(Buffer.from("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nfunctionConfig: {kind: X}\n"));
  assert.equal(list.items.items.length, 0);
  const text = renderFunctionOutput(list, [{ kind: "Secret" }]);
  assert.deepEqual((parse(text) as { items: unknown[] }).items, [{ kind: "Secret" }]);
});

test("function output: kpt package config kept", () => {
  // kpt deletes the file of every item a function drops, so a config item with a path stays.
  const input = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: kreveal.dev/v1alpha1
  kind: SecretGenerator
  metadata:
    name: s
    annotations:
      config.kubernetes.io/local-config: "true"
      config.kubernetes.io/path: 'gen.yaml'
      internal.config.kubernetes.io/path: 'gen.yaml'
  literals: [a=b]
functionConfig:
  apiVersion: kreveal.dev/v1alpha1
  kind: SecretGenerator
  metadata:
    name: s
  literals: [a=b]
`;
  const text = renderFunctionOutput(parseResourceList(Buffer.from(input)), [{ apiVersion: "v1", kind: "Secret", metadata: { name: "s" } }]);
  const output = parse(text) as { items: Record<string, unknown>[] };
  assert.deepEqual(
    output.items.map((item) => item.kind),
    ["SecretGenerator", "Secret"],
  );
});
