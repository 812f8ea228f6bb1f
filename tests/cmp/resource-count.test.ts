import assert from "node:assert/strict";
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { countResources } from "../../plugin/cmp/resource-count.js";
import { KrevealError } from "../../plugin/errors.js";
import { parseYamlStream } from "../../plugin/formats/yaml-read.js";
import { isolatedEnv, parseStream, requireBundle, runKreveal, tempRepo, type RunResult } from "../e2e/support.js";

before(() => {
  requireBundle();
});

function count(text: string): number {
  return countResources(parseYamlStream(text, "test.yaml"), "test output");
}

function countError(text: string): KrevealError {
  try {
    count(text);
  } catch (error) {
    assert.ok(error instanceof KrevealError, String(error));
    return error;
  }
  assert.fail("no error");
}

const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n";

test("count: plain documents", () => {
  assert.equal(count(`${configMap}---\n${configMap}`), 2);
});

test("count: List items", () => {
  const list = `apiVersion: v1\nkind: List\nitems:\n  - ${configMap.trimEnd().split("\n").join("\n    ")}\n  - ${configMap.trimEnd().split("\n").join("\n    ")}\n`;
  assert.equal(count(list), 2);
  assert.equal(count(`${list}---\n${configMap}`), 3);
});

test("count: empty and null lists", () => {
  assert.equal(count("apiVersion: v1\nkind: List\nitems: []\n"), 0);
  assert.equal(count("apiVersion: v1\nkind: ConfigMapList\nitems: []\n"), 0);
  assert.equal(count("apiVersion: v1\nkind: ConfigMapList\nitems: null\n"), 0);
  assert.equal(count("apiVersion: v1\nkind: ConfigMapList\nitems:\n"), 0);
});

test("count: any kind with items", () => {
  // Argo CD flattens every object whose items field is a sequence, whatever its kind.
  assert.equal(count("apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\nitems: []\n"), 0);
});

test("count: null items with spec", () => {
  assert.equal(count("apiVersion: example.com/v1\nkind: Widget\nspec: {}\nitems: null\n"), 1);
  assert.equal(count("apiVersion: example.com/v1\nkind: Widget\nitems: {}\n"), 1);
});

test("count: malformed List items", () => {
  const cases = [
    "items:\n  - just text\n",
    "items:\n  - apiVersion: v1\n    metadata: {}\n",
    "items:\n  - kind: ConfigMap\n",
    "items:\n  - apiVersion: v1\n    kind: 3\n",
  ];
  for (const items of cases) {
    const error = countError(`${configMap}---\napiVersion: v1\nkind: List\nmetadata:\n  name: all\n${items}`);
    assert.equal(error.code, "INPUT_MALFORMED", items);
    assert.equal(error.location, "test output: document 2", items);
    assert.match(error.message, /^items\[0\] of the List "all" is not a Kubernetes object/, items);
  }
});

/** Creates a repository with a plain folder at apps/web containing `files`. */
function plainApp(files: Record<string, string>): string {
  const root = realpathSync.native(tempRepo());
  const app = path.join(root, "apps", "web");
  mkdirSync(app, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    writeFileSync(path.join(app, name), text);
  }
  return app;
}

function generate(app: string, extra: Record<string, string> = {}): RunResult {
  return runKreveal(["cmp", "generate"], { cwd: app, env: isolatedEnv({ ARGOCD_APP_SOURCE_PATH: "apps/web", ARGOCD_APP_NAME: "web", ...extra }) });
}

test("generate: empty List is INPUT_EMPTY", () => {
  const app = plainApp({ "list.yaml": "apiVersion: v1\nkind: List\nitems: []\n" });

  const result = generate(app);
  assert.equal(result.status, 1, result.stderr);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /the directory source produced no resources \(only lists without items.*\[INPUT_EMPTY\]/);
});

test("generate: empty List with allow-empty", () => {
  const app = plainApp({ "list.yaml": "apiVersion: v1\nkind: List\nitems: []\n" });

  const result = generate(app, { ARGOCD_ENV_KREVEAL_ALLOW_EMPTY: "true" });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, "");
});

test("generate: List with items passes", () => {
  const app = plainApp({ "list.yaml": `apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: settings\n` });

  const result = generate(app);
  assert.equal(result.status, 0, result.stderr);
  const kinds = parseStream(result.stdout).map((resource) => [resource.kind, (resource.items as unknown[]).length]);
  assert.deepEqual(kinds, [["List", 1]]);
});

test("generate: List of strings is INPUT_MALFORMED", () => {
  const app = plainApp({ "a.yaml": configMap, "list.yaml": "apiVersion: v1\nkind: List\nitems:\n  - not an object\n" });

  const result = generate(app);
  assert.equal(result.status, 1, result.stderr);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /plain folder manifests: document 2: items\[0\] of the List is not a Kubernetes object .*\[INPUT_MALFORMED\]/);
});
