import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { createVaultBackend } from "../../plugin/placeholders/backends/vault/index.js";
import { VaultTestServer } from "../support/vault-server.js";
import { assertNoSecrets, backendWith, contextWithin, emptyHome, FAST_RETRY, readError } from "./support.js";

const SECRET_VALUE = "auth-test-password";
const ROLE_ID = "role-id-1234";
const SECRET_ID = "secret-id-5678";
const K8S_JWT = "eyJ.kubernetes-service-account.sig";
const OIDC_JWT = "eyJ.ci-pipeline-token.sig";

describe("Vault auth methods", () => {
  let server: VaultTestServer;
  let files: string;

  before(async () => {
    server = await VaultTestServer.start();
    server
      .namespace()
      .mountKv("secret", 2)
      .write("secret/app", { password: SECRET_VALUE })
      .addToken("hvs.static-token")
      .addToken("hvs.file-token")
      .addLoginRole("approle", "approle", ROLE_ID, SECRET_ID)
      .addLoginRole("approle", "ci/approle", ROLE_ID, SECRET_ID)
      .addLoginRole("kubernetes", "kubernetes", "kreveal", K8S_JWT, { ttlSeconds: 60 })
      .addLoginRole("jwt", "jwt", "pipeline", OIDC_JWT, { ttlSeconds: 60 });
    server.namespace("team-a").mountKv("secret", 2).addToken("hvs.team-a-token").write("secret/app", { password: "team-a-password" });

    files = mkdtempSync(path.join(os.tmpdir(), "kreveal-vault-auth-"));
    writeFileSync(path.join(files, "secret-id"), `${SECRET_ID}\n`);
    writeFileSync(path.join(files, "sa-token"), `${K8S_JWT}\n`);
    writeFileSync(path.join(files, "ci.jwt"), OIDC_JWT);
  });

  after(async () => {
    await server.close();
  });

  it("reads with VAULT_TOKEN", async () => {
    const data = await backendWith({ VAULT_ADDR: server.url, VAULT_TOKEN: "hvs.static-token" }).read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: SECRET_VALUE });
  });

  it("reads the token from ~/.vault-token", async () => {
    const home = emptyHome();
    writeFileSync(path.join(home, ".vault-token"), "hvs.file-token\n");
    const backend = createVaultBackend({ env: { HOME: home, VAULT_ADDR: server.url }, retry: FAST_RETRY });

    const data = await backend.read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: SECRET_VALUE });
  });

  it("fails without any token", async () => {
    const error = await readError(backendWith({ VAULT_ADDR: server.url }).read("secret/app", undefined, contextWithin(5000)));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.match(error.message, /VAULT_TOKEN is not set/);
  });

  it("fails without VAULT_ADDR", async () => {
    const error = await readError(backendWith({ VAULT_TOKEN: "hvs.static-token" }).read("secret/app", undefined, contextWithin(5000)));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.match(error.message, /VAULT_ADDR is not set/);
    assertNoSecrets(error, ["hvs.static-token"]);
  });

  it("logs in with AppRole", async () => {
    const env = { VAULT_ADDR: server.url, KREVEAL_VAULT_AUTH_METHOD: "approle", VAULT_ROLE_ID: ROLE_ID, VAULT_SECRET_ID: SECRET_ID };
    const data = await backendWith(env).read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: SECRET_VALUE });
  });

  it("logs in with AppRole from a secret-id file and another mount", async () => {
    const before = server.count("auth/ci/approle/login");
    const env = {
      VAULT_ADDR: server.url,
      KREVEAL_VAULT_AUTH_METHOD: "approle",
      KREVEAL_VAULT_AUTH_MOUNT: "ci/approle",
      VAULT_ROLE_ID: ROLE_ID,
      KREVEAL_VAULT_SECRET_ID_FILE: path.join(files, "secret-id"),
    };
    const data = await backendWith(env).read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: SECRET_VALUE });
    assert.equal(server.count("auth/ci/approle/login") - before, 1);
  });

  it("rejects a wrong AppRole secret id", async () => {
    const env = { VAULT_ADDR: server.url, KREVEAL_VAULT_AUTH_METHOD: "approle", VAULT_ROLE_ID: ROLE_ID, VAULT_SECRET_ID: "wrong-secret-id" };
    const error = await readError(backendWith(env).read("secret/app", undefined, contextWithin(5000)));

    assert.equal(error.code, "BACKEND_FORBIDDEN");
    assert.match(error.message, /AppRole at auth\/approle/);
    assertNoSecrets(error, ["wrong-secret-id", ROLE_ID]);
  });

  it("logs in with Kubernetes", async () => {
    const env = {
      VAULT_ADDR: server.url,
      KREVEAL_VAULT_AUTH_METHOD: "kubernetes",
      KREVEAL_VAULT_ROLE: "kreveal",
      KREVEAL_VAULT_KUBERNETES_TOKEN_FILE: path.join(files, "sa-token"),
    };
    const data = await backendWith(env).read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: SECRET_VALUE });
  });

  it("rejects a Kubernetes role that does not exist", async () => {
    const env = {
      VAULT_ADDR: server.url,
      KREVEAL_VAULT_AUTH_METHOD: "kubernetes",
      KREVEAL_VAULT_ROLE: "someone-else",
      KREVEAL_VAULT_KUBERNETES_TOKEN_FILE: path.join(files, "sa-token"),
    };
    const error = await readError(backendWith(env).read("secret/app", undefined, contextWithin(5000)));

    assert.equal(error.code, "BACKEND_FORBIDDEN");
    assertNoSecrets(error, [K8S_JWT]);
  });

  it("reports a missing service-account token file", async () => {
    const env = {
      VAULT_ADDR: server.url,
      KREVEAL_VAULT_AUTH_METHOD: "kubernetes",
      KREVEAL_VAULT_ROLE: "kreveal",
      KREVEAL_VAULT_KUBERNETES_TOKEN_FILE: path.join(files, "absent"),
    };
    const error = await readError(backendWith(env).read("secret/app", undefined, contextWithin(5000)));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.location, path.join(files, "absent"));
  });

  it("logs in with JWT", async () => {
    const env = { VAULT_ADDR: server.url, KREVEAL_VAULT_AUTH_METHOD: "jwt", KREVEAL_VAULT_ROLE: "pipeline", KREVEAL_VAULT_JWT_FILE: path.join(files, "ci.jwt") };
    const data = await backendWith(env).read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: SECRET_VALUE });
  });

  it("rejects an unknown auth method", async () => {
    const error = await readError(backendWith({ VAULT_ADDR: server.url, KREVEAL_VAULT_AUTH_METHOD: "userpass" }).read("secret/app", undefined, contextWithin(5000)));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.match(error.message, /userpass/);
  });

  it("shares one login among concurrent reads", async () => {
    const before = server.count("auth/approle/login");
    const env = { VAULT_ADDR: server.url, KREVEAL_VAULT_AUTH_METHOD: "approle", VAULT_ROLE_ID: ROLE_ID, VAULT_SECRET_ID: SECRET_ID };
    const backend = backendWith(env);

    const results = await Promise.all(Array.from({ length: 8 }, () => backend.read("secret/app", undefined, contextWithin(5000))));

    assert.equal(results.length, 8);
    assert.equal(server.count("auth/approle/login") - before, 1);
  });

  it("reads from the namespace in VAULT_NAMESPACE", async () => {
    const data = await backendWith({ VAULT_ADDR: server.url, VAULT_TOKEN: "hvs.team-a-token", VAULT_NAMESPACE: "team-a/" }).read(
      "secret/app",
      undefined,
      contextWithin(5000),
    );

    assert.deepEqual(data, { password: "team-a-password" });
    assert.ok(server.requests.some((request) => request.namespace === "team-a" && request.path === "secret/data/app"));
  });

  it("keeps namespaces apart", async () => {
    const error = await readError(
      backendWith({ VAULT_ADDR: server.url, VAULT_TOKEN: "hvs.static-token", VAULT_NAMESPACE: "team-a" }).read("secret/app", undefined, contextWithin(5000)),
    );

    assert.equal(error.code, "BACKEND_FORBIDDEN");
    assertNoSecrets(error, ["hvs.static-token", "team-a-password"]);
  });

  it("takes settings from the KREVEAL_VAULT_CONFIG file", async () => {
    const config = path.join(files, "vault.yaml");
    writeFileSync(config, `VAULT_ADDR: ${server.url}\nKREVEAL_VAULT_AUTH_METHOD: approle\nVAULT_ROLE_ID: ${ROLE_ID}\nVAULT_SECRET_ID: ${SECRET_ID}\n`);

    const data = await backendWith({ KREVEAL_VAULT_CONFIG: config }).read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: SECRET_VALUE });
  });

  it("rejects unknown names in the config file", async () => {
    const config = path.join(files, "bad.yaml");
    writeFileSync(config, `VAULT_ADDR: ${server.url}\nVAULT_TOKN: typo\n`);

    const error = await readError(backendWith({ KREVEAL_VAULT_CONFIG: config }).read("secret/app", undefined, contextWithin(5000)));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.match(error.message, /VAULT_TOKN/);
    assertNoSecrets(error, ["typo"]);
  });
});
