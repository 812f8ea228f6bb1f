import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { parse } from "yaml";

import { isolatedEnv, parseStream, runKreveal } from "../e2e/support.js";
import { tempDir } from "../support/paths.js";
import { transformer, writeApp, writeEncryptedSecrets } from "./support.js";

const plaintext = "db:\n  password: s3cr3t-db\n";

/** The annotations kustomize puts on a generated Secret before it calls a transformer (kustomize v5.5). */
const buildAnnotations = {
  "config.kubernetes.io/index": "0",
  "internal.config.kubernetes.io/index": "0",
  "config.kubernetes.io/path": "secret_app-secret.yaml",
  "internal.config.kubernetes.io/path": "secret_app-secret.yaml",
  "internal.config.kubernetes.io/annotations-migration-resource-id": "0",
  "internal.config.kubernetes.io/generatorBehavior": "unspecified",
  "internal.config.kubernetes.io/needsHashSuffix": "enabled",
  "kustomize.config.k8s.io/needs-hash": "true",
  "kustomize.config.k8s.io/id": "kind: Secret\nname: app-secret\nversion: v1\n",
  "internal.config.kubernetes.io/previousNames": "app-secret",
};

function annotationLines(indent: string): string {
  return Object.entries(buildAnnotations)
    .map(([key, value]) => `${indent}${key}: ${JSON.stringify(value)}`)
    .join("\n");
}

const secret = `apiVersion: v1
kind: Secret
metadata:
  name: app-secret
  annotations:
${annotationLines("    ")}
data:
  password: ${Buffer.from("<sops:secrets.enc.yaml#db.password>").toString("base64")}
`;

const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings # kept comment\ndata:\n  mode: \"0644\"\n";

function indent(text: string, prefix: string): string {
  return text
    .trimEnd()
    .split("\n")
    .map((line, index) => (index === 0 ? line : `${prefix}${line}`))
    .join("\n");
}

function resourceList(items: readonly string[], config = transformer): string {
  const list = items.map((item) => `- ${indent(item, "  ")}`).join("\n");
  return `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${list}\nfunctionConfig:\n  ${indent(config, "  ")}\n`;
}

async function setup(): Promise<{ folder: string; env: Record<string, string> }> {
  const folder = writeApp({});
  const keyFile = await writeEncryptedSecrets(folder, plaintext);
  return { folder, env: isolatedEnv({ SOPS_AGE_KEY_FILE: keyFile }) };
}

function password(resource: Record<string, unknown>): string {
  return Buffer.from((resource.data as { password: string }).password, "base64").toString("utf8");
}

test("fn: resolves items, keeps build annotations", async () => {
  const { folder, env } = await setup();

  const result = runKreveal(["fn"], { cwd: folder, env, input: resourceList([secret, configMap]) });
  assert.equal(result.status, 0, result.stderr);
  const output = parse(result.stdout) as { kind: string; items: Record<string, unknown>[] };

  assert.equal(output.kind, "ResourceList");
  assert.equal(output.items.length, 2);
  const [resolved, settings] = output.items;
  assert.equal(password(resolved), "s3cr3t-db");
  assert.deepEqual((resolved.metadata as { annotations: unknown }).annotations, buildAnnotations);
  assert.deepEqual(settings, parse(configMap));
  assert.match(result.stdout, /name: settings # kept comment/);
});

test("fn: items without placeholders all returned", async () => {
  const { folder, env } = await setup();

  const result = runKreveal(["fn"], { cwd: folder, env, input: resourceList([configMap, configMap.replace("settings", "other"), transformer]) });
  assert.equal(result.status, 0, result.stderr);
  const output = parse(result.stdout) as { items: { metadata: { name: string } }[] };
  assert.deepEqual(
    output.items.map((item) => item.metadata.name),
    ["settings", "other", "resolve"],
  );
});

test("fn: missing key leaves stdout empty", async () => {
  const { folder, env } = await setup();
  const broken = secret.replace(Buffer.from("<sops:secrets.enc.yaml#db.password>").toString("base64"), Buffer.from("<sops:secrets.enc.yaml#db.none>").toString("base64"));

  const result = runKreveal(["fn"], { cwd: folder, env, input: resourceList([broken, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\nstringData:\n  k: <sops:secrets.enc.yaml#db.other>\n"]) });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /Secret\/app-secret: data\.password: .*db\.none.*\[PLACEHOLDER_MISSING\]/);
  assert.match(result.stderr, /Secret\/b: stringData\.k: .*db\.other.*\[PLACEHOLDER_MISSING\]/);
});

test("fn: invalid spec rejected", async () => {
  const { folder, env } = await setup();

  const result = runKreveal(["fn"], { cwd: folder, env, input: resourceList([configMap], `${transformer}  timeoutSeconds: 0\n  token: x\n`) });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /PlaceholderTransformer "resolve": spec\.timeoutSeconds: .*\[CONFIG_INVALID\]/);
  assert.match(result.stderr, /spec\.token: unknown field \[CONFIG_INVALID\]/);
});

function writeConfig(text: string): string {
  const file = path.join(tempDir("kreveal-config-"), "transformer.yaml");
  writeFileSync(file, text);
  return file;
}

test("legacy: resolves the stdin stream", async () => {
  const { folder, env } = await setup();

  const result = runKreveal(["legacy", writeConfig(transformer)], { cwd: folder, env, input: `${secret}---\n${configMap}` });
  assert.equal(result.status, 0, result.stderr);
  const resources = parseStream(result.stdout);

  assert.equal(resources.length, 2);
  const [resolved, settings] = resources;
  assert.equal(password(resolved), "s3cr3t-db");
  assert.deepEqual((resolved.metadata as { annotations: unknown }).annotations, buildAnnotations);
  assert.deepEqual(settings, parse(configMap));
});

test("legacy: missing key leaves stdout empty", async () => {
  const { folder, env } = await setup();

  const result = runKreveal(["legacy", writeConfig(transformer)], {
    cwd: folder,
    env,
    input: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\nstringData:\n  k: <sops:secrets.enc.yaml#db.other>\n",
  });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /Secret\/b: stringData\.k: .*db\.other.*\[PLACEHOLDER_MISSING\]/);
});

test("legacy: empty stream gives empty output", async () => {
  const { folder, env } = await setup();

  const result = runKreveal(["legacy", writeConfig(transformer)], { cwd: folder, env, input: "" });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, "");
});
