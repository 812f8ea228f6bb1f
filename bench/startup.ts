/**
 * Measures the start-up of `kreveal fn` on a one-Secret ResourceList against bare `node -e 0`,
 * both spawned the same way and interleaved so that machine noise hits both alike. A second row
 * times the same generator reading an age-encrypted env file, which also loads the age code. A
 * third row runs the legacy plugin file as kustomize does: the file itself, through its
 * `#!/usr/bin/env node` line (so with the `node` on PATH), with the config file as argument.
 *
 * Run: npm run build && node build/bench/startup.js [runs]
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

import { generateX25519Identity, identityToRecipient } from "age-encryption";

import { ageWrapper, writeSops } from "../tests/support/sops-writer.js";
import { formatMs, median } from "./stats.js";

const runs = Number(process.argv[2] ?? 30);
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const kreveal = path.join(repoRoot, "dist/kreveal.js");
const legacyPlugin = path.join(repoRoot, "generators/kreveal.dev/v1alpha1/secretgenerator/SecretGenerator");

function resourceList(generatorSpec: string): string {
  return [
    "apiVersion: config.kubernetes.io/v1",
    "kind: ResourceList",
    "items: []",
    "functionConfig:",
    "  apiVersion: kreveal.dev/v1alpha1",
    "  kind: SecretGenerator",
    "  metadata:",
    "    name: app-secret",
    generatorSpec,
    "",
  ].join("\n");
}

function timeOnce(args: string[], input: string, cwd: string, env: NodeJS.ProcessEnv, program = process.execPath): number {
  const start = performance.now();
  const result = spawnSync(program, args, { input, cwd, env, encoding: "utf8" });
  const elapsed = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  }
  return elapsed;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "kreveal-startup-"));
  const identity = await generateX25519Identity();
  writeFileSync(path.join(dir, "keys.txt"), `${identity}\n`);
  const encrypted = await writeSops({ store: "dotenv", plaintext: "PASSWORD=correct-horse\n", groups: [[ageWrapper(await identityToRecipient(identity))]] });
  writeFileSync(path.join(dir, "app.enc.env"), encrypted);

  const env = { PATH: process.env.PATH, HOME: dir, SOPS_AGE_KEY_FILE: path.join(dir, "keys.txt"), KREVEAL_REPO_ROOT: dir };
  const literal = resourceList("  literals:\n    - LOG_LEVEL=info");
  const legacyConfig = path.join(dir, "secret-generator.yaml");
  writeFileSync(legacyConfig, "apiVersion: kreveal.dev/v1alpha1\nkind: SecretGenerator\nmetadata:\n  name: app-secret\nliterals:\n  - LOG_LEVEL=info\n");
  const sops = resourceList("  envs:\n    - app.enc.env");

  const bare: number[] = [];
  const plain: number[] = [];
  const withAge: number[] = [];
  const legacy: number[] = [];
  for (let run = 0; run < runs + 3; run++) {
    const times = [
      timeOnce(["-e", "0"], "", dir, env),
      timeOnce([kreveal, "fn"], literal, dir, env),
      timeOnce([kreveal, "fn"], sops, dir, env),
      timeOnce([legacyConfig], "", dir, env, legacyPlugin),
    ];
    // The first runs warm the file cache and are not counted.
    if (run >= 3) {
      bare.push(times[0] ?? 0);
      plain.push(times[1] ?? 0);
      withAge.push(times[2] ?? 0);
      legacy.push(times[3] ?? 0);
    }
  }

  console.log(`start-up, median of ${runs} interleaved runs (Node ${process.version})`);
  console.log(`  node -e 0                                 ${formatMs(median(bare))}`);
  console.log(`  kreveal fn, one Secret from a literal     ${formatMs(median(plain))}  ${(median(plain) / median(bare)).toFixed(2)}x node (target: at most 1.5x)`);
  console.log(`  kreveal fn, one Secret from an age file   ${formatMs(median(withAge))}  ${(median(withAge) / median(bare)).toFixed(2)}x node`);
  console.log(`  legacy plugin file, one Secret, literal   ${formatMs(median(legacy))}  ${(median(legacy) / median(bare)).toFixed(2)}x node`);
}

await main();
