import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";

import { parseStream } from "../e2e/support.js";
import { tempDir } from "../support/paths.js";
import type { VaultTestServer } from "../support/vault-server.js";
import { approleEnv, avpFixture, expectedOutput, runKrevealAsync, startAvpVault } from "./support.js";

/**
 * Each input of `fixtures/input/nonempty` with the number of documents it adds to `all.yaml`, in
 * the order of AVP's directory run (sorted file names).
 */
const inputs: readonly (readonly [string, number])[] = [
  ["deployment.yaml", 1],
  ["excluded.yaml", 0],
  ["full.yaml", 2],
  ["ignored-secret.yaml", 1],
  ["modifers.yaml", 3],
  ["secret.json", 1],
  ["secret.yaml", 1],
  ["secret_embedded_base64.yaml", 1],
  ["secret_path-multi.yaml", 1],
  ["secret_path.yaml", 1],
  ["secret_path_base64.yaml", 1],
  ["secret_path_base64_substring.yaml", 1],
  ["secret_remove_missing.yaml", 1],
  ["secret_versioned.yaml", 1],
];

/**
 * Inputs whose AVP output kreveal does not reproduce, with the difference. These tests still run
 * and compare in full, so they start to pass when kreveal's output matches.
 */
const differences = new Map<string, string>([]);

/** Inputs that kreveal resolves exactly as AVP does, in `all.yaml` order. */
const matching = inputs.filter(([name, count]) => count > 0 && !differences.has(name)).map(([name]) => name);

let server: VaultTestServer;
let env: Record<string, string> = {};
const cwd = avpFixture("fixtures/input");
const all = expectedOutput("all.yaml");

/** Returns the documents of `all.yaml` that come from input `name`. */
function expectedFor(name: string): Record<string, unknown>[] {
  let start = 0;
  for (const [input, count] of inputs) {
    if (input === name) {
      return all.slice(start, start + count);
    }
    start += count;
  }
  throw new Error(`${name} is not in the input table`);
}

before(async () => {
  server = await startAvpVault();
  env = approleEnv(server, tempDir("kreveal-avp-home-"));
});

after(async () => {
  await server.close();
});

describe("AVP fixtures", () => {
  it("input table covers all.yaml", () => {
    assert.equal(inputs.reduce((sum, [, count]) => sum + count, 0), all.length);
  });

  for (const [name, count] of inputs.filter(([, documents]) => documents > 0)) {
    it(`resolves ${name}`, { todo: differences.get(name) }, async () => {
      const result = await runKrevealAsync(["resolve", `nonempty/${name}`], { cwd, env });
      assert.equal(result.stderr, "");
      assert.equal(result.status, 0);
      const resources = parseStream(result.stdout);
      assert.equal(resources.length, count);
      assert.deepEqual(resources, expectedFor(name));
    });
  }

  it("resolves the folder as all.yaml", async () => {
    const result = await runKrevealAsync(["resolve", "nonempty"], { cwd, env });
    assert.equal(result.stderr, "");
    assert.equal(result.status, 0);
    assert.deepEqual(parseStream(result.stdout), all);
  });

  it("resolves full.yaml from stdin", async () => {
    const input = readFileSync(avpFixture("fixtures/input/nonempty/full.yaml"), "utf8");
    const result = await runKrevealAsync(["resolve", "-"], { cwd, env, input });
    assert.equal(result.stderr, "");
    assert.equal(result.status, 0);
    assert.deepEqual(parseStream(result.stdout), expectedOutput("stdin-full.yaml"));
  });

  it("keeps an ignored Secret as is", async () => {
    const result = await runKrevealAsync(["resolve", "nonempty/ignored-secret.yaml"], { cwd, env });
    assert.equal(result.status, 0);
    assert.deepEqual(parseStream(result.stdout), expectedOutput("ignored-secret.yaml"));
  });

  it("resolves the matching inputs together", async () => {
    const input = matching.map((name) => readFileSync(avpFixture(`fixtures/input/nonempty/${name}`), "utf8")).join("\n---\n");
    const result = await runKrevealAsync(["resolve", "-"], { cwd, env, input });
    assert.equal(result.stderr, "");
    assert.equal(result.status, 0);
    assert.deepEqual(parseStream(result.stdout), matching.flatMap((name) => expectedFor(name)));
  });

  it("resolves modifers.yaml without {range}", async () => {
    const documents = readFileSync(avpFixture("fixtures/input/nonempty/modifers.yaml"), "utf8").split(/^---$/m);
    assert.equal(documents.length, 4);
    const input = [documents[0], documents[2]].join("---\n");
    const result = await runKrevealAsync(["resolve", "-"], { cwd, env, input });
    assert.equal(result.stderr, "");
    assert.equal(result.status, 0);
    const [deployment, , secret] = expectedFor("modifers.yaml");
    assert.deepEqual(parseStream(result.stdout), [deployment, secret]);
  });

  it("reads each secret once per run", async () => {
    const before = server.requests.length;
    const input = matching.map((name) => readFileSync(avpFixture(`fixtures/input/nonempty/${name}`), "utf8")).join("\n---\n");
    const result = await runKrevealAsync(["resolve", "-"], { cwd, env, input });
    assert.equal(result.status, 0);
    const reads = server.requests.slice(before).filter((request) => request.path.startsWith("secret/") || request.path.startsWith("kv/"));
    const paths = reads.map((request) => `${request.path}${request.query}`);
    assert.equal(new Set(paths).size, paths.length, `a secret was read twice: ${paths.join(", ")}`);
  });
});

describe("AVP error inputs", () => {
  const assertFailed = (result: { status: number | null; stdout: string; stderr: string }) => {
    assert.notEqual(result.status, 0);
    assert.equal(result.stdout, "");
    assert.notEqual(result.stderr, "");
  };

  it("fails on a comments-only file", async () => {
    const result = await runKrevealAsync(["resolve", "nonempty/excluded.yaml"], { cwd, env });
    assertFailed(result);
    assert.match(result.stderr, /INPUT_EMPTY/);
  });

  it("fails on the empty folder", async () => {
    const result = await runKrevealAsync(["resolve", "empty"], { cwd, env });
    assertFailed(result);
    assert.match(result.stderr, /INPUT_EMPTY/);
  });

  it("fails on comments-only stdin", async () => {
    const input = readFileSync(avpFixture("fixtures/input/empty/file.yaml"), "utf8");
    const result = await runKrevealAsync(["resolve", "-"], { cwd, env, input });
    assertFailed(result);
    assert.match(result.stderr, /INPUT_EMPTY/);
  });

  it("fails on a missing path", async () => {
    const result = await runKrevealAsync(["resolve", "nonexistent"], { cwd, env });
    assertFailed(result);
    assert.match(result.stderr, /FILE_NOT_FOUND/);
  });

  it("fails on invalid YAML from stdin", async () => {
    const input = readFileSync(avpFixture("fixtures/input/invalid.yaml"), "utf8");
    const result = await runKrevealAsync(["resolve", "-"], { cwd, env, input });
    assertFailed(result);
    assert.match(result.stderr, /INPUT_MALFORMED/);
    assert.match(result.stderr, /line \d+/);
  });
});
