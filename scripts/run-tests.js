// Runs every compiled test file with node's test runner. Node 20 accepts a folder but no glob
// pattern and Node 24 a glob pattern but no folder, so the files are listed here explicitly.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const root = process.argv[2] ?? "build/tests";
const files = readdirSync(root, { recursive: true, encoding: "utf8" })
  .filter((name) => name.endsWith(".test.js"))
  .map((name) => path.join(root, name))
  .sort();

if (files.length === 0) {
  console.error(`no *.test.js files under ${root}: run "npm run build" first`);
  process.exit(1);
}

const result = spawnSync(process.execPath, ["--test", "--test-concurrency=2", ...files], { stdio: "inherit" });
process.exit(result.status ?? 1);
