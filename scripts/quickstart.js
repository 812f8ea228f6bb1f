// Renders examples/quickstart with kubectl kustomize and kreveal's legacy exec plugin, and prints
// the manifests. Builds nothing itself: `npm run quickstart` runs the build first.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const example = path.join(root, "examples/quickstart");

if (!existsSync(path.join(root, "dist/kreveal.js"))) {
  console.error("dist/kreveal.js is missing: run npm run build (or npm run quickstart, which builds first)");
  process.exit(1);
}

// The age identity is a published test key that belongs to the example; see its README.
const env = {
  ...process.env,
  SOPS_AGE_KEY_FILE: path.join(example, "age-key.txt"),
  KUSTOMIZE_PLUGIN_HOME: path.join(root, "generators"),
};

const result = spawnSync("kubectl", ["kustomize", "--enable-alpha-plugins", example], { env, stdio: "inherit" });
if (result.error !== undefined) {
  console.error(`kubectl could not be started (${result.error.message}); the quickstart needs kubectl on PATH`);
  process.exitCode = 1;
} else {
  process.exitCode = result.status ?? 1;
}
