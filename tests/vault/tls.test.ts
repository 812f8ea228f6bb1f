import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";

import { VaultTestServer } from "../support/vault-server.js";
import { assertNoSecrets, backendWith, contextWithin, readError } from "./support.js";

const TOKEN = "hvs.tls-test-token";

/** Makes a self-signed certificate for 127.0.0.1 with the openssl CLI; undefined when it is missing. */
function selfSignedCertificate(): { keyFile: string; certFile: string } | undefined {
  const dir = mkdtempSync(path.join(os.tmpdir(), "kreveal-vault-tls-"));
  const keyFile = path.join(dir, "key.pem");
  const certFile = path.join(dir, "cert.pem");
  const result = spawnSync(
    "openssl",
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyFile, "-out", certFile,
      "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
    { stdio: "ignore" },
  );
  return result.status === 0 ? { keyFile, certFile } : undefined;
}

const certificate = selfSignedCertificate();

describe("Vault over HTTPS", { skip: certificate === undefined ? "openssl is not installed" : false }, () => {
  let server: VaultTestServer;

  before(async () => {
    assert.ok(certificate !== undefined);
    server = await VaultTestServer.start({ key: readFileSync(certificate.keyFile, "utf8"), cert: readFileSync(certificate.certFile, "utf8") });
    server.namespace().mountKv("secret", 2).addToken(TOKEN).write("secret/app", { password: "tls-password" });
  });

  after(async () => {
    await server.close();
  });

  it("trusts the CA in VAULT_CACERT", async () => {
    assert.ok(certificate !== undefined);
    const backend = backendWith({ VAULT_ADDR: server.url, VAULT_TOKEN: TOKEN, VAULT_CACERT: certificate.certFile });

    const data = await backend.read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: "tls-password" });
  });

  it("rejects an unknown certificate without retrying", async () => {
    const connectionsBefore = server.connections;
    const requestsBefore = server.requests.length;

    const error = await readError(backendWith({ VAULT_ADDR: server.url, VAULT_TOKEN: TOKEN }).read("secret/app", undefined, contextWithin(5000)));

    assert.equal(error.code, "BACKEND_FAILED");
    assert.match(error.message, /certificate was rejected/);
    assert.equal(server.connections - connectionsBefore, 1);
    assert.equal(server.requests.length, requestsBefore);
    assertNoSecrets(error, [TOKEN]);
  });

  it("reports an unreadable VAULT_CACERT", async () => {
    const missing = path.join(os.tmpdir(), "kreveal-no-such-ca.pem");
    const error = await readError(backendWith({ VAULT_ADDR: server.url, VAULT_TOKEN: TOKEN, VAULT_CACERT: missing }).read("secret/app", undefined, contextWithin(5000)));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.location, missing);
  });
});
