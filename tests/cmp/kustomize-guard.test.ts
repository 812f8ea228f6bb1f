import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { parse, parseAllDocuments } from "yaml";

import { inlineResourceProblem } from "../../plugin/cmp/inline-resources.js";
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

test("generator file path trick rejected", () => {
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

test("root folder named ..shared is inside", () => {
  const root = repository({
    "apps/x/kustomization.yaml": "resources: [../../..shared]\n",
    "..shared/kustomization.yaml": "resources: [cm.yaml]\n",
    "..shared/cm.yaml": configMap,
  });

  assert.deepEqual(problems(root), []);
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

test("config-rewriting folder fields rejected", () => {
  const forbidden = {
    patches: "patches: [{patch: '[{\"op\": \"replace\", \"path\": \"/kind\", \"value\": \"x\"}]', target: {kind: LabelTransformer}}]",
    replacements: "replacements: []",
    generators: "generators: []",
    components: "components: []",
    configMapGenerator: "configMapGenerator: []",
    PatchesJson6902: "PatchesJson6902: []",
    commonAnnotations: "commonAnnotations: {config.kubernetes.io/function: 'container: {image: example.invalid/x:1}'}",
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

test("local github.com folder counts as remote", () => {
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

test("near misses of allowed plugins rejected", () => {
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

test("path trick rejected with exec enabled", () => {
  const withAnnotation = attackConfig.replace("metadata: {name: x}", "metadata: {name: x, annotations: {config.kubernetes.io/function: 'exec: {path: x}'}}");
  for (const config of [attackConfig, withAnnotation]) {
    const root = repository({ "apps/x/kustomization.yaml": "generators: [gen.yaml]\n", "apps/x/gen.yaml": config });
    assert.match(onlyProblem(root, { enableExec: true }).message, /not a kreveal or kustomize builtin plugin/);
  }
});

test("each document and List item checked", () => {
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

test("anchors, aliases, merge keys rejected", () => {
  const alias = "apiVersion: &v builtin\nkind: LabelTransformer\nmetadata: {name: *v}\nlabels: {a: b}\nfieldSpecs: [{path: metadata/labels, create: true}]\n";
  const merge = "<<: {apiVersion: ../../usr/v1, kind: ../../bin/sh}\nmetadata: {name: m}\n";
  const root = repository({ "apps/x/kustomization.yaml": "generators: [alias.yaml, merge.yaml]\n", "apps/x/alias.yaml": alias, "apps/x/merge.yaml": merge });
  const found = problems(root);
  assert.equal(found.length, 2, found.map((problem) => problem.describe()).join("\n"));
  const [anchor, mergeKey] = found;

  assert.equal(anchor.location, "apps/x/alias.yaml");
  assert.match(anchor.message, /YAML anchor \(&\) at line 1, column 13/);
  assert.equal(mergeKey.location, "apps/x/kustomization.yaml: generators[1] (apps/x/merge.yaml)");
  assert.match(mergeKey.message, /merge key/);
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

test("builtin transformers work under kubectl", { skip: kubectlSkip }, () => {
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

test("inline entry naming file checks file", () => {
  const flow = "{apiVersion: builtin, kind: LabelTransformer}";
  const flowRoot = repository({ "apps/x/kustomization.yaml": `generators:\n- "${flow}"\n`, [`apps/x/${flow}`]: attackConfig });
  const flowProblem = onlyProblem(flowRoot);
  assert.equal(flowProblem.location, `apps/x/kustomization.yaml: generators[0] (apps/x/${flow})`);
  assert.match(flowProblem.message, /not a kreveal or kustomize builtin plugin/);

  const block = "apiVersion: builtin\nkind: LabelTransformer\n";
  const blockRoot = repository({ "apps/x/kustomization.yaml": `transformers:\n- |\n${indent(block)}`, [`apps/x/${block}`]: attackConfig });
  const blockProblem = onlyProblem(blockRoot);
  assert.equal(blockProblem.location, `apps/x/kustomization.yaml: transformers[0] (${JSON.stringify(`apps/x/${block}`)})`);
  assert.ok(!blockProblem.describe().includes("\nkind"), "the location carries a raw newline");
});

test("valid inline entry naming file checks both", () => {
  const inline = "{apiVersion: builtin, kind: LabelTransformer, metadata: {name: l}, labels: {a: b}}";
  const root = repository({ "apps/x/kustomization.yaml": `transformers:\n- "${inline}"\n`, [`apps/x/${inline}`]: attackConfig });
  assert.equal(onlyProblem(root).location, `apps/x/kustomization.yaml: transformers[0] (apps/x/${inline})`);

  const folder = repository({
    "apps/x/kustomization.yaml": `transformers:\n- "${inline}"\n`,
    [`apps/x/${inline}/kustomization.yaml`]: "resources: [gen.yaml]\n",
    [`apps/x/${inline}/gen.yaml`]: attackConfig,
  });
  assert.match(onlyProblem(folder).location ?? "", /resources\[0\]/);
});

test("long inline config passes", () => {
  const inline = `{apiVersion: builtin, kind: AnnotationsTransformer, metadata: {name: a}, annotations: {note: ${"x".repeat(300)}}, fieldSpecs: [{path: metadata/annotations, create: true}]}`;
  const root = repository({ "apps/x/kustomization.yaml": `transformers:\n- "${inline}"\n` });
  assert.deepEqual(problems(root), []);
});

test("inline entry read as path", () => {
  const cases = [
    "{apiVersion: builtin, kind: LabelTransformer}",
    "{apiVersion: builtin, kind: LabelTransformer, metadata: {name: ''}}",
    "{apiVersion: builtin, kind: LabelTransformer, metadata: {name: l, labels: [a]}}",
    "{apiVersion: builtin, kind: LabelTransformer, metadata: {name: l}, fieldSpecs: [~]}",
  ];
  for (const entry of cases) {
    const root = repository({ "apps/x/kustomization.yaml": `generators:\n- "${entry}"\n` });
    const problem = onlyProblem(root);
    assert.equal(problem.code, "CONFIG_INVALID", entry);
    assert.match(problem.message, /does not accept the inline plugin config as a resource \(.+\), so it would read the entry as a file name/, entry);
  }
});

test("inline resource rules", () => {
  const config = { apiVersion: "builtin", kind: "LabelTransformer", metadata: { name: "l" } };
  assert.equal(inlineResourceProblem([config]), undefined);
  assert.equal(inlineResourceProblem([config, {}, null, []]), undefined);
  assert.equal(inlineResourceProblem([{ apiVersion: "v1", kind: "ConfigMapList", items: [config, {}] }]), undefined);

  assert.match(inlineResourceProblem(["plain"]) ?? "", /not a YAML map/);
  assert.match(inlineResourceProblem([[config]]) ?? "", /not a YAML map/);
  assert.match(inlineResourceProblem([config, "x"]) ?? "", /^document 2: not a YAML map|^document 2: it is not a YAML map/);
  assert.match(inlineResourceProblem([{ kind: "LabelTransformer", metadata: { name: "l" } }]) ?? "", /apiVersion/);
  assert.match(inlineResourceProblem([{ apiVersion: "builtin", metadata: { name: "l" } }]) ?? "", /kind/);
  assert.match(inlineResourceProblem([{ apiVersion: "builtin", kind: "K", metadata: { name: 5 } }]) ?? "", /metadata\.name/);
  assert.match(inlineResourceProblem([{ apiVersion: "builtin", kind: "K", metadata: "x" }]) ?? "", /metadata is not a map/);
  assert.match(inlineResourceProblem([{ apiVersion: "builtin", kind: "K", metadata: { name: "l", annotations: { a: {} } } }]) ?? "", /annotations/);
  assert.match(inlineResourceProblem([{ ...config, data: [1, null] }]) ?? "", /empty item/);
  assert.match(inlineResourceProblem([{ apiVersion: "v1", kind: "List", items: 5 }]) ?? "", /items is not a list/);
  assert.match(inlineResourceProblem([{ apiVersion: "v1", kind: "List", items: [{ apiVersion: "v1", kind: "K" }] }]) ?? "", /^items\[0\]: metadata\.name/);
});

test("helm fields are rejected", () => {
  const fields = {
    helmCharts: "helmCharts: [{name: x, releaseName: r}]",
    HELMGLOBALS: "HELMGLOBALS: {chartHome: charts}",
    helmChartInflationGenerator: "helmChartInflationGenerator: [{chartName: x}]",
  };
  for (const [field, line] of Object.entries(fields)) {
    const root = repository({ "apps/x/kustomization.yaml": "resources: [../../base]\n", "base/kustomization.yaml": `${line}\n` });
    const problem = onlyProblem(root);
    assert.equal(problem.location, `base/kustomization.yaml: ${field}`, field);
    assert.match(problem.message, /makes kustomize run helm/, field);
    assert.match(problem.fix ?? "", /Helm source/, field);
  }

  const configFolder = repository({
    "apps/x/kustomization.yaml": "generators: [configs]\n",
    "apps/x/configs/kustomization.yaml": "resources: [labels.yaml]\nhelmCharts: [{name: x}]\n",
    "apps/x/configs/labels.yaml": builtinLabels,
  });
  assert.match(onlyProblem(configFolder).message, /makes kustomize run helm/);
});

test("helm builtin is rejected", () => {
  const helm = "apiVersion: builtin\nkind: HelmChartInflationGenerator\nmetadata: {name: h}\nname: x\nrepo: http://127.0.0.1:9/charts\n";
  const withFunction = helm.replace("metadata: {name: h}", "metadata: {name: h, annotations: {config.kubernetes.io/function: 'exec: {path: x}'}}");
  for (const config of [helm, withFunction]) {
    const root = repository({ "apps/x/kustomization.yaml": `generators: [helm.yaml]\ntransformers:\n- |\n${indent(config)}`, "apps/x/helm.yaml": config });
    const found = problems(root, { enableExec: true });
    assert.equal(found.length, 2, found.map((problem) => problem.describe()).join("\n"));
    for (const problem of found) {
      assert.match(problem.message, /builtin HelmChartInflationGenerator, which runs helm/);
      assert.match(problem.fix ?? "", /Helm source/);
    }
  }
});

test("only listed builtin kinds pass", () => {
  const allowed = ["AnnotationsTransformer", "ConfigMapGenerator", "HashTransformer", "IAMPolicyGenerator", "ImageTagTransformer", "LabelTransformer", "NamespaceTransformer", "PatchJson6902Transformer", "PatchStrategicMergeTransformer", "PatchTransformer", "PrefixTransformer", "SuffixTransformer", "PrefixSuffixTransformer", "ReplacementTransformer", "ReplicaCountTransformer", "SecretGenerator", "SortOrderTransformer", "ValueAddTransformer"];
  for (const kind of allowed) {
    const root = repository({ "apps/x/kustomization.yaml": "transformers: [t.yaml]\n", "apps/x/t.yaml": `apiVersion: builtin\nkind: ${kind}\nmetadata: {name: t}\n` });
    assert.deepEqual(problems(root), [], kind);
  }

  for (const kind of ["LegacyOrderTransformer", "InventoryTransformer", "Unknown", "labeltransformer"]) {
    const root = repository({ "apps/x/kustomization.yaml": "transformers: [t.yaml]\n", "apps/x/t.yaml": `apiVersion: builtin\nkind: ${kind}\nmetadata: {name: t}\n` });
    assert.match(onlyProblem(root).message, /not one of the kustomize builtins that the sidecar runs/, kind);
  }
});

test("remote-like local folders walked", () => {
  for (const name of ["evil@x", "a://b", "gh:x", "git@local", "github.com/org/repo"]) {
    const folder = path.posix.normalize(`apps/x/${name}`);
    const base = repository({
      "apps/x/kustomization.yaml": `resources: ['${name}']\n`,
      [`${folder}/kustomization.yaml`]: "generators: [gen.yaml]\n",
      [`${folder}/gen.yaml`]: attackConfig,
    });
    const walked = `${folder}/kustomization.yaml: generators[0] (${folder}/gen.yaml)`;
    assert.deepEqual(problems(base, { allowRemoteBases: true }).map((problem) => problem.location), [walked], name);
    const strict = problems(base);
    assert.deepEqual(strict.map((problem) => problem.location), [walked, "apps/x/kustomization.yaml: resources[0]"], name);
    assert.match(strict[1]?.message ?? "", /is a remote reference/, name);

    const configs = repository({
      "apps/x/kustomization.yaml": `generators: ['${name}']\n`,
      [`${folder}/kustomization.yaml`]: "resources: [gen.yaml]\n",
      [`${folder}/gen.yaml`]: attackConfig,
    });
    assert.deepEqual(problems(configs, { allowRemoteBases: true }).map((problem) => problem.location), [`${folder}/kustomization.yaml: resources[0] (${folder}/gen.yaml)`], name);
  }
});

test("inline reading never misses the file", { skip: kubectlSkip }, () => {
  const entries = [
    "{apiVersion: builtin, kind: LabelTransformer}",
    "{apiVersion: builtin, kind: ConfigMapGenerator, metadata: {name: inline}, literals: [c=d]}",
    "{apiVersion: builtin, kind: ConfigMapGenerator, metadata: {name: ''}}",
    "{apiVersion: builtin, kind: ConfigMapGenerator, metadata: {name: inline, labels: [a]}, literals: [c=d]}",
    "{apiVersion: builtin, kind: ConfigMapGenerator, metadata: {name: inline}, literals: [c=d, ~]}",
    "[{apiVersion: builtin, kind: ConfigMapGenerator, metadata: {name: inline}, literals: [c=d]}]",
    "apiVersion: builtin\nkind: ConfigMapGenerator\n",
    "{apiVersion: builtin, kind: ConfigMapGenerator, metadata: {name: inline}, literals: [c=d]}\n---\nx\n",
    "{apiVersion: v1, kind: ConfigMapList, items: [{kind: X}]}",
  ];
  const fileConfig = "apiVersion: builtin\nkind: ConfigMapGenerator\nmetadata: {name: from-file}\nliterals: [a=b]\n";
  const readings: boolean[] = [];
  for (const entry of entries) {
    const root = repository({ "apps/x/kustomization.yaml": `generators:\n- ${JSON.stringify(entry)}\n`, [`apps/x/${entry}`]: fileConfig });
    const run = spawnSync("kubectl", ["kustomize", path.join(root, "apps/x")], { encoding: "utf8", env: { PATH: process.env.PATH } });
    const kustomizeReadsFile = run.stdout.includes("from-file");

    const documents = parseAllDocuments(entry).map((document) => document.toJS() as unknown);
    const guardReadsFile = inlineResourceProblem(documents) !== undefined;
    readings.push(kustomizeReadsFile);
    assert.ok(guardReadsFile || !kustomizeReadsFile, `the guard reads ${JSON.stringify(entry)} inline, but kustomize reads the file`);
  }

  // The control cases: kustomize reads the first entry from the file and the second inline.
  assert.deepEqual(readings.slice(0, 2), [true, false]);
});

test("inline builtin config works under kubectl", { skip: kubectlSkip }, () => {
  const root = repository({
    "apps/x/kustomization.yaml": `resources: [cm.yaml]\ntransformers:\n- |\n${indent(builtinLabels)}- "{apiVersion: builtin, kind: AnnotationsTransformer, metadata: {name: a}, annotations: {note: x}, fieldSpecs: [{path: metadata/annotations, create: true}]}"\n`,
    "apps/x/cm.yaml": configMap,
  });
  assert.deepEqual(problems(root), []);

  const run = spawnSync("kubectl", ["kustomize", "--enable-alpha-plugins", path.join(root, "apps/x")], { encoding: "utf8", env: { PATH: process.env.PATH, KUSTOMIZE_PLUGIN_HOME: pluginHome } });
  assert.equal(run.status, 0, run.stderr);
  const output = parse(run.stdout) as { metadata: { labels: Record<string, string>; annotations: Record<string, string> } };
  assert.equal(output.metadata.labels.team, "a");
  assert.equal(output.metadata.annotations.note, "x");
});

function indent(text: string): string {
  return text.replace(/^(?=.)/gm, "  ");
}
