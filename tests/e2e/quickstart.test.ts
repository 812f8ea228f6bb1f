import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";

import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";
import { repoRoot } from "../support/paths.js";
import { findKind, skipWithout, isolatedEnv, parseStream, requireBundle, run, secretData } from "./support.js";

const skip = skipWithout("kubectl");

test("quickstart: renders the example", { skip }, () => {
  requireBundle();
  const result = run(process.execPath, [path.join(repoRoot, "scripts/run-example.js"), "quickstart"], { cwd: repoRoot, env: isolatedEnv() });
  assert.equal(result.status, 0, result.stderr);

  const resources = parseStream(result.stdout);
  const secret = findKind(resources, "Secret");
  const name = (secret.metadata as { name: string }).name;
  assert.equal(name, `app-secret-${kustomizeHashSuffix(secret)}`);

  const data = secretData(secret);
  assert.deepEqual(Object.keys(data).sort(), ["API_TOKEN", "DATABASE_PASSWORD", "LOG_LEVEL"]);
  assert.equal(data.LOG_LEVEL, "info");

  const deployment = JSON.stringify(findKind(resources, "Deployment"));
  assert.equal(deployment.split(`"name":"${name}"`).length - 1, 2, deployment);
});

test("quickstart: fails without the key", { skip }, () => {
  requireBundle();
  const env = isolatedEnv({ KUSTOMIZE_PLUGIN_HOME: path.join(repoRoot, "generators") });
  const result = run("kubectl", ["kustomize", "--enable-alpha-plugins", path.join(repoRoot, "examples/quickstart")], { cwd: repoRoot, env });
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /envs\[0\] "app\.enc\.env"/);
});
