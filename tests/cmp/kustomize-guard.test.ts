import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { parse } from "yaml";

import { checkKustomizationTree, type GuardOptions } from "../../plugin/cmp/kustomize-guard.js";
import { KrevealError, KrevealErrors } from "../../plugin/errors.js";
import { pluginHome, skipWithout } from "../e2e/support.js";
import { tempDir } from "../support/paths.js";

/** The legacy-plugin path trick: kustomize would run /bin/sh with the config file as its script. */
const attackConfig = "apiVersion: ../../../../../../../../../../../../usr/v1\nkind: ../../../bin/sh\nmetadata: {name: x}\nzz: ; . ./payload.txt; exit 0\n";
const builtinLabels = "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: labels}\nlabels: {team: a}\nfieldSpecs: [{path: metadata/labels, create: true}]\n";
const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n";

/** Writes `files` (repository-relative path => content) into a new repository and returns its real root. */
function repository(files: Record<string, string>): string {
  const root = realpathSync(tempDir("kreveal-guard-"));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

function options(root: string, changes: Partial<GuardOptions> = {}): GuardOptions {
  return { appDir: path.join(root, "apps/x"), repoRoot: root, pluginHome, enableExec: false, allowRemoteBases: false, ...changes };
}

/** Runs the guard and returns its problems, an empty list when it passes. */
function problems(root: string, changes: Partial<GuardOptions> = {}): KrevealError[] {
  try {
    checkKustomizationTree(options(root, changes));
    return [];
  } catch (error) {
    if (error instanceof KrevealErrors) {
      return [...error.errors];
    }
    assert.ok(error instanceof KrevealError, String(error));
    return [error];
  }
}

function onlyProblem(root: string, changes: Partial<GuardOptions> = {}): KrevealError {
  const found = problems(root, changes);
  assert.equal(found.length, 1, found.map((problem) => problem.describe()).join("\n"));
  const [problem] = found;
  return problem;
}

test("path trick in a generator file is rejected", () => {
  const root = repository({ "apps/x/kustomization.yaml": "generators: [gen.yaml]\n", "apps/x/gen.yaml": attackConfig, "apps/x/payload.txt": "id\n" });
  const problem = onlyProblem(root);

  assert.equal(problem.code, "CONFIG_INVALID");
  assert.equal(problem.location, "apps/x/kustomization.yaml: generators[0] (apps/x/gen.yaml)");
  assert.match(problem.message, /names the plugin \.\.\/\.\.\/.*usr\/v1 \.\.\/\.\.\/\.\.\/bin\/sh, which is not a kreveal or kustomize builtin plugin/);
  assert.ok(!problem.describe().includes("payload"), "the message repeats the config's content");
});

test("each plugin field is checked", () => {
  const root = repository({
    "apps/x/kustomization.yaml": "generators: [ok.yaml, ok.yaml, bad.yaml]\ntransformers: [bad.yaml]\nvalidators: [ok.yaml, bad.yaml]\n",
    "apps/x/ok.yaml": builtinLabels,
    "apps/x/bad.yaml": attackConfig,
  });
  const locations = problems(root).map((problem) => problem.location);

  assert.deepEqual(locations, [
    "apps/x/kustomization.yaml: generators[2] (apps/x/bad.yaml)",
    "apps/x/kustomization.yaml: transformers[0] (apps/x/bad.yaml)",
    "apps/x/kustomization.yaml: validators[1] (apps/x/bad.yaml)",
  ]);
});

test("inline configs are checked", () => {
  const bad = repository({ "apps/x/kustomization.yaml": `transformers:\n- |\n${indent(attackConfig)}` });
  assert.equal(onlyProblem(bad).location, "apps/x/kustomization.yaml: transformers[0] (inline)");

  const flow = repository({ "apps/x/kustomization.yaml": 'generators:\n- \'{"apiVersion":"../../usr/v1","kind":"../../bin/sh"}\'\n' });
  assert.equal(onlyProblem(flow).code, "CONFIG_INVALID");

  const good = repository({ "apps/x/kustomization.yaml": `transformers:\n- |\n${indent(builtinLabels)}` });
  assert.deepEqual(problems(good), []);
});

test("field names match without case", () => {
  const root = repository({ "apps/x/kustomization.yaml": "GENERATORS: [gen.yaml]\n", "apps/x/gen.yaml": attackConfig });
  assert.equal(onlyProblem(root).location, "apps/x/kustomization.yaml: generators[0] (apps/x/gen.yaml)");
});

test("bases, resources and components are walked", () => {
  const root = repository({
    "apps/x/kustomization.yaml": "resources: [../../base, deployment.yaml]\ncomponents: [../../component]\n",
    "apps/x/deployment.yaml": configMap,
    "base/kustomization.yaml": "resources: [nested]\n",
    "base/nested/kustomization.yml": "generators: [gen.yaml]\n",
    "base/nested/gen.yaml": attackConfig,
    "component/Kustomization": "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\ntransformers: [t.yaml]\n",
    "component/t.yaml": attackConfig,
  });
  const locations = problems(root).map((problem) => problem.location);

  assert.deepEqual(locations, [
    "base/nested/kustomization.yml: generators[0] (base/nested/gen.yaml)",
    "component/Kustomization: transformers[0] (component/t.yaml)",
  ]);
});

test("config folder with resources passes", () => {
  const root = repository({
    "apps/x/kustomization.yaml": "resources: [cm.yaml]\ntransformers: [configs]\n",
    "apps/x/cm.yaml": configMap,
    "apps/x/configs/kustomization.yaml": "namePrefix: team-\nlabels: [{pairs: {a: b}}]\nresources: [labels.yaml, more]\n",
    "apps/x/configs/labels.yaml": builtinLabels,
    "apps/x/configs/more/kustomization.yaml": "resources: [bad.yaml]\n",
    "apps/x/configs/more/bad.yaml": attackConfig,
  });

  assert.equal(onlyProblem(root).location, "apps/x/configs/more/kustomization.yaml: resources[0] (apps/x/configs/more/bad.yaml)");
});

test("config folder fields that rewrite configs are rejected", () => {
  const forbidden = {
    patches: "patches: [{patch: '[{\"op\": \"replace\", \"path\": \"/kind\", \"value\": \"x\"}]', target: {kind: LabelTransformer}}]",
    replacements: "replacements: []",
    generators: "generators: []",
    components: "components: []",
    configMapGenerator: "configMapGenerator: []",
    PatchesJson6902: "PatchesJson6902: []",
  };
  for (const [field, line] of Object.entries(forbidden)) {
    const root = repository({
      "apps/x/kustomization.yaml": "generators: [configs]\n",
      "apps/x/configs/kustomization.yaml": `resources: [labels.yaml]\n${line}\n`,
      "apps/x/configs/labels.yaml": builtinLabels,
    });
    const problem = onlyProblem(root);
    assert.equal(problem.location, `apps/x/configs/kustomization.yaml: ${field}`, field);
    assert.match(problem.message, /could change a plugin config after kreveal checked it/, field);
  }

  const labelFields = repository({
    "apps/x/kustomization.yaml": "generators: [configs]\n",
    "apps/x/configs/kustomization.yaml": "resources: [labels.yaml]\nlabels: [{pairs: {kind: x}, fields: [{path: kind}]}]\n",
    "apps/x/configs/labels.yaml": builtinLabels,
  });
  assert.equal(onlyProblem(labelFields).location, "apps/x/configs/kustomization.yaml: labels[0].fields");
});

test("remote references need the operator's consent", () => {
  const remotes = [
    "https://github.com/org/repo//base?ref=v1",
    "github.com/org/repo/base",
    "git@github.com:org/repo.git",
    "git::https://git.example/org/repo",
    "ssh://git@git.example/org/repo",
  ];
  for (const remote of remotes) {
    const root = repository({ "apps/x/kustomization.yaml": `resources: ['${remote}']\ngenerators: ['${remote}']\n` });
    const found = problems(root);
    assert.deepEqual(found.map((problem) => problem.location), ["apps/x/kustomization.yaml: resources[0]", "apps/x/kustomization.yaml: generators[0]"], remote);
    assert.match(found[0]?.message ?? "", /is a remote reference, and kreveal cannot check the plugin configs in a remote base/);
    assert.ok(found[0]?.message.includes(remote), remote);
    assert.match(found[0]?.fix ?? "", /KREVEAL_CMP_ALLOW_REMOTE_BASES=true/);

    assert.deepEqual(problems(root, { allowRemoteBases: true }), [], remote);
  }
});

test("config folder never lists remote files", () => {
  const root = repository({
    "apps/x/kustomization.yaml": "generators: [configs]\n",
    "apps/x/configs/kustomization.yaml": "resources: ['https://example.com/gen.yaml']\n",
  });
  assert.match(onlyProblem(root, { allowRemoteBases: true }).message, /may list only local files and folders/);
});

test("a local folder named like github.com counts as remote", () => {
  const root = repository({ "apps/x/kustomization.yaml": "resources: [github.com/org/repo]\n", "apps/x/github.com/org/repo/kustomization.yaml": "resources: []\n" });
  assert.match(onlyProblem(root).message, /remote reference/);
});

test("missing plugin entry is FILE_NOT_FOUND", () => {
  const root = repository({ "apps/x/kustomization.yaml": "generators: [nowhere.yaml]\n" });
  const problem = onlyProblem(root, { allowRemoteBases: true });
  assert.equal(problem.code, "FILE_NOT_FOUND");
  assert.equal(problem.location, "apps/x/kustomization.yaml: generators[0]");
});

test("missing resource is left to kustomize", () => {
  const root = repository({ "apps/x/kustomization.yaml": "resources: [nowhere.yaml, ../gone]\n" });
  assert.deepEqual(problems(root), []);
});

test("symlinked folder out of the repository", () => {
  const outside = repository({ "kustomization.yaml": "generators: [gen.yaml]\n", "gen.yaml": attackConfig });
  const root = repository({ "apps/x/kustomization.yaml": "resources: [linked]\n" });
  symlinkSync(outside, path.join(root, "apps/x/linked"));

  const problem = onlyProblem(root);
  assert.equal(problem.code, "PATH_OUTSIDE_ROOT");
  assert.equal(problem.location, "apps/x/kustomization.yaml: resources[0]");

  const upward = repository({ "apps/x/kustomization.yaml": "generators: [../../../gen.yaml]\n" });
  assert.equal(onlyProblem(upward).code, "PATH_OUTSIDE_ROOT");
});

test("kreveal and ksops configs are allowed", () => {
  const root = repository({
    "apps/x/kustomization.yaml": "generators: [secret.yaml, ksops.yaml]\n",
    "apps/x/secret.yaml": "apiVersion: kreveal.dev/v1alpha1\nkind: SecretGenerator\nmetadata: {name: db}\nenvs: [db.enc.env]\n",
    "apps/x/ksops.yaml": "apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata: {name: k}\nfiles: [secret.enc.yaml]\n",
  });
  assert.deepEqual(problems(root), []);
});

test("near misses of allowed plugins are rejected", () => {
  const configs = [
    "apiVersion: kreveal.dev/v1alpha1\nkind: Unknown\n",
    "apiVersion: kreveal.dev/v1alpha1\nkind: secretgenerator\n",
    "apiVersion: /builtin\nkind: LabelTransformer\n",
    "apiVersion: builtin\nkind: ../LabelTransformer\n",
    "apiVersion: kreveal.dev/v1alpha1/../../viaduct.ai/v1\nkind: ksops\n",
    "apiVersion: 7\nkind: SecretGenerator\n",
    "kind: SecretGenerator\n",
    "- apiVersion: builtin\n  kind: LabelTransformer\n",
  ];
  for (const config of configs) {
    const root = repository({ "apps/x/kustomization.yaml": "generators: [gen.yaml]\n", "apps/x/gen.yaml": config });
    assert.equal(onlyProblem(root).code, "CONFIG_INVALID", config);
  }
});

test("KRM function configs need exec enabled", () => {
  const fn = "apiVersion: viaduct.ai/v1\nkind: ksops\nmetadata:\n  name: k\n  annotations:\n    config.kubernetes.io/function: |\n      exec:\n        path: ksops\n";
  const root = repository({ "apps/x/kustomization.yaml": "generators: [fn.yaml]\n", "apps/x/fn.yaml": fn });
  assert.match(onlyProblem(root).message, /KREVEAL_CMP_ENABLE_EXEC=true/);
  assert.deepEqual(problems(root, { enableExec: true }), []);

  const container = "apiVersion: example.com/v1\nkind: Fn\nmetadata:\n  name: c\n  annotations:\n    config.kubernetes.io/container: example.com/image\n";
  const containerRoot = repository({ "apps/x/kustomization.yaml": "transformers: [fn.yaml]\n", "apps/x/fn.yaml": container });
  assert.equal(onlyProblem(containerRoot).code, "CONFIG_INVALID");
  assert.deepEqual(problems(containerRoot, { enableExec: true }), []);
});

test("path trick is rejected with exec enabled", () => {
  const withAnnotation = attackConfig.replace("metadata: {name: x}", "metadata: {name: x, annotations: {config.kubernetes.io/function: 'exec: {path: x}'}}");
  for (const config of [attackConfig, withAnnotation]) {
    const root = repository({ "apps/x/kustomization.yaml": "generators: [gen.yaml]\n", "apps/x/gen.yaml": config });
    assert.match(onlyProblem(root, { enableExec: true }).message, /not a kreveal or kustomize builtin plugin/);
  }
});

test("every document and List item is a config", () => {
  const list = `apiVersion: v1\nkind: List\nitems:\n- ${indent(builtinLabels).trimStart()}- apiVersion: ../../usr/v1\n  kind: ../../bin/sh\n`;
  const root = repository({
    "apps/x/kustomization.yaml": "transformers: [many.yaml, list.yaml]\n",
    "apps/x/many.yaml": `${builtinLabels}---\n${attackConfig}`,
    "apps/x/list.yaml": list,
  });
  const locations = problems(root).map((problem) => problem.location);

  assert.deepEqual(locations, [
    "apps/x/kustomization.yaml: transformers[0] (apps/x/many.yaml, document 2)",
    "apps/x/kustomization.yaml: transformers[1] (apps/x/list.yaml).items[1]",
  ]);
});

test("aliases resolve, merge keys are rejected", () => {
  const alias = "apiVersion: &v builtin\nkind: LabelTransformer\nmetadata: {name: *v}\nlabels: {a: b}\nfieldSpecs: [{path: metadata/labels, create: true}]\n";
  const merge = "base: &b {apiVersion: ../../usr/v1, kind: ../../bin/sh}\n<<: *b\nmetadata: {name: m}\n";
  const root = repository({ "apps/x/kustomization.yaml": "generators: [alias.yaml, merge.yaml]\n", "apps/x/alias.yaml": alias, "apps/x/merge.yaml": merge });

  const problem = onlyProblem(root);
  assert.equal(problem.location, "apps/x/kustomization.yaml: generators[1] (apps/x/merge.yaml)");
  assert.match(problem.message, /merge key/);
});

test("unparseable kustomization is INPUT_MALFORMED", () => {
  const root = repository({ "apps/x/kustomization.yaml": "generators: [a.yaml\nsecret: hunter2\n" });
  const problem = onlyProblem(root);
  assert.equal(problem.code, "INPUT_MALFORMED");
  assert.equal(problem.location, "apps/x/kustomization.yaml");
  assert.ok(!problem.describe().includes("hunter2"));
});

test("odd apiVersion is quoted and cut", () => {
  const long = `x${"\\n".repeat(5)}${"a".repeat(300)}`;
  const root = repository({ "apps/x/kustomization.yaml": "generators: [gen.yaml]\n", "apps/x/gen.yaml": `apiVersion: "${long}"\nkind: K\n` });
  const message = onlyProblem(root).message;
  assert.ok(!message.includes("\n"));
  assert.ok(message.length < 400, `${message.length} characters`);
});

const kubectlSkip = skipWithout("kubectl");

test("builtin transformers still work under kubectl kustomize", { skip: kubectlSkip }, () => {
  const patch = "apiVersion: builtin\nkind: PatchTransformer\nmetadata: {name: patch}\npatch: '[{\"op\": \"replace\", \"path\": \"/data/mode\", \"value\": \"slow\"}]'\ntarget: {kind: ConfigMap}\n";
  const root = repository({
    "apps/x/kustomization.yaml": "resources: [cm.yaml]\ntransformers: [labels.yaml, patch.yaml]\n",
    "apps/x/cm.yaml": configMap,
    "apps/x/labels.yaml": builtinLabels,
    "apps/x/patch.yaml": patch,
  });
  assert.deepEqual(problems(root), []);

  const run = spawnSync("kubectl", ["kustomize", "--enable-alpha-plugins", path.join(root, "apps/x")], { encoding: "utf8", env: { PATH: process.env.PATH, KUSTOMIZE_PLUGIN_HOME: pluginHome } });
  assert.equal(run.status, 0, run.stderr);
  const output = parse(run.stdout) as { metadata: { labels: Record<string, string> }; data: Record<string, string> };
  assert.equal(output.metadata.labels.team, "a");
  assert.equal(output.data.mode, "slow");
});

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, "  ");
}
