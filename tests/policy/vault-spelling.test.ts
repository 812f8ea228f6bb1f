import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";

import { parse } from "yaml";

import { parseYamlStream } from "../../plugin/formats/yaml-read.js";
import { stringifyDocument } from "../../plugin/formats/yaml-write.js";
import { createVaultBackend } from "../../plugin/placeholders/backends/vault/index.js";
import { resolvePlaceholders } from "../../plugin/placeholders/resolve.js";
import { tempDir } from "../support/paths.js";
import { VaultTestServer } from "../support/vault-server.js";
import { caughtError, listErrors, writePolicy } from "./support.js";

// On a KV v2 mount kreveal reads `secret/data/x` and `secret/x` as the same secret. So the policy
// must compare both spellings of a path with both spellings of a prefix. It must decide on the
// mount that Vault reports rather than on how the path is written.

const FAST_RETRY = { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 3 };
const TOKEN = "hvs.spelling-test-token";

let server: VaultTestServer;
let home = "";

before(async () => {
  server = await VaultTestServer.start();
  server
    .namespace()
    .mountKv("secret", 2)
    .mountKv("kv", 1)
    .write("secret/team-a/db", { password: "team-a-password" })
    .write("secret/team-b/db", { password: "team-b-password" })
    .write("secret/data/report", { password: "data-folder-password" })
    .write("kv/team-a/db", { password: "kv1-team-a-password" })
    .addToken(TOKEN);
  home = tempDir("kreveal-spelling-home-");
});

after(async () => {
  await server.close();
});

beforeEach(() => {
  server.requests.length = 0;
});

function policyAllowing(...paths: string[]): string {
  return writePolicy(`apiVersion: kreveal.dev/v1alpha1
kind: TenantPolicy
projects:
  team-a:
    vault:
      paths: [${paths.join(", ")}]
`);
}

/** Resolves one Secret holding `placeholder` as project team-a under the policy in `policyFile`. */
async function resolveAs(policyFile: string, placeholder: string): Promise<unknown> {
  const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  value: ${placeholder}\n`;
  const env = { HOME: home, VAULT_ADDR: server.url, VAULT_TOKEN: TOKEN, KREVEAL_POLICY_FILE: policyFile, ARGOCD_APP_PROJECT_NAME: "team-a" };
  const documents = parseYamlStream(text, "test input");
  const vault = createVaultBackend({ env, retry: FAST_RETRY });
  await resolvePlaceholders(documents, { cwd: home, env, loadBackend: () => Promise.resolve(vault), timeoutMs: 10_000 });
  const [document] = documents;
  const secret = parse(stringifyDocument(document)) as { stringData: { value: unknown } };
  return secret.stringData.value;
}

/** Counts GET requests for the secret itself (not mount lookups) whose path starts with `prefix`. */
function secretReads(prefix: string): number {
  return server.requests.filter((request) => request.method === "GET" && request.path.startsWith(prefix)).length;
}

describe("tenant policy and KV v2 path spellings", () => {
  it("API-form prefix allows the CLI-form path", async () => {
    const value = await resolveAs(policyAllowing("secret/data/team-a"), "<vault:secret/team-a/db#password>");

    assert.equal(value, "team-a-password");
  });

  it("CLI-form prefix allows the API-form path", async () => {
    const value = await resolveAs(policyAllowing("secret/team-a"), "<path:secret/data/team-a/db#password>");

    assert.equal(value, "team-a-password");
  });

  it("data folder does not cover mount", async () => {
    const policy = policyAllowing("secret/data/data");

    const allowed = await resolveAs(policy, "<vault:secret/data/data/report#password>");
    const error = await caughtError(() => resolveAs(policy, "<vault:secret/data/team-b/db#password>"));

    assert.equal(allowed, "data-folder-password");
    assert.deepEqual(
      listErrors(error).map((item) => item.code),
      ["POLICY_DENIED"],
    );
    assert.match(error.message, /may not read vault path "secret\/data\/team-b\/db"/);
    assert.equal(secretReads("secret/data/team-b"), 0);
  });

  it("bare data prefix covers mount", async () => {
    const value = await resolveAs(policyAllowing("secret/data"), "<vault:secret/team-b/db#password>");

    assert.equal(value, "team-b-password");
  });

  it("KV v1 compares paths as written", async () => {
    const policy = policyAllowing("kv/data/team-a");

    const error = await caughtError(() => resolveAs(policy, "<vault:kv/team-a/db#password>"));

    assert.equal(error.code, "POLICY_DENIED");
    assert.equal(secretReads("kv/team-a"), 0);
  });

  it("other mount's prefix never matches", async () => {
    const error = await caughtError(() => resolveAs(policyAllowing("kv/team-a"), "<vault:secret/team-a/db#password>"));

    assert.equal(error.code, "POLICY_DENIED");
    assert.equal(server.requests.length, 0);
  });
});
