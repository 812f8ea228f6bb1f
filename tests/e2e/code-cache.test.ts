import assert from "node:assert/strict";
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";
import { Script } from "node:vm";

import { codeCachePath } from "../../plugin/entries/bundle-loader.js";
import { repoRoot, tempDir } from "../support/paths.js";
import { bundle, isolatedEnv, requireBundle, run, tempRepo } from "./support.js";

const mainFile = path.join(repoRoot, "dist/lib/main.js");

const resourceList = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items: []
functionConfig:
  apiVersion: kreveal.dev/v1alpha1
  kind: SecretGenerator
  metadata:
    name: app-secret
  literals:
    - LOG_LEVEL=info
`;

before(() => {
  requireBundle();
});

/** Copies dist/ into a temporary folder, so that a test can damage the copy. */
function copyOfDist(): string {
  const copy = path.join(tempDir(), "dist");
  cpSync(path.join(repoRoot, "dist"), copy, { recursive: true });
  return copy;
}

function runFn(launcher: string): ReturnType<typeof run> {
  const folder = tempRepo();
  return run(process.execPath, [launcher, "fn"], { cwd: folder, env: isolatedEnv(), input: resourceList });
}

test("code cache: written for this Node and accepted", () => {
  // The build writes the cache with the Node that runs it; npm test builds first.
  const cache = codeCachePath(mainFile);
  assert.ok(existsSync(cache), `${cache} is missing`);

  const script = new Script(readFileSync(mainFile, "utf8"), { filename: mainFile, cachedData: readFileSync(cache) });
  assert.equal(script.cachedDataRejected, false);
});

test("code cache: rejected cache falls back", () => {
  const expected = runFn(bundle);
  assert.equal(expected.status, 0, expected.stderr);

  // V8 rejects a cache whose header does not match, and the launcher compiles the source instead.
  const damaged = copyOfDist();
  writeFileSync(codeCachePath(path.join(damaged, "lib/main.js")), Buffer.alloc(4096, 7));
  assert.deepEqual(runFn(path.join(damaged, "kreveal.js")), expected);

  const missing = copyOfDist();
  rmSync(codeCachePath(path.join(missing, "lib/main.js")));
  assert.deepEqual(runFn(path.join(missing, "kreveal.js")), expected);
});

test("launcher: missing bundle names the build", () => {
  const broken = copyOfDist();
  rmSync(path.join(broken, "lib/main.js"));

  const result = runFn(path.join(broken, "kreveal.js"));
  assert.equal(result.status, 1);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^kreveal: cannot load .*main\.js \(ENOENT\); run npm run build\n$/);
});
