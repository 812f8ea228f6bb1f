// Writes V8 code cache for the files in dist/lib/ (see plugin/entries/bundle-loader.ts). A child
// process runs `kreveal fn` and `kreveal legacy` on generator configs that contain only made-up
// literal values, then saves the bytecode of every function that those runs compiled next to each
// file that they loaded. The cache contains compiled code, never input values. Only the Node
// version that ran the build can use it, and building under another Node version writes its own.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { codeCachePath, createBundleLoader } from "../build/plugin/entries/bundle-loader.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const library = path.join(root, "dist/lib");

const generator = `apiVersion: kreveal.dev/v1alpha1
kind: SecretGenerator
metadata:
  name: warm-up
  annotations:
    config.kubernetes.io/local-config: "true"
literals:
  - LOG_LEVEL=info
  - "GREETING=hello, world"
options:
  labels:
    app: warm-up
`;

/** The ResourceList that kustomize sends to a KRM function generator: the config as the only item and as functionConfig. */
const resourceList = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
${indent(generator, "  - ", "    ")}functionConfig:
${indent(generator, "  ", "  ")}`;

function indent(text, first, rest) {
  return text
    .split("\n")
    .map((line, index) => (line === "" ? "" : `${index === 0 ? first : rest}${line}`))
    .join("\n");
}

/** Runs the warm-up in a child process, so that its runs see exactly the bundle's start-up state. */
export function writeCodeCache() {
  // Only PATH: no NODE_OPTIONS (V8 rejects a cache written under other V8 flags, and runs from
  // kustomize or kpt have none), and no key or KREVEAL_* variable of the machine.
  const result = spawnSync(process.execPath, [fileURLToPath(import.meta.url), "--warm-up"], {
    input: resourceList,
    env: { PATH: process.env.PATH ?? "" },
    encoding: "utf8",
    stdio: ["pipe", "pipe", "inherit"],
  });
  if (result.status !== 0 || !result.stdout.includes("name: warm-up")) {
    throw new Error(`the code cache warm-up failed (exit status ${result.status ?? result.signal})`);
  }
}

async function warmUp() {
  const requireBuiltin = createRequire(import.meta.url);
  const scripts = new Map();

  const folder = mkdtempSync(path.join(tmpdir(), "kreveal-warm-up-"));
  try {
    const configFile = path.join(folder, "secret-generator.yaml");
    writeFileSync(configFile, generator);
    // Generator paths resolve against the working folder, and the literals need none.
    process.chdir(folder);

    // `fn` reads the ResourceList from stdin; `legacy` reads its config file.
    for (const args of [["fn"], ["legacy", configFile]]) {
      process.argv = [process.execPath, path.join(root, "dist/kreveal.js"), ...args];
      const loader = createBundleLoader(library, requireBuiltin, scripts);
      loader.load("main.js");
      await loader.require("./cli.js").finished;
      if (process.exitCode !== undefined && process.exitCode !== 0) {
        throw new Error(`kreveal ${args[0]} failed during the code cache warm-up`);
      }
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }

  for (const [file, script] of scripts) {
    writeFileSync(codeCachePath(file), script.createCachedData());
  }
}

if (process.argv[2] === "--warm-up") {
  await warmUp();
}
