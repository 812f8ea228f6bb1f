import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";

import { VaultTestServer } from "../support/vault-server.js";
import { assertNoSecrets, backendWith, contextWithin, readError } from "./support.js";

const TOKEN = "hvs.kv-test-token";

describe("Vault KV reads", () => {
  let server: VaultTestServer;

  before(async () => {
    server = await VaultTestServer.start();
    server
      .namespace()
      .mountKv("kv1", 1)
      .mountKv("secret", 2)
      .mountKv("team/apps", 2)
      .addToken(TOKEN)
      .write("kv1/app", { password: "v1-password", port: 5432 })
      .write("secret/app", { password: "first-password" })
      .write("secret/app", { password: "second-password" })
      .write("secret/app", { password: "third-password" })
      .deleteVersion("secret/app", 2)
      .destroyVersion("secret/app", 1)
      .write("team/apps/web", { apiKey: "nested-mount-key" });
  });

  after(async () => {
    await server.close();
  });

  const backend = () => backendWith({ VAULT_ADDR: server.url, VAULT_TOKEN: TOKEN });

  it("reads a KV v1 secret", async () => {
    const data = await backend().read("kv1/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: "v1-password", port: 5432 });
    assert.ok(server.requests.some((request) => request.path === "kv1/app"));
  });

  it("reads the latest KV v2 version", async () => {
    const data = await backend().read("secret/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: "third-password" });
  });

  it("accepts a KV v2 path with data/", async () => {
    const data = await backend().read("secret/data/app", undefined, contextWithin(5000));

    assert.deepEqual(data, { password: "third-password" });
  });

  it("reads a pinned KV v2 version", async () => {
    const before = server.requests.length;
    const data = await backend().read("secret/data/app", "3", contextWithin(5000));

    assert.deepEqual(data, { password: "third-password" });
    const read = server.requests.slice(before).find((request) => request.path === "secret/data/app");
    assert.equal(read?.query, "?version=3");
  });

  it("finds a mount with several segments", async () => {
    const data = await backend().read("team/apps/web", undefined, contextWithin(5000));

    assert.deepEqual(data, { apiKey: "nested-mount-key" });
  });

  it("reports a deleted version by path and version", async () => {
    const error = await readError(backend().read("secret/app", "2", contextWithin(5000)));

    assert.equal(error.code, "BACKEND_NOT_FOUND");
    assert.match(error.message, /version 2 of secret\/app was deleted/);
    assertNoSecrets(error, [TOKEN, "second-password"]);
  });

  it("reports a destroyed version by path and version", async () => {
    const error = await readError(backend().read("secret/data/app", "1", contextWithin(5000)));

    assert.equal(error.code, "BACKEND_NOT_FOUND");
    assert.match(error.message, /version 1 of secret\/data\/app was destroyed/);
    assertNoSecrets(error, [TOKEN, "first-password"]);
  });

  it("reports a version that was never written", async () => {
    const error = await readError(backend().read("secret/app", "9", contextWithin(5000)));

    assert.equal(error.code, "BACKEND_NOT_FOUND");
    assert.match(error.message, /secret\/app/);
  });

  it("reports a missing KV v2 path", async () => {
    const error = await readError(backend().read("secret/nothing-here", undefined, contextWithin(5000)));

    assert.equal(error.code, "BACKEND_NOT_FOUND");
    assert.match(error.message, /no secret at secret\/nothing-here/);
    assertNoSecrets(error, [TOKEN]);
  });

  it("reports a missing KV v1 path", async () => {
    const error = await readError(backend().read("kv1/nothing-here", undefined, contextWithin(5000)));

    assert.equal(error.code, "BACKEND_NOT_FOUND");
    assert.match(error.message, /kv1\/nothing-here/);
  });

  it("reports a path outside every mount as missing", async () => {
    const error = await readError(backend().read("nomount/app", undefined, contextWithin(5000)));

    assert.equal(error.code, "BACKEND_NOT_FOUND");
  });

  it("rejects a version on a KV v1 mount", async () => {
    const error = await readError(backend().read("kv1/app", "2", contextWithin(5000)));

    assert.equal(error.code, "PLACEHOLDER_INVALID");
    assert.match(error.message, /KV v1/);
  });

  it("rejects invalid paths and versions", async () => {
    for (const [path, version] of [["secret/../sys/app", undefined], ["secret", undefined], ["secret//app", undefined], ["secret/app", "latest"], ["secret/app", "0"]] as const) {
      const error = await readError(backend().read(path, version, contextWithin(5000)));
      assert.equal(error.code, "PLACEHOLDER_INVALID", `${path} version ${String(version)}`);
    }
  });

  it("asks for each mount's version once", async () => {
    const vault = backend();
    const before = server.count("sys/internal/ui/mounts/");

    await Promise.all([
      vault.read("secret/app", undefined, contextWithin(5000)),
      vault.read("secret/data/app", "3", contextWithin(5000)),
      vault.read("kv1/app", undefined, contextWithin(5000)),
    ]);
    await vault.read("secret/app", undefined, contextWithin(5000));

    assert.equal(server.count("sys/internal/ui/mounts/") - before, 2);
  });
});
