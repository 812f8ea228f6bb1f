/**
 * Measures `kubectl kustomize --enable-alpha-plugins` on a small tree (one Deployment and one
 * SecretGenerator with a plaintext literal) with kreveal's legacy plugin, against the same build
 * with a do-nothing Node legacy plugin that prints one fixed Secret. Both plugins sit at the same
 * path in their own plugin home, so that only KUSTOMIZE_PLUGIN_HOME differs between the runs. A
 * third row builds the Deployment alone, the cost of kustomize itself. Runs are interleaved so
 * that machine noise hits all rows alike.
 *
 * Run: npm run build && node build/bench/kustomize-legacy.js [runs]
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

import { formatMs, median } from "./stats.js";

const runs = Number(process.argv[2] ?? 20);
const warmUpRuns = 3;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
      - name: app
        image: registry.example/app:1
        envFrom:
        - secretRef: {name: app-secret}
`;

const generator = `apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: app-secret
literals:
  - LOG_LEVEL=info
`;

/** The do-nothing plugin: Node start-up plus one write of the Secret that kreveal would produce. */
const doNothingPlugin = `#!/usr/bin/env node
require("node:fs").writeSync(1, ${JSON.stringify(
  'apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secret\n  annotations:\n    kustomize.config.k8s.io/needs-hash: "true"\ntype: Opaque\ndata:\n  LOG_LEVEL: aW5mbw==\n',
)});
`;

/** Writes a kustomization folder with the Deployment and, when asked, the generator. */
function writeTree(root: string, name: string, withGenerator: boolean): string {
  const folder = path.join(root, name);
  mkdirSync(folder);
  writeFileSync(path.join(folder, "deployment.yaml"), deployment);
  if (withGenerator) {
    writeFileSync(path.join(folder, "generator.yaml"), generator);
    writeFileSync(path.join(folder, "kustomization.yaml"), "resources:\n- deployment.yaml\ngenerators:\n- generator.yaml\n");
  } else {
    writeFileSync(path.join(folder, "kustomization.yaml"), "resources:\n- deployment.yaml\n");
  }
  return folder;
}

/** Writes a plugin home that holds only the do-nothing SecretGenerator plugin. */
function writeDoNothingHome(root: string): string {
  const home = path.join(root, "plugins");
  const folder = path.join(home, "kreveal.dev/v1alpha1/secretgenerator");
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, "SecretGenerator"), doNothingPlugin);
  chmodSync(path.join(folder, "SecretGenerator"), 0o755);
  return home;
}

/** One kustomization built with one environment, and its timings in milliseconds. */
interface Row {
  readonly folder: string;
  readonly env: NodeJS.ProcessEnv;
  /** Text the output must contain, so that a build that silently skips the plugin is caught. */
  readonly expected: string;
  readonly times: number[];
}

function timeBuild(folder: string, env: NodeJS.ProcessEnv, expected: string): number {
  const start = performance.now();
  const result = spawnSync("kubectl", ["kustomize", "--enable-alpha-plugins", folder], { env, encoding: "utf8" });
  const elapsed = performance.now() - start;
  if (result.error !== undefined) {
    throw new Error(`kubectl could not be started (${result.error.message}); this benchmark needs kubectl on PATH`);
  }
  if (result.status !== 0 || !result.stdout.includes(expected)) {
    throw new Error(`kubectl kustomize ${folder} failed (exit status ${result.status ?? result.signal}):\n${result.stderr}`);
  }
  return elapsed;
}

function main(): void {
  const root = mkdtempSync(path.join(tmpdir(), "kreveal-bench-kustomize-"));
  mkdirSync(path.join(root, ".git"));
  const withGenerator = writeTree(root, "app", true);
  const deploymentOnly = writeTree(root, "plain", false);
  const baseEnv = { PATH: process.env.PATH, HOME: root };

  const floor: Row = { folder: deploymentOnly, env: baseEnv, expected: "name: app", times: [] };
  const doNothing: Row = { folder: withGenerator, env: { ...baseEnv, KUSTOMIZE_PLUGIN_HOME: writeDoNothingHome(root) }, expected: "name: app-secret-", times: [] };
  const kreveal: Row = { folder: withGenerator, env: { ...baseEnv, KUSTOMIZE_PLUGIN_HOME: path.join(repoRoot, "generators") }, expected: "name: app-secret-", times: [] };

  for (let run = 0; run < runs + warmUpRuns; run++) {
    for (const row of [floor, doNothing, kreveal]) {
      const elapsed = timeBuild(row.folder, row.env, row.expected);
      // The first runs warm the file cache and are not counted.
      if (run >= warmUpRuns) {
        row.times.push(elapsed);
      }
    }
  }

  const ratio = median(kreveal.times) / median(doNothing.times);
  console.log(`kubectl kustomize --enable-alpha-plugins, median of ${runs} interleaved runs (Node ${process.version})`);
  console.log(`  one Deployment, no generator                ${formatMs(median(floor.times))}`);
  console.log(`  + generator, do-nothing Node legacy plugin  ${formatMs(median(doNothing.times))}`);
  console.log(`  + generator, kreveal SecretGenerator        ${formatMs(median(kreveal.times))}  ${ratio.toFixed(2)}x the do-nothing plugin (target: at most 1.2x)`);
}

main();
