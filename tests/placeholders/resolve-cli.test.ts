import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";

import { generateX25519Identity, identityToRecipient } from "age-encryption";

import { isolatedEnv, parseStream, runKreveal, tempRepo } from "../e2e/support.js";
import { ageWrapper, writeSops } from "../support/sops-writer.js";

let repo = "";
let env: Record<string, string> = {};

const configMap = (name: string, value: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  value: ${value}\n`;

before(async () => {
  const identity = await generateX25519Identity();
  env = isolatedEnv({ SOPS_AGE_KEY: identity });
  repo = tempRepo();
  const encrypted = await writeSops({
    store: "yaml",
    plaintext: "db:\n  password: \"line1\\n# not: a comment\\n\"\n  user: app\n",
    groups: [[ageWrapper(await identityToRecipient(identity))]],
  });
  writeFileSync(path.join(repo, "values.enc.yaml"), encrypted);

  mkdirSync(path.join(repo, "manifests/nested"), { recursive: true });
  writeFileSync(path.join(repo, "manifests/b.yaml"), configMap("b", "<sops:values.enc.yaml#db.user>"));
  writeFileSync(path.join(repo, "manifests/nested/a.yml"), `${configMap("a1", "one")}---\n${configMap("a2", "two")}`);
  writeFileSync(path.join(repo, "manifests/c.json"), JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { value: "<sops:values.enc.yaml#db.password>" } }));
  writeFileSync(path.join(repo, "manifests/notes.txt"), "not a manifest <sops:values.enc.yaml#db.user>\n");
});

describe("kreveal resolve", () => {
  it("resolves a file", () => {
    writeFileSync(path.join(repo, "one.yaml"), configMap("one", "<sops:values.enc.yaml#db.password>"));
    const result = runKreveal(["resolve", "one.yaml"], { cwd: repo, env });
    assert.equal(result.stderr, "");
    assert.equal(result.status, 0);
    const resources = parseStream(result.stdout);
    assert.equal(resources.length, 1);
    assert.deepEqual(resources[0].data, { value: "line1\n# not: a comment\n" });
  });

  it("resolves a folder in path order", () => {
    const result = runKreveal(["resolve", "manifests"], { cwd: repo, env });
    assert.equal(result.stderr, "");
    assert.equal(result.status, 0);
    const resources = parseStream(result.stdout);
    assert.deepEqual(
      resources.map((resource) => [(resource.metadata as { name: string }).name, (resource.data as { value: string }).value]),
      [
        ["b", "app"],
        ["c", "line1\n# not: a comment\n"],
        ["a1", "one"],
        ["a2", "two"],
      ],
    );
  });

  it("resolves stdin", () => {
    const result = runKreveal(["resolve", "-"], { cwd: repo, env, input: `---\n${configMap("s", "user=<sops:values.enc.yaml#db.user>!")}` });
    assert.equal(result.status, 0);
    assert.deepEqual(parseStream(result.stdout).map((resource) => resource.data), [{ value: "user=app!" }]);
  });

  it("fails on empty stdin", () => {
    const result = runKreveal(["resolve", "-"], { cwd: repo, env, input: "# only a comment\n---\n" });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /INPUT_EMPTY/);
    assert.match(result.stderr, /set -o pipefail/);
  });

  it("lists every missing key", () => {
    const input = [
      configMap("first", "<sops:values.enc.yaml#db.nothere>"),
      configMap("fine", "<sops:values.enc.yaml#db.user>"),
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: second\nstringData:\n  a: <sops:values.enc.yaml#other>\n  b: x<sops:missing.enc.yaml#k>\n",
    ].join("---\n");
    const result = runKreveal(["resolve", "-"], { cwd: repo, env, input });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /ConfigMap\/first: data\.value: <sops:values\.enc\.yaml#db\.nothere> has no value/);
    assert.match(result.stderr, /Secret\/second: stringData\.a: <sops:values\.enc\.yaml#other> has no value/);
    assert.match(result.stderr, /Secret\/second: stringData\.b: <sops:missing\.enc\.yaml#k> has no value/);
    assert.doesNotMatch(result.stderr, /line1|app\b/);
  });

  it("rejects a missing argument", () => {
    const result = runKreveal(["resolve"], { cwd: repo, env });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /USAGE/);
  });
});
