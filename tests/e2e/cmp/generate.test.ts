/**
 * `kreveal cmp generate` run through the repository's cmp.yaml by the sidecar stand-in, on the
 * example apps in examples/argocd/apps. The apps are kustomize with a SOPS generator, a plain
 * folder with Vault placeholders and a SOPS manifest, and a Helm chart whose values contain
 * placeholders. Helm is the fake in fake-helm.ts, and kustomize is the real `kubectl kustomize`.
 */
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { parse } from "yaml";

import { kustomizeHashSuffix } from "../../../plugin/generators/kustomize-hash.js";
import { skipWithout } from "../support.js";
import { expectFailure, expectManifests, expectNoneOf } from "./expect.js";
import { findManifest, manifestName, secretValues } from "./manifests.js";
import { runDiscover, runPlugin } from "./sidecar.js";
import { appRequest, createWorld, exampleApp, examplesPath, helmCalls, vaultValues, type World } from "./world.js";

const skipKubectl = skipWithout("kubectl");

/** The parts of the helm-values example's values that the tests look at. */
interface HelmValues {
  readonly replicaCount: number;
  readonly database: Record<string, string>;
}

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

test("kustomize app: SOPS generator Secret", { skip: skipKubectl }, async () => {
  const run = await runPlugin(exampleApp("kustomize-sops"), appRequest(`${examplesPath}/kustomize-sops`), options());
  const manifests = expectManifests(run);

  const secret = findManifest(manifests, "Secret");
  const name = manifestName(secret);
  assert.equal(name, `db-credentials-${kustomizeHashSuffix(secret)}`);
  assert.deepEqual(secretValues(secret), { DB_HOST: "postgres.team-a.svc", DB_PASSWORD: "orders-test-password-1", DB_USER: "orders" });

  const deployment = JSON.stringify(findManifest(manifests, "Deployment", "orders"));
  assert.equal(deployment.split(`"name":"${name}"`).length - 1, 2, deployment);
  expectNoneOf(run.generate?.stderr ?? "", ["orders-test-password-1"]);
});

test("plain folder: placeholders, SOPS manifest, skipped values", async () => {
  const before = world.vault.requests.length;
  const run = await runPlugin(exampleApp("plain-placeholders"), appRequest(`${examplesPath}/plain-placeholders`), options());
  const manifests = expectManifests(run);

  assert.deepEqual(manifests.map((manifest) => `${String(manifest.kind)}/${manifestName(manifest)}`).sort(), [
    "Deployment/billing",
    "Secret/billing-api",
    "Secret/billing-db",
  ]);
  assert.deepEqual(secretValues(findManifest(manifests, "Secret", "billing-db")), {
    username: vaultValues.dbUsername,
    password: vaultValues.dbPassword,
    url: `postgres://${vaultValues.dbUsername}@postgres.team-a.svc:5432/billing`,
  });
  assert.deepEqual(secretValues(findManifest(manifests, "Secret", "billing-api")), { token: "billing-api-test-token-7" });

  const stderr = run.generate?.stderr ?? "";
  assert.match(stderr, /kreveal: note: skipped \S*values\.yaml: not a Kubernetes manifest/);
  expectNoneOf(stderr, [vaultValues.dbPassword, "billing-api-test-token-7"]);

  const reads = world.vault.requests.slice(before).filter((request) => request.path === "secret/data/team-a/db");
  assert.equal(reads.length, 1, "each distinct Vault path is read once");
});

test("helm app: argv, resolved values and output", async () => {
  const request = appRequest(`${examplesPath}/helm-values`, { parameters: [{ name: "values-files", array: ["values-prod.yaml"] }] });
  const callsBefore = helmCalls(world).length;
  const run = await runPlugin(exampleApp("helm-values"), request, options());
  const manifests = expectManifests(run);

  const calls = helmCalls(world).slice(callsBefore);
  assert.equal(calls.length, 1, "generate runs helm template once");
  const call = calls.at(0);
  assert.ok(call !== undefined);
  assert.deepEqual(call.argv, [
    "template",
    "billing",
    ".",
    "--namespace",
    "team-a-prod",
    "--include-crds",
    "--kube-version",
    "1.29.3",
    "--api-versions",
    "apps/v1",
    "--api-versions",
    "apps/v1/Deployment",
    "--api-versions",
    "v1",
    "--api-versions",
    "v1/Secret",
    "--api-versions",
    "v1/Service",
    "--values",
    "/dev/fd/3",
    "--values",
    "/dev/fd/4",
  ]);
  assert.equal(path.basename(call.cwd), "helm-values");

  assert.equal(call.values.length, 2);
  for (const text of call.values) {
    assert.doesNotMatch(text, /<vault:/, "helm received a values file with unresolved placeholders");
  }
  const [chartValues, prodValues] = call.values.map((text) => parse(text) as HelmValues) as [HelmValues, HelmValues];
  assert.deepEqual(chartValues.database, { username: vaultValues.dbUsername, password: vaultValues.devDbPassword });
  assert.equal(prodValues.replicaCount, 2);
  assert.deepEqual(prodValues.database, { password: vaultValues.dbPassword });

  const secret = findManifest(manifests, "Secret", "billing-hello-world-db");
  assert.deepEqual(secretValues(secret), { username: vaultValues.dbUsername, password: vaultValues.dbPassword, "api-token": vaultValues.apiToken });
  const deployment = findManifest(manifests, "Deployment", "billing-hello-world") as { spec: { replicas: number; template: { spec: { containers: { image: string }[] } } } };
  assert.equal(deployment.spec.replicas, 2);
  assert.equal(deployment.spec.template.spec.containers[0]?.image, "nginx:1.25.3");
  findManifest(manifests, "Service", "billing-hello-world");
});

test("helm app: release name from parameter", async () => {
  const request = appRequest(`${examplesPath}/helm-values`, { parameters: [{ name: "release-name", string: "orders" }], kubeVersion: "", apiResources: [] });
  const callsBefore = helmCalls(world).length;
  const run = await runPlugin(exampleApp("helm-values"), request, options());
  const manifests = expectManifests(run);

  const call = helmCalls(world).slice(callsBefore).at(0);
  assert.ok(call !== undefined);
  assert.deepEqual(call.argv, ["template", "orders", ".", "--namespace", "team-a-prod", "--include-crds", "--values", "/dev/fd/3"]);
  assert.equal(secretValues(findManifest(manifests, "Secret", "orders-hello-world-db")).password, vaultValues.devDbPassword);
});

test("broken kustomization fails with kustomize's message", { skip: skipKubectl }, async () => {
  const content = exampleApp("kustomize-sops", (root) => {
    const kustomization = "resources:\n  - deployment.yaml\n  - missing-service.yaml\ngenerators:\n  - secret-generator.yaml\n";
    writeFileSync(path.join(root, examplesPath, "kustomize-sops", "kustomization.yaml"), kustomization);
  });
  const run = await runPlugin(content, appRequest(`${examplesPath}/kustomize-sops`), options());

  const stderr = expectFailure(run, /TOOL_FAILED/);
  assert.match(stderr, /missing-service\.yaml/);
});

test("discover matches every example app", async () => {
  for (const name of ["kustomize-sops", "plain-placeholders", "helm-values"]) {
    const matched = await runDiscover(exampleApp(name), appRequest(`${examplesPath}/${name}`), options());
    assert.equal(matched, true, name);
  }
});
