import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

import { bundle, parseStream, requireBundle, type RunResult } from "../e2e/support.js";
import { fixture } from "../support/paths.js";
import { VaultTestServer } from "../support/vault-server.js";

export const ROLE_ID = "avp-fixtures-role";
export const SECRET_ID = "avp-fixtures-secret-id";

/** Returns the path of a file below the AVP fixtures folder (`fixtures/` or `examples/`). */
export function avpFixture(relative: string): string {
  return fixture(`avp/${relative}`);
}

/** Parses an expected output of the AVP fixtures into plain objects. */
export function expectedOutput(name: string): Record<string, unknown>[] {
  return parseDocuments(readFileSync(avpFixture(`fixtures/output/${name}`), "utf8"));
}

/** Parses a YAML stream into plain objects, leaving out empty documents (AVP ends its output with `---`). */
export function parseDocuments(text: string): Record<string, unknown>[] {
  const documents: (Record<string, unknown> | null)[] = parseStream(text);
  return documents.filter((document): document is Record<string, unknown> => document !== null);
}

/**
 * Starts the test Vault server with the data of the AVP fixtures: `secret/` is KV v1, `kv/` is
 * KV v2, and an AppRole login at `approle` issues tokens that may read `secret/` and `kv/` only.
 */
export async function startAvpVault(): Promise<VaultTestServer> {
  const server = await VaultTestServer.start();
  const root = server.namespace();
  root.mountKv("secret", 1).mountKv("kv", 2);
  root.addLoginRole("approle", "approle", ROLE_ID, SECRET_ID, { paths: ["secret/", "kv/"] });

  root.write("secret/testing", {
    name: "test-name",
    namespace: "test-namespace",
    version: "1.0",
    replicas: "2",
    tag: "1.0",
    "secret-var-value": "dGVzdC1wYXNzd29yZA==",
    "secret-var-value2": "dGVzdC1wYXNzd29yZDI=",
    "secret-num": "MQ==",
    "secret-var-clear": "test-password",
  });
  root.write("secret/foo", { secret: "bar" });
  root.write("secret/json", { data: { service: { enableTLS: true, ports: [80, 8080] }, deployment: { replicas: 2, image: { name: "json-test", tag: "latest" } } } });
  root.write("secret/jsonstring", { secret: JSON.stringify({ credentials: { user: "test-user", pass: "test-password" } }) });
  root.write("secret/bad_test", { hello: "world" });
  root.write("secret/base64", { encoded_secret: Buffer.from(JSON.stringify({ key1: "secret1", key2: "secret2", key3: "secret3" })).toString("base64") });
  root.write("secret/yaml", { secret: "---\nkey1: secret1\nkey2: secret2\nkey3: secret3" });

  root.write("kv/testing", { name: "test-kv-name", namespace: "test-kv-namespace", version: "1.2", replicas: "3", tag: "1.1", "target-port": 80 });
  root.write("kv/test", { hello: "world" });
  root.write("kv/versioned", { secret: "version1" });
  root.write("kv/versioned", { secret: "version2" });
  return server;
}

/** Returns the environment of the upstream run in kreveal's names: AppRole login against `server`. */
export function approleEnv(server: VaultTestServer, home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    HOME: home,
    VAULT_ADDR: server.url,
    KREVEAL_VAULT_AUTH_METHOD: "approle",
    VAULT_ROLE_ID: ROLE_ID,
    VAULT_SECRET_ID: SECRET_ID,
  };
}

/**
 * Runs the bundled `kreveal` without blocking this process, because the test Vault server runs
 * in the same event loop and must respond while kreveal waits.
 */
export function runKrevealAsync(args: readonly string[], options: { cwd: string; env: Record<string, string>; input?: string }): Promise<RunResult> {
  requireBundle();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, ...args], { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"], timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
