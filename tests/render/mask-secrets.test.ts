import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";

import { parseAllDocuments } from "yaml";

import { KrevealError } from "../../plugin/errors.js";
import { maskSecrets } from "../../plugin/render/mask-secrets.js";

function digest(bytes: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex").slice(0, 12)}`;
}

function parse(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text).map((document) => document.toJS() as Record<string, unknown>);
}

const configMap = `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data:
  port: 0123
  ratio: 1.50
  password: not-a-secret-here
`;

test("mask: data, stringData and metadata", () => {
  const binary = Buffer.from([0xff, 0x00, 0xfe, 0x10]);
  const text = `apiVersion: v1
kind: Secret
metadata:
  name: app-secret-g5b8h6kt9m
  labels:
    team: shop
type: kubernetes.io/basic-auth
data:
  password: ${Buffer.from("hunter2").toString("base64")}
  blob: ${binary.toString("base64")}
  empty:
stringData:
  username: admin-user
  port: 5432
  script: |
    line one
    line two
`;

  const [secret] = parse(maskSecrets(text));
  assert.deepEqual(secret, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "app-secret-g5b8h6kt9m", labels: { team: "shop" } },
    type: "kubernetes.io/basic-auth",
    data: { password: digest("hunter2"), blob: digest(binary), empty: null },
    stringData: { username: digest("admin-user"), port: digest("5432"), script: digest("line one\nline two\n") },
  });
});

test("mask: same value, same digest", () => {
  const text = `kind: Secret\ndata:\n  a: ${Buffer.from("same").toString("base64")}\nstringData:\n  b: same\n`;
  const [secret] = parse(maskSecrets(text)) as [{ data: { a: string }; stringData: { b: string } }];
  assert.equal(secret.data.a, secret.stringData.b);
});

test("mask: other documents unchanged", () => {
  const text = `# rendered\n${configMap}---\nkind: Secret\nmetadata:\n  name: s\ndata:\n  a: c2VjcmV0\n---\n${configMap}`;
  const masked = maskSecrets(text);
  const parts = masked.split(/^---\n/m);

  assert.equal(parts.length, 3);
  assert.equal(parts[0], `# rendered\n${configMap}`);
  assert.equal(parts[1], `kind: Secret\nmetadata:\n  name: s\ndata:\n  a: ${digest("secret")}\n`);
  assert.equal(parts[2], configMap);
});

test("mask: Secrets inside a List", () => {
  const text = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Secret
  metadata: {name: listed}
  stringData: {token: abc123}
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: kept}
  data: {token: visible}
`;
  const [list] = parse(maskSecrets(text)) as [{ items: { stringData?: { token: string }; data?: { token: string } }[] }];
  assert.equal(list.items[0]?.stringData?.token, digest("abc123"));
  assert.equal(list.items[1]?.data?.token, "visible");
});

test("mask: last-applied annotation", () => {
  const applied = '{"apiVersion":"v1","kind":"Secret","stringData":{"token":"abc123"}}';
  const text = `kind: Secret\nmetadata:\n  name: s\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '${applied}'\n    owner: platform\n`;
  const masked = maskSecrets(text);
  assert.doesNotMatch(masked, /abc123/);
  const [secret] = parse(masked) as [{ metadata: { annotations: Record<string, string> } }];
  assert.deepEqual(secret.metadata.annotations, { "kubectl.kubernetes.io/last-applied-configuration": digest(applied), owner: "platform" });
});

test("mask: invalid value shapes", () => {
  const text = "kind: Secret\ndata:\n  nested: {inner: abc123}\n  listed: [abc123]\nstringData: abc123\n";
  const masked = maskSecrets(text);
  assert.doesNotMatch(masked, /abc123/);
  const [secret] = parse(masked) as [{ data: Record<string, string>; stringData: string }];
  assert.match(secret.data.nested, /^sha256:[0-9a-f]{12}$/);
  assert.match(secret.data.listed, /^sha256:[0-9a-f]{12}$/);
  assert.equal(secret.stringData, digest("abc123"));
});

test("mask: aliases in a Secret rejected", () => {
  const text = "kind: Secret\nmetadata:\n  labels: {copy: &value abc123}\nstringData:\n  token: *value\n";
  assert.throws(() => maskSecrets(text), (error: unknown) => error instanceof KrevealError && error.code === "INPUT_MALFORMED");
});

test("mask: invalid YAML rejected", () => {
  assert.throws(() => maskSecrets("kind: Secret\ndata: {a: [\n"), (error: unknown) => error instanceof KrevealError && error.code === "INPUT_MALFORMED");
});
