/**
 * Measures `kreveal cmp generate` as Argo CD's sidecar runs it, against floors measured in the
 * same run and interleaved with it:
 *
 * - a plain folder of 200 Deployments and one age-encrypted Secret, against a `node` process that
 *   only reads the same files and parses and stringifies them with `yaml` (the least any
 *   Node.js plugin must do for that folder);
 * - the kustomize example app (a kreveal SecretGenerator over an age-encrypted env file), against
 *   the same `kubectl kustomize --enable-alpha-plugins` call without the cmp wrapper.
 *
 * Run: npm run build && node build/bench/cmp-generate.js [runs]
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

import { generateX25519Identity, identityToRecipient } from "age-encryption";

import { ageWrapper, writeSops } from "../tests/support/sops-writer.js";
import { formatMs, median } from "./stats.js";

const runs = Number(process.argv[2] ?? 20);
const deployments = 200;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const kreveal = path.join(repoRoot, "dist/kreveal.js");

/** Reads every .yaml file below a folder and parses and stringifies it with `yaml`, as a floor. */
const yamlFloor = `
const { readdirSync, readFileSync } = require("node:fs");
const path = require("node:path");
const YAML = require(${JSON.stringify(path.join(repoRoot, "node_modules/yaml"))});
const dir = process.argv[1];
let out = "";
for (const name of readdirSync(dir, { recursive: true }).filter((n) => n.endsWith(".yaml")).sort()) {
  for (const doc of YAML.parseAllDocuments(readFileSync(path.join(dir, name), "utf8"))) out += "---\\n" + doc.toString();
}
process.stdout.write(out);
`;

function deployment(index: number): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: app-${index}`,
    "  labels: {app: shop}",
    "spec:",
    "  replicas: 2",
    "  selector: {matchLabels: {app: shop}}",
    "  template:",
    "    metadata: {labels: {app: shop}}",
    "    spec:",
    "      containers:",
    `        - name: app-${index}`,
    "          image: registry.example/shop:1.2.3",
    "          env: [{name: LOG_LEVEL, value: info}]",
    "",
  ].join("\n");
}

function timeOnce(args: string[], cwd: string, env: NodeJS.ProcessEnv, program = process.execPath): number {
  const start = performance.now();
  const result = spawnSync(program, args, { cwd, env, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const elapsed = performance.now() - start;
  if (result.status !== 0 || result.stdout === "") {
    throw new Error(`${program} ${args.join(" ")} failed: ${result.stderr}`);
  }
  return elapsed;
}

async function main(): Promise<void> {
  const repo = mkdtempSync(path.join(tmpdir(), "kreveal-cmp-bench-"));
  mkdirSync(path.join(repo, ".git"));
  const identity = await generateX25519Identity();
  writeFileSync(path.join(repo, "keys.txt"), `${identity}\n`);

  const plain = path.join(repo, "plain");
  mkdirSync(plain);
  for (let index = 0; index < deployments; index++) {
    writeFileSync(path.join(plain, `deployment-${String(index).padStart(3, "0")}.yaml`), deployment(index));
  }
  const secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: correct-horse\n";
  const recipient = await identityToRecipient(identity);
  writeFileSync(path.join(plain, "secret.enc.yaml"), await writeSops({ store: "yaml", plaintext: secret, groups: [[ageWrapper(recipient)]] }));

  const app = path.join(repo, "kustomize");
  cpSync(path.join(repoRoot, "examples/argocd/apps/kustomize-sops"), app, { recursive: true });
  const exampleKey = path.join(repoRoot, "examples/argocd/apps/age-key.txt");

  const base = { PATH: process.env.PATH, HOME: repo, ARGOCD_APP_NAME: "shop", ARGOCD_APP_NAMESPACE: "shop", ARGOCD_APP_PROJECT_NAME: "default" };
  const plainEnv = { ...base, SOPS_AGE_KEY_FILE: path.join(repo, "keys.txt"), ARGOCD_APP_SOURCE_PATH: "plain" };
  const appEnv = { ...base, SOPS_AGE_KEY_FILE: exampleKey, ARGOCD_APP_SOURCE_PATH: "kustomize" };
  const kubectlEnv = { ...appEnv, KUSTOMIZE_PLUGIN_HOME: path.join(repoRoot, "generators"), KREVEAL_REPO_ROOT: repo };

  const floorPlain: number[] = [];
  const cmpPlain: number[] = [];
  const floorApp: number[] = [];
  const cmpApp: number[] = [];
  for (let run = 0; run < runs + 2; run++) {
    const times = [
      timeOnce(["-e", yamlFloor, plain], plain, plainEnv),
      timeOnce([kreveal, "cmp", "generate"], plain, plainEnv),
      timeOnce(["kustomize", "--enable-alpha-plugins", app], app, kubectlEnv, "kubectl"),
      timeOnce([kreveal, "cmp", "generate"], app, appEnv),
    ];
    // The first runs warm the file cache and are not counted.
    if (run >= 2) {
      floorPlain.push(times[0] ?? 0);
      cmpPlain.push(times[1] ?? 0);
      floorApp.push(times[2] ?? 0);
      cmpApp.push(times[3] ?? 0);
    }
  }

  console.log(`cmp generate, median of ${runs} interleaved runs (Node ${process.version})`);
  console.log(`  node + yaml, ${deployments} Deployments + 1 Secret       ${formatMs(median(floorPlain))}`);
  console.log(`  cmp generate, same plain folder (1 age file)  ${formatMs(median(cmpPlain))}  ${(median(cmpPlain) / median(floorPlain)).toFixed(2)}x node + yaml`);
  console.log(`  kubectl kustomize, kustomize-sops example     ${formatMs(median(floorApp))}`);
  console.log(`  cmp generate, same app                        ${formatMs(median(cmpApp))}  ${(median(cmpApp) / median(floorApp)).toFixed(2)}x kubectl kustomize`);
}

await main();
