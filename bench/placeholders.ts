/**
 * Measures `kreveal resolve`'s in-process work on a stream of 10,000 ConfigMaps holding 1,000
 * `<vault:...>` placeholders (100 secrets of 10 keys on the test Vault server on 127.0.0.1):
 * parse, collect, fetch, substitute and stringify. The floor is the `yaml` package parsing and
 * stringifying the same stream in the same run, with rounds interleaved. The fetch part (first
 * read started to last read finished) is printed separately, and the ratio without it too.
 *
 * Run: npm run build && node build/bench/placeholders.js [rounds]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { parseAllDocuments } from "yaml";

import { parseYamlStream } from "../plugin/formats/yaml-read.js";
import { stringifyDocument } from "../plugin/formats/yaml-write.js";
import type { SecretBackend } from "../plugin/placeholders/backends/backend.js";
import { createVaultBackend } from "../plugin/placeholders/backends/vault/index.js";
import { resolvePlaceholders } from "../plugin/placeholders/resolve.js";
import { VaultTestServer } from "../tests/support/vault-server.js";
import { formatMs, median } from "./stats.js";

const rounds = Number(process.argv[2] ?? 7);
const RESOURCES = 10_000;
const SECRETS = 100;
const KEYS = 10;
const TOKEN = "bench-token";

/** Every tenth ConfigMap contains one placeholder, so 1,000 in all, spread over every (secret, key). */
function buildStream(): string {
  const parts: string[] = [];
  for (let index = 0; index < RESOURCES; index++) {
    const slot = index / 10;
    const value = index % 10 === 0 ? `<vault:secret/bench/app-${slot % SECRETS}#key-${Math.floor(slot / SECRETS) % KEYS}>` : `plain-${index}`;
    parts.push(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${index}\n  labels:\n    app: bench\ndata:\n  value: ${value}\n  other: fixed\n`);
  }
  return parts.join("---\n");
}

/** Wraps the real Vault backend to record when the first read starts and the last one ends. */
function timedBackend(backend: SecretBackend, span: { start: number; end: number }): SecretBackend {
  return {
    scheme: backend.scheme,
    async read(secretPath, version, context) {
      span.start = Math.min(span.start, performance.now());
      try {
        return await backend.read(secretPath, version, context);
      } finally {
        span.end = Math.max(span.end, performance.now());
      }
    },
  };
}

async function main(): Promise<void> {
  const server = await VaultTestServer.start();
  const store = server.namespace().mountKv("secret", 1).addToken(TOKEN);
  for (let secret = 0; secret < SECRETS; secret++) {
    store.write(`secret/bench/app-${secret}`, Object.fromEntries(Array.from({ length: KEYS }, (_, key) => [`key-${key}`, `value-${secret}-${key}`])));
  }
  const env = { VAULT_ADDR: server.url, VAULT_TOKEN: TOKEN, HOME: mkdtempSync(path.join(tmpdir(), "kreveal-bench-home-")) };
  const stream = buildStream();

  const floor: number[] = [];
  const total: number[] = [];
  const fetch: number[] = [];
  for (let round = 0; round < rounds + 1; round++) {
    let start = performance.now();
    const plain = parseAllDocuments(stream);
    const plainText = (Array.isArray(plain) ? plain : [plain]).map((document) => document.toString()).join("");
    const floorMs = performance.now() - start;

    const span = { start: Number.POSITIVE_INFINITY, end: 0 };
    const backend = timedBackend(createVaultBackend({ env }), span);
    start = performance.now();
    const documents = parseYamlStream(stream, "bench stream");
    await resolvePlaceholders(documents, { cwd: process.cwd(), loadBackend: () => Promise.resolve(backend) });
    const resolved = documents.map((document) => stringifyDocument(document)).join("---\n");
    const totalMs = performance.now() - start;

    if (!resolved.includes("value-99-9") || resolved.includes("<vault:") || plainText.length === 0) {
      throw new Error("the resolved stream does not contain the expected values");
    }
    // The first round warms the JIT and is not counted.
    if (round > 0) {
      floor.push(floorMs);
      total.push(totalMs);
      fetch.push(span.end - span.start);
    }
  }
  await server.close();

  const withoutFetch = total.map((value, index) => value - (fetch[index] ?? 0));
  console.log(`placeholders, 10,000 resources with 1,000 placeholders over ${SECRETS} secrets, median of ${rounds} rounds (Node ${process.version})`);
  console.log(`  yaml parse + stringify                    ${formatMs(median(floor))}`);
  console.log(`  kreveal parse, resolve, stringify         ${formatMs(median(total))}  ${(median(total) / median(floor)).toFixed(2)}x yaml (target: at most 1.5x)`);
  console.log(`    of which fetching from Vault            ${formatMs(median(fetch))}`);
  console.log(`  kreveal without the fetch                 ${formatMs(median(withoutFetch))}  ${(median(withoutFetch) / median(floor)).toFixed(2)}x yaml`);
}

await main();
