/**
 * Application settings of `kreveal cmp generate` as Argo CD passes them (parameters and
 * ARGOCD_ENV_ variables), run through cmp.yaml by the sidecar stand-in.
 */
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { expectFailure, expectManifests } from "./expect.js";
import { runPlugin } from "./sidecar.js";
import { appRequest, createWorld, exampleApp, examplesPath, type World } from "./world.js";

const emptyApp = `${examplesPath}/empty`;

let world: World;

before(async () => {
  world = await createWorld();
});

after(async () => {
  await world.close();
});

function options() {
  return { sidecarEnv: world.sidecarEnv, workDir: world.workDir };
}

/** A repository whose app folder exists but contains no file. */
const emptyContent = { copies: {}, prepare: (root: string) => mkdirSync(path.join(root, emptyApp), { recursive: true }) };

test("empty app folder is INPUT_EMPTY", async () => {
  const run = await runPlugin(emptyContent, appRequest(emptyApp), options());

  expectFailure(run, /INPUT_EMPTY/);
});

test("empty app folder with allow-empty succeeds", async () => {
  const request = appRequest(emptyApp, { parameters: [{ name: "allow-empty", string: "true" }] });
  const run = await runPlugin(emptyContent, request, options());
  const manifests = expectManifests(run);

  assert.equal(run.generate?.stdout.trim(), "");
  assert.deepEqual(manifests, []);
});

test("unknown parameter and policy variable are warned", async () => {
  const ignoredPolicy = path.join(world.workDir, "app-chosen-policy.yaml");
  const request = appRequest(`${examplesPath}/plain-placeholders`, {
    parameters: [{ name: "colour", string: "blue" }],
    pluginEnv: [{ name: "KREVEAL_POLICY_FILE", value: ignoredPolicy }],
  });
  const run = await runPlugin(exampleApp("plain-placeholders"), request, options());
  expectManifests(run);

  const stderr = run.generate?.stderr ?? "";
  assert.match(stderr, /kreveal: warning: .*colour/);
  assert.match(stderr, /kreveal: warning: ignored ARGOCD_ENV_KREVEAL_POLICY_FILE/);
  assert.ok(!stderr.includes(ignoredPolicy), "the warning shows the ignored value");
});
