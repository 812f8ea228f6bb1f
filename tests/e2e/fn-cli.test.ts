import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { parse } from "yaml";

import { isolatedEnv, runKreveal, secretData, tempRepo } from "./support.js";

/** A ResourceList as kustomize sends it to a generator: the config as functionConfig and as the only item. */
function kustomizeInput(config: string): string {
  const indented = (prefix: string) =>
    config
      .trimEnd()
      .split("\n")
      .map((line, index) => (index === 0 ? line : `${prefix}${line}`))
      .join("\n");
  return `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- ${indented("  ")}
functionConfig:
  ${indented("  ")}
`;
}

function appFolder(files: Record<string, string> = {}): string {
  const folder = path.join(tempRepo(), "app");
  mkdirSync(folder);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(folder, name), content);
  }
  return folder;
}

interface Output {
  kind: string;
  items: Record<string, unknown>[];
}

test("kreveal fn: generates from functionConfig", () => {
  const folder = appFolder({ "app.env": "A=1\n" });
  const input = kustomizeInput(`apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
  annotations:
    config.kubernetes.io/local-config: 'true'
    internal.config.kubernetes.io/id: '1'
envs: [app.env]
`);
  const result = runKreveal(["fn"], { cwd: folder, env: isolatedEnv(), input });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stderr, "");

  const output = parse(result.stdout) as Output;
  assert.equal(output.kind, "ResourceList");
  assert.equal(output.items.length, 1);
  const [secret] = output.items;
  assert.equal(secret.kind, "Secret");
  assert.deepEqual(secretData(secret), { A: "1" });
  assert.deepEqual(secret.metadata, { name: "app-secret", annotations: { "kustomize.config.k8s.io/needs-hash": "true" } });
});

test("kreveal fn: other items kept as they came", () => {
  const folder = appFolder();
  const input = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: v1
  kind: Secret
  metadata:
    name: base # from a base
    annotations:
      internal.config.kubernetes.io/needsHashSuffix: enabled
      internal.config.kubernetes.io/previousNames: 'base,'
      config.kubernetes.io/index: '0'
  data:
    mode: 0644
    n: 1.50
functionConfig:
  apiVersion: kreveal.dev/v1alpha1
  kind: SecretGenerator
  metadata: {name: extra}
  literals: [k=v]
`;
  const result = runKreveal(["fn"], { cwd: folder, env: isolatedEnv(), input });
  assert.equal(result.status, 0, result.stderr);
  const expectedItem = `- apiVersion: v1
    kind: Secret
    metadata:
      name: base # from a base
      annotations:
        internal.config.kubernetes.io/needsHashSuffix: enabled
        internal.config.kubernetes.io/previousNames: 'base,'
        config.kubernetes.io/index: '0'
    data:
      mode: 0644
      "n": 1.50
`;
  // The key n is quoted because YAML 1.1 reads a plain n as false.
  assert.ok(result.stdout.includes(expectedItem), result.stdout);
  assert.deepEqual(
    (parse(result.stdout) as Output).items.map((item) => (item.metadata as { name: string }).name),
    ["base", "extra"],
  );
});

test("kreveal fn: output safe for YAML 1.1", () => {
  const input = kustomizeInput(`apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: "yes"
type: "on"
literals: ["y=n"]
options:
  labels: {a: "N", b: "0123", c: "1e3", d: "off"}
  annotations: {"y": "Y"}
`);
  const result = runKreveal(["fn"], { cwd: appFolder(), env: isolatedEnv(), input });
  assert.equal(result.status, 0, result.stderr);

  const [secret] = (parse(result.stdout, { version: "1.1" }) as Output).items;
  assert.equal(secret.type, "on");
  assert.deepEqual(secret.metadata, {
    name: "yes",
    labels: { a: "N", b: "0123", c: "1e3", d: "off" },
    annotations: { y: "Y", "kustomize.config.k8s.io/needs-hash": "true" },
  });
});

test("kreveal fn: empty stdin", () => {
  const result = runKreveal(["fn"], { cwd: appFolder(), env: isolatedEnv(), input: "" });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /the input was empty/);
  assert.match(result.stderr, /\[INPUT_EMPTY\]/);
});

test("kreveal fn: no functionConfig", () => {
  const result = runKreveal(["fn"], { cwd: appFolder(), env: isolatedEnv(), input: "kind: ResourceList\nitems: []\n" });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /no functionConfig/);
});

test("kreveal fn: every problem on its own line", () => {
  const input = kustomizeInput(`apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
files: [nope.txt]
literals: [PASSWORD=hunter2, PASSWORD=again]
optionz: {}
`);
  const result = runKreveal(["fn"], { cwd: appFolder(), env: isolatedEnv(), input });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");

  const problems = result.stderr.split("\n").filter((line) => line.startsWith("kreveal: ") || line.startsWith("SecretGenerator"));
  assert.equal(problems.length, 1, result.stderr);
  assert.match(problems[0] ?? "", /optionz: unknown field/);
  assert.doesNotMatch(result.stderr, /hunter2/);
});

test("kreveal fn: data problems listed together", () => {
  const input = kustomizeInput(`apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
files: [nope.txt, /etc/passwd]
literals: [PASSWORD=hunter2, PASSWORD=again]
`);
  const result = runKreveal(["fn"], { cwd: appFolder(), env: isolatedEnv(), input });
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");

  const problems = result.stderr.split("\n").filter((line) => /SecretGenerator "app-secret": /.test(line));
  assert.equal(problems.length, 3, result.stderr);
  assert.match(result.stderr, /files\[0\] "nope\.txt": no such file \[FILE_NOT_FOUND\]/);
  assert.match(result.stderr, /files\[1\] "\/etc\/passwd": is an absolute path.*\[PATH_OUTSIDE_ROOT\]/);
  assert.match(result.stderr, /literals\[1\]: key "PASSWORD" is already set by literals\[0\]/);
  assert.doesNotMatch(result.stderr, /hunter2/);
});

test("kreveal fn: paths from the cwd, not PWD", () => {
  const folder = appFolder({ "a.txt": "from cwd" });
  const elsewhere = appFolder({ "a.txt": "from PWD" });
  const input = kustomizeInput(`apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: s
files: [a.txt]
`);
  const result = runKreveal(["fn"], { cwd: folder, env: isolatedEnv({ PWD: elsewhere }), input });
  assert.equal(result.status, 0, result.stderr);
  const [secret] = (parse(result.stdout) as Output).items;
  assert.deepEqual(secretData(secret), { "a.txt": "from cwd" });
});

test("kreveal fn: KREVEAL_REPO_ROOT limits inputs", () => {
  const folder = appFolder({ "a.txt": "x" });
  writeFileSync(path.join(path.dirname(folder), "top.txt"), "y");
  const input = kustomizeInput(`apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: s
files: [a.txt, ../top.txt]
`);
  const inside = runKreveal(["fn"], { cwd: folder, env: isolatedEnv(), input });
  assert.equal(inside.status, 0, inside.stderr);

  const limited = runKreveal(["fn"], { cwd: folder, env: isolatedEnv({ KREVEAL_REPO_ROOT: folder }), input });
  assert.equal(limited.status, 1);
  assert.match(limited.stderr, /files\[1\] "\.\.\/top\.txt": leaves the repository root/);
});
