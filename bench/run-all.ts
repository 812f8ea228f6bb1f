/**
 * Runs every benchmark in its own process, one after the other, so that one benchmark's heap and
 * caches do not slow down the next. Run: npm run bench
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));

let failed = false;
for (const name of ["decrypt-age.js", "startup.js", "kustomize-legacy.js", "placeholders.js", "vault-latency.js", "cmp-generate.js"]) {
  const result = spawnSync(process.execPath, [path.join(here, name)], { stdio: "inherit" });
  failed ||= result.status !== 0;
}
process.exitCode = failed ? 1 : 0;
