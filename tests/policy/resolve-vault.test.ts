import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";

import { parse } from "yaml";

import { parseYamlStream } from "../../plugin/formats/yaml-read.js";
import { stringifyDocument } from "../../plugin/formats/yaml-write.js";
import { createVaultBackend } from "../../plugin/placeholders/backends/vault/index.js";
import { loadVaultSettings } from "../../plugin/placeholders/backends/vault/settings.js";
import { resolvePlaceholders } from "../../plugin/placeholders/resolve.js";
import { tempDir } from "../support/paths.js";
import { VaultTestServer } from "../support/vault-server.js";
import { caughtError, listErrors, TWO_TEAMS, writePolicy } from "./support.js";

const K8S_JWT = "eyJ.policy-test-service-account.sig";
const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 3 };

const manifests = `apiVersion: v1
kind: Secret
metadata:
  name: app
stringData:
  own: <vault:secret/team-a/db#password>
  other: <vault:secret/team-b/db#password>
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  copied: "user=<path:secret/data/team-b/db#password>"
`;

let server: VaultTestServer;
/** A policy whose team-a entry sets no role, because token logins reject one. */
let policyFile = "";
/** A policy whose team-a entry sets `role: team-a-role`. */
let rolePolicyFile = "";
let home = "";

before(async () => {
  server = await VaultTestServer.start();
  server
    .namespace()
    .mountKv("secret", 2)
    .write("secret/team-a/db", { password: "team-a-password" })
    .write("secret/team-b/db", { password: "team-b-password" })
    .addToken("hvs.policy-test-token")
    .addLoginRole("kubernetes", "kubernetes", "team-a-role", K8S_JWT, { ttlSeconds: 60 });
  policyFile = writePolicy(TWO_TEAMS.replace("      role: team-a-role\n", ""));
  rolePolicyFile = writePolicy(TWO_TEAMS);
  home = tempDir("kreveal-policy-home-");
  writeFileSync(path.join(home, "sa-token"), `${K8S_JWT}\n`);
});

after(async () => {
  await server.close();
});

beforeEach(() => {
  server.requests.length = 0;
});

/** Resolves `text` with a Vault backend on the test server, configured from `env` alone. */
async function resolveWith(text: string, env: Record<string, string>): Promise<Record<string, unknown>[]> {
  const documents = parseYamlStream(text, "test input");
  const vault = createVaultBackend({ env: { HOME: home, VAULT_ADDR: server.url, ...env }, retry: FAST_RETRY });
  await resolvePlaceholders(documents, { cwd: home, env, loadBackend: () => Promise.resolve(vault), timeoutMs: 10_000 });
  return documents.map((document) => parse(stringifyDocument(document)) as Record<string, unknown>);
}

const tokenLogin = { VAULT_TOKEN: "hvs.policy-test-token" };

describe("placeholder resolution with a tenant policy", () => {
  it("reads every path without a policy", async () => {
    const [secret] = await resolveWith(manifests, tokenLogin);

    assert.deepEqual(secret.stringData, { own: "team-a-password", other: "team-b-password" });
    assert.ok(server.count("secret/data/team-b") > 0);
  });

  it("reads allowed paths", async () => {
    const env = { ...tokenLogin, KREVEAL_POLICY_FILE: policyFile, ARGOCD_APP_PROJECT_NAME: "team-a" };
    const [secret] = await resolveWith("apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  own: <vault:secret/team-a/db#password>\n", env);

    assert.deepEqual(secret.stringData, { own: "team-a-password" });
  });

  it("never requests a denied path", async () => {
    const env = { ...tokenLogin, KREVEAL_POLICY_FILE: policyFile, ARGOCD_APP_PROJECT_NAME: "team-a" };
    const error = await caughtError(() => resolveWith(manifests, env));

    assert.deepEqual(
      server.requests.filter((request) => request.path.includes("team-b")),
      [],
    );
    assert.ok(server.count("secret/data/team-a/db") > 0, "the allowed path was not read");

    const errors = listErrors(error);
    assert.deepEqual(
      errors.map((each) => [each.code, each.location]),
      [
        ["POLICY_DENIED", "Secret/app: stringData.other"],
        ["POLICY_DENIED", "ConfigMap/settings: data.copied"],
      ],
    );
    assert.equal(errors[0]?.message, 'Argo CD project "team-a" may not read vault path "secret/team-b/db": projects.team-a.vault.paths allows only secret/data/team-a, secret/team-a');
    assert.match(errors[1]?.message ?? "", /may not read vault path "secret\/data\/team-b\/db"/);
  });

  it("reports denials with the other problems", async () => {
    const env = { ...tokenLogin, KREVEAL_POLICY_FILE: policyFile, ARGOCD_APP_PROJECT_NAME: "team-a" };
    const text = manifests.replace("<vault:secret/team-a/db#password>", "<vault:secret/team-a/db#no-such-key>");
    const errors = listErrors(await caughtError(() => resolveWith(text, env)));

    assert.deepEqual(errors.map((each) => each.code).sort(), ["PLACEHOLDER_MISSING", "POLICY_DENIED", "POLICY_DENIED"]);
  });

  it("denies every read without a project", async () => {
    const env = { ...tokenLogin, KREVEAL_POLICY_FILE: policyFile };
    const errors = listErrors(await caughtError(() => resolveWith(manifests, env)));

    assert.equal(errors.length, 3);
    for (const error of errors) {
      assert.equal(error.code, "POLICY_DENIED");
      assert.match(error.message, /ARGOCD_APP_PROJECT_NAME is not set/);
    }
    assert.deepEqual(server.requests, []);
  });

  it("fails on invalid policy before reading", async () => {
    const env = { ...tokenLogin, KREVEAL_POLICY_FILE: `${policyFile}.missing`, ARGOCD_APP_PROJECT_NAME: "team-a" };
    const error = await caughtError(() => resolveWith(manifests, env));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.deepEqual(server.requests, []);
  });
});

describe("Vault role from the tenant policy", () => {
  // The test server has no "shared-role", so a login with it fails.
  const withTokenFile = () => ({
    KREVEAL_VAULT_AUTH_METHOD: "kubernetes",
    KREVEAL_VAULT_ROLE: "shared-role",
    KREVEAL_VAULT_KUBERNETES_TOKEN_FILE: path.join(home, "sa-token"),
  });

  it("fails the Kubernetes login with KREVEAL_VAULT_ROLE alone", async () => {
    const error = await caughtError(() => resolveWith("a: <vault:secret/team-a/db#password>\n", withTokenFile()));

    assert.equal(error.code, "BACKEND_FORBIDDEN");
  });

  it("replaces KREVEAL_VAULT_ROLE on a Kubernetes login", async () => {
    const env = { ...withTokenFile(), KREVEAL_POLICY_FILE: rolePolicyFile, ARGOCD_APP_PROJECT_NAME: "team-a" };
    const [document] = await resolveWith("a: <vault:secret/team-a/db#password>\n", env);

    assert.deepEqual(document, { a: "team-a-password" });
    assert.equal(server.count("auth/kubernetes/login"), 1);
  });

  it("replaces KREVEAL_VAULT_ROLE on a JWT login", () => {
    const env = { VAULT_ADDR: server.url, KREVEAL_VAULT_AUTH_METHOD: "jwt", KREVEAL_VAULT_JWT_FILE: "/dev/null", KREVEAL_VAULT_ROLE: "shared-role" };
    const settings = loadVaultSettings({ ...env, KREVEAL_POLICY_FILE: rolePolicyFile, ARGOCD_APP_PROJECT_NAME: "team-a" });

    assert.equal(settings.auth.method === "jwt" ? settings.auth.role : "", "team-a-role");
  });

  it("keeps KREVEAL_VAULT_ROLE without a role", () => {
    const env = { VAULT_ADDR: server.url, KREVEAL_VAULT_AUTH_METHOD: "kubernetes", KREVEAL_VAULT_ROLE: "shared-role" };
    const settings = loadVaultSettings({ ...env, KREVEAL_POLICY_FILE: rolePolicyFile, ARGOCD_APP_PROJECT_NAME: "team-b" });

    assert.equal(settings.auth.method === "kubernetes" ? settings.auth.role : "", "shared-role");
  });

  it("rejects role with token or AppRole", async () => {
    const policy = { KREVEAL_POLICY_FILE: rolePolicyFile, ARGOCD_APP_PROJECT_NAME: "team-a" };
    const logins = [{ VAULT_TOKEN: "hvs.policy-test-token" }, { KREVEAL_VAULT_AUTH_METHOD: "approle", VAULT_ROLE_ID: "id", VAULT_SECRET_ID: "secret" }];
    for (const login of logins) {
      const error = await caughtError(() => loadVaultSettings({ VAULT_ADDR: server.url, ...login, ...policy }));
      assert.equal(error.code, "CONFIG_INVALID");
      assert.equal(error.location, rolePolicyFile);
      assert.match(error.message, /projects\.team-a\.vault\.role/);
    }
  });
});
