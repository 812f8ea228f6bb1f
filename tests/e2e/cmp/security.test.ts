/**
 * Tenant isolation and sidecar-only settings of `kreveal cmp generate`, run through cmp.yaml by
 * the sidecar stand-in. The cases cover the tenant policy (also with a project's own age keys
 * file), an Application pointing VAULT_ADDR elsewhere, and symbolic links that lead from the
 * repository to the sidecar's age key.
 */
import assert from "node:assert/strict";
import { readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { generateX25519Identity, identityToRecipient } from "age-encryption";

import { ageWrapper, writeSops } from "../../support/sops-writer.js";
import { VaultTestServer } from "../../support/vault-server.js";
import { skipWithout } from "../support.js";
import { expectFailure, expectManifests, expectNoneOf } from "./expect.js";
import { findManifest, secretValues } from "./manifests.js";
import { runPlugin } from "./sidecar.js";
import { appRequest, createWorld, exampleApp, examplesPath, vaultValues, type World } from "./world.js";

const plainApp = `${examplesPath}/plain-placeholders`;

let world: World;
let policyFile: string;

before(async () => {
  world = await createWorld();
  policyFile = path.join(world.home, "policy.yaml");
  writeFileSync(
    policyFile,
    [
      "apiVersion: kreveal.dev/v1alpha1",
      "kind: TenantPolicy",
      "projects:",
      "  team-a:",
      "    vault:",
      "      paths: [secret/data/team-a, secret/team-a]",
      "    sops:",
      `      paths: [${examplesPath}]`,
      "  team-b:",
      "    vault:",
      "      paths: [secret/data/team-b]",
      "",
    ].join("\n"),
  );
});

after(async () => {
  await world.close();
});

function withPolicy() {
  return { sidecarEnv: { ...world.sidecarEnv, KREVEAL_POLICY_FILE: policyFile }, workDir: world.workDir };
}

/** The age key's secret line, which must never reach stdout or stderr. */
const ageKeyMarker = "AGE-SECRET-KEY-";

test("policy allows team-a's own paths", async () => {
  const run = await runPlugin(exampleApp("plain-placeholders"), appRequest(plainApp), withPolicy());
  const manifests = expectManifests(run);

  assert.equal(secretValues(findManifest(manifests, "Secret", "billing-db")).password, vaultValues.dbPassword);
});

test("policy denies team-b's path to team-a", async () => {
  const content = exampleApp("plain-placeholders", (root) => {
    const stolen = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: borrowed\nstringData:\n  password: <vault:secret/data/team-b/db#password>\n";
    writeFileSync(path.join(root, plainApp, "borrowed.yaml"), stolen);
  });
  const before = world.vault.requests.length;
  const run = await runPlugin(content, appRequest(plainApp), withPolicy());

  const stderr = expectFailure(run, /POLICY_DENIED/);
  assert.match(stderr, /"team-a"/);
  assert.match(stderr, /secret\/data\/team-b\/db/);
  assert.match(stderr, /projects\.team-a\.vault\.paths/);
  expectNoneOf(stderr, [vaultValues.teamBPassword]);

  const teamBRequests = world.vault.requests.slice(before).filter((request) => request.path.includes("team-b"));
  assert.deepEqual(teamBRequests, [], "the denied path reached Vault");
});

test("project key file replaces the shared key", async () => {
  const teamAIdentity = await generateX25519Identity();
  const teamAKeyFile = path.join(world.home, "keys", "team-a.txt");
  writeFileSync(teamAKeyFile, `${teamAIdentity}\n`);
  const keyPolicyFile = path.join(world.home, "policy-with-key.yaml");
  writeFileSync(keyPolicyFile, readFileSync(policyFile, "utf8").replace(`      paths: [${examplesPath}]\n`, `      paths: [${examplesPath}]\n      ageKeyFile: ${teamAKeyFile}\n`));
  const options = { sidecarEnv: { ...world.sidecarEnv, KREVEAL_POLICY_FILE: keyPolicyFile }, workDir: world.workDir };

  // billing-api.enc.yaml re-encrypted to team-a's own key decrypts.
  const ownToken = "team-a-own-key-token";
  const own = await writeSops({
    store: "yaml",
    plaintext: `apiVersion: v1\nkind: Secret\nmetadata:\n  name: billing-api\ntype: Opaque\nstringData:\n  token: ${ownToken}\n`,
    groups: [[ageWrapper(await identityToRecipient(teamAIdentity))]],
    rule: { field: "encrypted_regex", value: "^(data|stringData)$" },
  });
  const ownContent = exampleApp("plain-placeholders", (root) => {
    writeFileSync(path.join(root, plainApp, "billing-api.enc.yaml"), own);
  });
  const ownRun = await runPlugin(ownContent, appRequest(plainApp), options);
  assert.equal(secretValues(findManifest(expectManifests(ownRun), "Secret", "billing-api")).token, ownToken);

  // The example's billing-api.enc.yaml, encrypted only to the sidecar's shared SOPS_AGE_KEY_FILE
  // key, stays closed although it lies in team-a's allowed folder.
  const run = await runPlugin(exampleApp("plain-placeholders"), appRequest(plainApp), options);
  const stderr = expectFailure(run, /KEY_NOT_AVAILABLE/);
  assert.match(stderr, /billing-api\.enc\.yaml/);
  assert.match(stderr, /projects\.team-a\.sops\.ageKeyFile/);
  expectNoneOf(stderr, [ageKeyMarker]);
});

test("ARGOCD_ENV_VAULT_ADDR is ignored with a warning", async () => {
  const appVault = await VaultTestServer.start();
  try {
    const request = appRequest(plainApp, { pluginEnv: [{ name: "VAULT_ADDR", value: appVault.url }] });
    const run = await runPlugin(exampleApp("plain-placeholders"), request, { sidecarEnv: world.sidecarEnv, workDir: world.workDir });
    const manifests = expectManifests(run);

    const stderr = run.generate?.stderr ?? "";
    assert.match(stderr, /kreveal: warning: ignored ARGOCD_ENV_VAULT_ADDR/);
    assert.ok(!stderr.includes(appVault.url), "the warning shows the ignored value");
    assert.equal(secretValues(findManifest(manifests, "Secret", "billing-db")).password, vaultValues.dbPassword);
    assert.equal(appVault.connections, 0, "the Application's Vault address received a connection");
  } finally {
    await appVault.close();
  }
});

test("manifest symlink to key rejected", async () => {
  const content = exampleApp("plain-placeholders", (root) => {
    symlinkSync(world.ageKeyFile, path.join(root, plainApp, "leak.yaml"));
  });
  const run = await runPlugin(content, appRequest(plainApp), { sidecarEnv: world.sidecarEnv, workDir: world.workDir });

  const stderr = expectFailure(run, /PATH_OUTSIDE_ROOT|PATH_PROTECTED/);
  assert.match(stderr, /leak\.yaml/);
  expectNoneOf(stderr, [ageKeyMarker]);
});

test("generator input symlink to key rejected", { skip: skipWithout("kubectl") }, async () => {
  const appPath = `${examplesPath}/kustomize-sops`;
  const content = exampleApp("kustomize-sops", (root) => {
    const folder = path.join(root, appPath);
    symlinkSync(world.ageKeyFile, path.join(folder, "key.txt"));
    const generator = "apiVersion: kreveal.dev/v1alpha1\nkind: SecretGenerator\nmetadata:\n  name: db-credentials\nenvs:\n  - db.enc.env\nfiles:\n  - key.txt\n";
    writeFileSync(path.join(folder, "secret-generator.yaml"), generator);
  });
  const run = await runPlugin(content, appRequest(appPath), { sidecarEnv: world.sidecarEnv, workDir: world.workDir });

  const stderr = expectFailure(run, /PATH_OUTSIDE_ROOT|PATH_PROTECTED/);
  assert.match(stderr, /key\.txt/);
  expectNoneOf(stderr, [ageKeyMarker]);
});
