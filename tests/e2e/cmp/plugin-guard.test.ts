/**
 * The legacy exec plugin path trick against `kreveal cmp generate`, run through cmp.yaml by the
 * sidecar stand-in. A generator config whose apiVersion and kind climb out of the plugin home
 * would make kustomize run /bin/sh with the config as its script. The guard must reject it
 * before kustomize starts. Also checks that helm does not receive the sidecar's credentials.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { pluginHome, skipWithout } from "../support.js";
import { expectFailure, expectManifests, expectNoneOf } from "./expect.js";
import { runPlugin, type RepositoryContent } from "./sidecar.js";
import { appRequest, createWorld, type World } from "./world.js";

const appPath = "apps/x";
const skip = skipWithout("kubectl");

let world: World;

before(async () => {
  world = await createWorld();
});

after(async () => {
  await world.close();
});

/** Returns the attack's files. The payload would create `marker` and print a ConfigMap with `id` output and the Vault token. */
function attackFiles(marker: string): Record<string, string> {
  return {
    "kustomization.yaml": "generators: [gen.yaml]\n",
    "gen.yaml": "apiVersion: ../../../../../../../../../../../../usr/v1\nkind: ../../../bin/sh\nmetadata: {name: x}\nzz: ; . ./payload.txt; exit 0\n",
    "payload.txt": `touch '${marker}'\nprintf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: pwned\\ndata:\\n  id: "%s"\\n  token: "%s"\\n' "$(id)" "$VAULT_TOKEN"\n`,
  };
}

const separatorAttacks = ["hidden field", "hidden kind"];
const innocentConfigMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: innocent}\n";

/**
 * Returns attacks that hide YAML from kreveal's parser behind U+2028 (LINE SEPARATOR), which
 * kustomize's go-yaml reads as a line break. One hides a generators field in the kustomization.
 * The other hides a kind in a plugin config whose visible kind is kreveal's SecretGenerator.
 */
function lineSeparatorAttacks(marker: string): Record<string, Record<string, string>> {
  const { "gen.yaml": attack = "", "payload.txt": payload = "" } = attackFiles(marker);
  const climb = "../".repeat(12);
  const hiddenKind = [
    "apiVersion: kreveal.dev/v1alpha1",
    `# a\u2028kind: ${climb}bin/sh\u2028metadata: {name: x}\u2028zz: "`,
    "kind: SecretGenerator",
    "metadata: {name: s}",
    '# b\u2028"',
    "run: ; . ./payload.txt; exit 0",
    "",
  ].join("\n");
  return {
    "hidden field": { "kustomization.yaml": "resources: [cm.yaml]\n# see docs\u2028generators: [notes.yaml]\n", "cm.yaml": innocentConfigMap, "notes.yaml": attack, "payload.txt": payload },
    "hidden kind": { "kustomization.yaml": "resources: [cm.yaml]\ngenerators: [gen.yaml]\n", "cm.yaml": innocentConfigMap, "gen.yaml": hiddenKind, "payload.txt": payload },
  };
}

/** Builds a repository with only the app folder `apps/x`, which contains `files`. */
function appContent(files: Record<string, string>): RepositoryContent {
  return {
    copies: {},
    prepare: (root) => {
      for (const [name, text] of Object.entries(files)) {
        const file = path.join(root, appPath, name);
        mkdirSync(path.dirname(file), { recursive: true });
        writeFileSync(file, text);
      }
    },
  };
}

function markerFile(name: string): string {
  return path.join(world.workDir, `${name}.marker`);
}

test("attack payload runs under bare kubectl", { skip }, () => {
  const marker = markerFile("control");
  const app = path.join(world.workDir, "control-app");
  mkdirSync(app, { recursive: true });
  for (const [name, text] of Object.entries(attackFiles(marker))) {
    writeFileSync(path.join(app, name), text);
  }

  const run = spawnSync("kubectl", ["kustomize", "--enable-alpha-plugins", app], {
    cwd: app,
    encoding: "utf8",
    env: { PATH: process.env.PATH, KUSTOMIZE_PLUGIN_HOME: pluginHome, VAULT_TOKEN: "hvs.control-token" },
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /hvs\.control-token/);
  assert.ok(existsSync(marker), "the control run did not execute the payload, so the cases below prove nothing");
});

test("line separator attacks run under bare kubectl", { skip }, () => {
  for (const name of separatorAttacks) {
    const slug = `separator-control-${name.replace(" ", "-")}`;
    const marker = markerFile(slug);
    const app = path.join(world.workDir, slug);
    mkdirSync(app, { recursive: true });
    for (const [file, text] of Object.entries(lineSeparatorAttacks(marker)[name] ?? {})) {
      writeFileSync(path.join(app, file), text);
    }

    const run = spawnSync("kubectl", ["kustomize", "--enable-alpha-plugins", app], {
      cwd: app,
      encoding: "utf8",
      env: { PATH: process.env.PATH, KUSTOMIZE_PLUGIN_HOME: pluginHome, VAULT_TOKEN: "hvs.control-token" },
    });
    assert.equal(run.status, 0, `${name}: ${run.stderr}`);
    assert.match(run.stdout, /hvs\.control-token/, name);
    assert.ok(existsSync(marker), `${name}: the control run did not execute the payload, so the case below proves nothing`);
  }
});

test("line separator attacks are rejected", { skip }, async () => {
  for (const name of separatorAttacks) {
    const marker = markerFile(`separator-${name.replace(" ", "-")}`);
    const files = lineSeparatorAttacks(marker)[name] ?? {};
    const run = await runPlugin(appContent(files), appRequest(appPath), { sidecarEnv: world.sidecarEnv, workDir: world.workDir });

    const stderr = expectFailure(run, /CONFIG_INVALID/);
    assert.equal(run.generate?.exitCode, 1, name);
    assert.equal(run.generate.stdout, "", name);
    assert.match(stderr, /U\+2028 \(LINE SEPARATOR\) at line 2/, name);
    expectNoneOf(stderr, ["payload.txt", world.sidecarEnv.VAULT_TOKEN]);
    assert.ok(!existsSync(marker), `${name}: the payload ran`);
  }
});

test("path trick is rejected before kustomize", { skip }, async () => {
  const marker = markerFile("default");
  const run = await runPlugin(appContent(attackFiles(marker)), appRequest(appPath), { sidecarEnv: world.sidecarEnv, workDir: world.workDir });

  const stderr = expectFailure(run, /CONFIG_INVALID/);
  assert.equal(run.generate?.exitCode, 1);
  assert.match(stderr, /apps\/x\/kustomization\.yaml: generators\[0\]/);
  assert.match(stderr, /not a kreveal or kustomize builtin plugin/);
  expectNoneOf(stderr, ["payload.txt", world.sidecarEnv.VAULT_TOKEN]);
  assert.ok(!existsSync(marker), "the payload ran");
});

test("path trick rejected with exec enabled", { skip }, async () => {
  const marker = markerFile("exec");
  const sidecarEnv = { ...world.sidecarEnv, KREVEAL_CMP_ENABLE_EXEC: "true" };
  const run = await runPlugin(appContent(attackFiles(marker)), appRequest(appPath), { sidecarEnv, workDir: world.workDir });

  expectFailure(run, /CONFIG_INVALID/);
  assert.ok(!existsSync(marker), "the payload ran");
});

test("nested base path trick rejected", { skip }, async () => {
  const marker = markerFile("nested");
  const nested = Object.fromEntries(Object.entries(attackFiles(marker)).map(([name, text]) => [`base/${name}`, text]));
  const files = { ...nested, "kustomization.yaml": "resources: [base]\n" };
  const run = await runPlugin(appContent(files), appRequest(appPath), { sidecarEnv: world.sidecarEnv, workDir: world.workDir });

  const stderr = expectFailure(run, /CONFIG_INVALID/);
  assert.match(stderr, /apps\/x\/base\/kustomization\.yaml: generators\[0\]/);
  assert.ok(!existsSync(marker), "the payload ran");
});

test("remote base rejected despite Application", { skip }, async () => {
  const files = { "kustomization.yaml": "resources: ['https://github.com/example/repo//base?ref=v1']\n" };
  const request = appRequest(appPath, { pluginEnv: [{ name: "KREVEAL_CMP_ALLOW_REMOTE_BASES", value: "true" }] });
  const run = await runPlugin(appContent(files), request, { sidecarEnv: world.sidecarEnv, workDir: world.workDir });

  const stderr = expectFailure(run, /CONFIG_INVALID/);
  assert.match(stderr, /is a remote reference/);
  assert.match(stderr, /ignored ARGOCD_ENV_KREVEAL_CMP_ALLOW_REMOTE_BASES/);
});

test("inline file entry checked", { skip }, async () => {
  const marker = markerFile("inline-name");
  const entry = "{apiVersion: builtin, kind: LabelTransformer}";
  const { "gen.yaml": attack, "payload.txt": payload } = attackFiles(marker);
  const files = { "kustomization.yaml": `generators:\n- "${entry}"\n`, [entry]: attack, "payload.txt": payload };
  const run = await runPlugin(appContent(files), appRequest(appPath), { sidecarEnv: world.sidecarEnv, workDir: world.workDir });

  const stderr = expectFailure(run, /CONFIG_INVALID/);
  assert.equal(run.generate?.exitCode, 1);
  assert.ok(stderr.includes(`apps/x/kustomization.yaml: generators[0] (apps/x/${entry})`), stderr);
  assert.ok(!existsSync(marker), "the payload ran");
});

test("kustomize never runs helm", { skip }, async () => {
  const marker = markerFile("helm");
  const bin = path.join(world.workDir, "marker-helm");
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, "helm"), `#!/bin/sh\ntouch '${marker}'\nexit 1\n`, { mode: 0o755 });
  const sidecarEnv = { ...world.sidecarEnv, PATH: `${bin}${path.delimiter}${world.sidecarEnv.PATH}` };
  const chart = { "charts/x/Chart.yaml": "apiVersion: v2\nname: x\nversion: 1.0.0\n", "charts/x/values.yaml": "{}\n" };
  const kustomizations = [
    "helmCharts:\n- {name: x, releaseName: r}\n",
    "generators:\n- |\n  apiVersion: builtin\n  kind: HelmChartInflationGenerator\n  metadata: {name: h}\n  name: x\n  releaseName: r\n",
  ];

  for (const kustomization of kustomizations) {
    const run = await runPlugin(appContent({ ...chart, "kustomization.yaml": kustomization }), appRequest(appPath), { sidecarEnv, workDir: world.workDir });
    const stderr = expectFailure(run, /CONFIG_INVALID/);
    assert.equal(run.generate?.exitCode, 1);
    assert.match(stderr, /run helm/);
    assert.ok(!existsSync(marker), "kustomize ran helm");
  }
});

test("remote-like local folder walked", { skip }, async () => {
  const marker = markerFile("remote-name");
  const nested = Object.fromEntries(Object.entries(attackFiles(marker)).map(([name, text]) => [`evil@x/${name}`, text]));
  const files = { ...nested, "kustomization.yaml": "resources: [evil@x]\n" };
  const sidecarEnv = { ...world.sidecarEnv, KREVEAL_CMP_ALLOW_REMOTE_BASES: "true" };
  const run = await runPlugin(appContent(files), appRequest(appPath), { sidecarEnv, workDir: world.workDir });

  const stderr = expectFailure(run, /CONFIG_INVALID/);
  assert.equal(run.generate?.exitCode, 1);
  assert.match(stderr, /apps\/x\/evil@x\/kustomization\.yaml: generators\[0\]/);
  assert.ok(!existsSync(marker), "the payload ran");
});

test("builtin transformer passes the guard", { skip }, async () => {
  const files = {
    "kustomization.yaml": "resources: [cm.yaml]\ntransformers: [labels.yaml]\n",
    "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n",
    "labels.yaml": "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: labels}\nlabels: {team: a}\nfieldSpecs: [{path: metadata/labels, create: true}]\n",
  };
  const run = await runPlugin(appContent(files), appRequest(appPath), { sidecarEnv: world.sidecarEnv, workDir: world.workDir });

  const [configMap] = expectManifests(run);
  assert.deepEqual((configMap as { metadata: { labels: Record<string, string> } }).metadata.labels, { team: "a" });
});

test("helm runs without the sidecar's credentials", async () => {
  const record = path.join(world.workDir, "helm-env.txt");
  const helm = path.join(world.workDir, "env-helm");
  writeFileSync(helm, `#!/bin/sh\nenv > '${record}'\nprintf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: chart\\n'\n`, { mode: 0o755 });

  const files = { "Chart.yaml": "apiVersion: v2\nname: chart\nversion: 0.1.0\n", "values.yaml": "replicas: 1\n" };
  const sidecarEnv = { ...world.sidecarEnv, KREVEAL_HELM: helm, KREVEAL_VAULT_ROLE: "team-a", SOPS_AGE_KEY: "AGE-SECRET-KEY-1NOTAREALKEY" };
  const run = await runPlugin(appContent(files), appRequest(appPath), { sidecarEnv, workDir: world.workDir });
  expectManifests(run);

  const names = readFileSync(record, "utf8")
    .split("\n")
    .map((line) => line.split("=")[0]);
  for (const name of ["VAULT_TOKEN", "SOPS_AGE_KEY_FILE", "SOPS_AGE_KEY", "KREVEAL_VAULT_ROLE"]) {
    assert.ok(!names.includes(name), `helm received ${name}`);
  }
  assert.ok(names.includes("PATH"));
  assert.ok(names.includes("KREVEAL_REPO_ROOT"));
});
