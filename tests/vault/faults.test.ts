import assert from "node:assert/strict";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, it } from "node:test";

import type { KrevealError } from "../../plugin/errors.js";
import { VaultTestServer } from "../support/vault-server.js";
import { assertNoSecrets, backendWith, contextWithin, readError } from "./support.js";

const TOKEN = "hvs.fault-test-token";
const ROLE_ID = "fault-role-id";
const SECRET_ID = "fault-secret-id";
const VALUE = "fault-test-password";
const SECRETS = [TOKEN, ROLE_ID, SECRET_ID, VALUE];
const BUDGET_MS = 1500;

/** Reads secret/app and checks that the failure came within the budget and leaks nothing. */
async function failedRead(read: Promise<unknown>, started: number): Promise<KrevealError> {
  const error = await readError(read);
  assert.ok(Date.now() - started < BUDGET_MS + 500, `failed after ${Date.now() - started} ms, beyond the budget`);
  assertNoSecrets(error, SECRETS);
  return error;
}

describe("Vault faults", () => {
  let server: VaultTestServer;

  beforeEach(async () => {
    server = await VaultTestServer.start();
    server
      .namespace()
      .mountKv("secret", 2)
      .addToken(TOKEN, { paths: ["secret/data/app", "secret/app"] })
      .write("secret/app", { password: VALUE })
      .write("secret/other", { password: VALUE })
      .addLoginRole("approle", "approle", ROLE_ID, SECRET_ID, { numUses: 2, paths: ["secret/"] });
  });

  afterEach(async () => {
    await server.close();
  });

  const tokenBackend = () => backendWith({ VAULT_ADDR: server.url, VAULT_TOKEN: TOKEN });
  const appRoleBackend = () => backendWith({ VAULT_ADDR: server.url, KREVEAL_VAULT_AUTH_METHOD: "approle", VAULT_ROLE_ID: ROLE_ID, VAULT_SECRET_ID: SECRET_ID });

  it("reports Vault down as unavailable", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const started = Date.now();

    const error = await failedRead(backendWith({ VAULT_ADDR: `http://127.0.0.1:${port}`, VAULT_TOKEN: TOKEN }).read("secret/app", undefined, contextWithin(BUDGET_MS)), started);

    assert.equal(error.code, "BACKEND_UNAVAILABLE");
    assert.match(error.message, /cannot be reached \(ECONNREFUSED\) after 5 attempts/);
  });

  it("reports a slow Vault as timed out", async () => {
    server.inject({ path: "secret/data/app", delayMs: 3000 });
    const started = Date.now();

    const error = await failedRead(tokenBackend().read("secret/app", undefined, contextWithin(BUDGET_MS)), started);

    assert.equal(error.code, "BACKEND_TIMEOUT");
    assert.match(error.message, /reading secret\/app from Vault timed out/);
  });

  it("waits for Retry-After after a 429", async () => {
    server.inject({ path: "secret/data/app", status: 429, retryAfter: "1", times: 1 });
    const started = Date.now();

    const data = await tokenBackend().read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: VALUE });
    assert.ok(Date.now() - started >= 950, "the retry came before Retry-After");
    assert.equal(server.count("secret/data/app"), 2);
  });

  it("reports a lasting 429 as rate limited", async () => {
    server.inject({ path: "secret/data/app", status: 429 });
    const started = Date.now();

    const error = await failedRead(tokenBackend().read("secret/app", undefined, contextWithin(BUDGET_MS)), started);

    assert.equal(error.code, "BACKEND_RATE_LIMITED");
    assert.match(error.message, /reading secret\/app failed: Vault rate limited the request/);
    assert.equal(server.count("secret/data/app"), 5);
  });

  it("stops when Retry-After exceeds the budget", async () => {
    server.inject({ path: "secret/data/app", status: 429, retryAfter: "30" });
    const started = Date.now();

    const error = await failedRead(tokenBackend().read("secret/app", undefined, contextWithin(BUDGET_MS)), started);

    assert.equal(error.code, "BACKEND_RATE_LIMITED");
    assert.equal(server.count("secret/data/app"), 1);
  });

  it("retries a 503 and succeeds", async () => {
    server.inject({ path: "secret/data/app", status: 503, times: 2 });

    const data = await tokenBackend().read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: VALUE });
    assert.equal(server.count("secret/data/app"), 3);
  });

  it("reports a lasting 503 as unavailable", async () => {
    server.inject({ path: "secret/data/app", status: 503 });
    const started = Date.now();

    const error = await failedRead(tokenBackend().read("secret/app", undefined, contextWithin(BUDGET_MS)), started);

    assert.equal(error.code, "BACKEND_UNAVAILABLE");
    assert.match(error.message, /HTTP 503 after 5 attempts/);
  });

  it("retries a dropped connection", async () => {
    server.inject({ path: "secret/data/app", drop: true, times: 1 });

    const data = await tokenBackend().read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: VALUE });
  });

  it("logs in again when a working token expires", async () => {
    const backend = appRoleBackend();

    await backend.read("secret/app", undefined, contextWithin(BUDGET_MS));
    const data = await backend.read("secret/other", undefined, contextWithin(BUDGET_MS));

    assert.deepEqual(data, { password: VALUE });
    assert.equal(server.count("auth/approle/login"), 2);
    const denied = server.requests.filter((request) => request.status === 403);
    assert.equal(denied.length, 1);
  });

  it("reports forbidden when the fresh login is denied too", async () => {
    const backend = appRoleBackend();
    await backend.read("secret/app", undefined, contextWithin(BUDGET_MS));
    server.inject({ path: "secret/data/other", status: 403 });
    const started = Date.now();

    const error = await failedRead(backend.read("secret/other", undefined, contextWithin(BUDGET_MS)), started);

    assert.equal(error.code, "BACKEND_FORBIDDEN");
    assert.equal(server.count("auth/approle/login"), 2);
  });

  it("does not log in again for a static token", async () => {
    const backend = tokenBackend();
    await backend.read("secret/app", undefined, contextWithin(BUDGET_MS));
    server.namespace().revokeAllTokens();
    const started = Date.now();

    const error = await failedRead(backend.read("secret/app", "1", contextWithin(BUDGET_MS)), started);

    assert.equal(error.code, "BACKEND_FORBIDDEN");
    assert.equal(server.count("auth/"), 0);
  });

  it("reports a forbidden path", async () => {
    const started = Date.now();

    const error = await failedRead(tokenBackend().read("secret/other", undefined, contextWithin(BUDGET_MS)), started);

    assert.equal(error.code, "BACKEND_FORBIDDEN");
    assert.match(error.message, /secret\/other/);
  });

  it("reports a forbidden read after the mount lookup", async () => {
    server.inject({ path: "secret/data/app", status: 403 });
    const started = Date.now();

    const error = await failedRead(tokenBackend().read("secret/app", "1", contextWithin(BUDGET_MS)), started);

    assert.equal(error.code, "BACKEND_FORBIDDEN");
    assert.match(error.message, /reading secret\/app \(version 1\) failed: Vault denied access/);
  });

  it("reports a missing path", async () => {
    const started = Date.now();

    const error = await failedRead(tokenBackend().read("secret/app/missing", undefined, contextWithin(BUDGET_MS)), started);

    assert.equal(error.code, "BACKEND_NOT_FOUND");
    assert.match(error.message, /secret\/app\/missing/);
  });

  it("returns the map without an absent key", async () => {
    const data = await tokenBackend().read("secret/app", undefined, contextWithin(BUDGET_MS));

    assert.equal(Object.hasOwn(data, "username"), false);
  });

  it("stops when the context is aborted", async () => {
    server.inject({ path: "secret/data/app", delayMs: 3000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("run failed")), 100);
    const started = Date.now();

    const error = await failedRead(tokenBackend().read("secret/app", undefined, contextWithin(BUDGET_MS, controller.signal)), started);

    assert.equal(error.code, "BACKEND_FAILED");
    assert.match(error.message, /cancelled/);
    assert.ok(Date.now() - started < 1000);
  });
});
