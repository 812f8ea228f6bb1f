// Renders one of the examples (examples/quickstart, examples/ksops-migration or
// examples/sopssecretgenerator-migration) with kubectl kustomize and kreveal's legacy plugins, and
// prints the manifests. Usage: node scripts/run-example.js quickstart|ksops|sopssecretgenerator
// Builds nothing itself: the npm scripts that call it run npm run build first.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const examples = {
  quickstart: "examples/quickstart",
  ksops: "examples/ksops-migration",
  sopssecretgenerator: "examples/sopssecretgenerator-migration",
};

const name = process.argv[2];
const folder = Object.hasOwn(examples, name ?? "") ? examples[name] : undefined;
if (folder === undefined) {
  console.error(`usage: node scripts/run-example.js ${Object.keys(examples).join("|")}`);
  process.exit(2);
}
if (!existsSync(path.join(root, "dist/kreveal.js"))) {
  console.error("dist/kreveal.js is missing: run npm run build first");
  process.exit(1);
}

// The age identity is a published test key that belongs to the example; see its README.
const example = path.join(root, folder);
const env = {
  ...process.env,
  SOPS_AGE_KEY_FILE: path.join(example, "age-key.txt"),
  KUSTOMIZE_PLUGIN_HOME: path.join(root, "generators"),
};

const result = spawnSync("kubectl", ["kustomize", "--enable-alpha-plugins", example], { env, stdio: "inherit" });
if (result.error !== undefined) {
  console.error(`kubectl could not be started (${result.error.message}); the example needs kubectl on PATH`);
  process.exitCode = 1;
} else {
  process.exitCode = result.status ?? 1;
}
