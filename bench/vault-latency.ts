/**
 * Resolves 500 placeholders on 500 distinct paths of the test Vault server on 127.0.0.1, which
 * adds 20 ms to every secret read. Checks that the server saw exactly 500 secret reads, prints
 * the mount lookups separately, and compares the wall time with the floor for kreveal's default
 * concurrency of 16: 500 / 16 x 20 ms.
 *
 * Run: npm run build && node build/bench/vault-latency.js [rounds]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";

import { parseYamlStream } from "../plugin/formats/yaml-read.js";
import { createVaultBackend } from "../plugin/placeholders/backends/vault/index.js";
import { resolvePlaceholders } from "../plugin/placeholders/resolve.js";
import { VaultTestServer } from "../tests/support/vault-server.js";
import { formatMs, median } from "./stats.js";

const rounds = Number(process.argv[2] ?? 5);
const PATHS = 500;
const LATENCY_MS = 20;
const CONCURRENCY = 16;
const TOKEN = "bench-token";

function buildStream(): string {
  const parts = Array.from({ length: PATHS }, (_, index) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${index}\ndata:\n  value: <vault:secret/latency/p-${index}#value>\n`);
  return parts.join("---\n");
}

async function main(): Promise<void> {
  const server = await VaultTestServer.start();
  const store = server.namespace().mountKv("secret", 1).addToken(TOKEN);
  for (let index = 0; index < PATHS; index++) {
    store.write(`secret/latency/p-${index}`, { value: `v-${index}` });
  }
  server.inject({ path: "secret/", delayMs: LATENCY_MS });
  const env = { VAULT_ADDR: server.url, VAULT_TOKEN: TOKEN, HOME: mkdtempSync(path.join(tmpdir(), "kreveal-bench-home-")) };
  const stream = buildStream();

  const walls: number[] = [];
  const reads: number[] = [];
  const lookups: number[] = [];
  let failed = false;
  for (let round = 0; round < rounds; round++) {
    const before = server.requests.length;
    const documents = parseYamlStream(stream, "bench stream");
    const backend = createVaultBackend({ env });

    // Placeholders use the default concurrency, which CONCURRENCY restates for the floor.
    const start = performance.now();
    await resolvePlaceholders(documents, { cwd: process.cwd(), loadBackend: () => Promise.resolve(backend) });
    walls.push(performance.now() - start);

    const seen = server.requests.slice(before);
    const secretReads = seen.filter((request) => request.path.startsWith("secret/")).length;
    const mountLookups = seen.filter((request) => request.path.startsWith("sys/internal/ui/mounts/")).length;
    reads.push(secretReads);
    lookups.push(mountLookups);
    if (secretReads !== PATHS || seen.length !== secretReads + mountLookups) {
      console.error(`round ${round}: the server saw ${secretReads} secret reads (expected ${PATHS}) among ${seen.length} requests`);
      failed = true;
    }
  }
  await server.close();

  const floor = (PATHS / CONCURRENCY) * LATENCY_MS;
  console.log(`vault latency, ${PATHS} distinct paths with ${LATENCY_MS} ms per read, median of ${rounds} rounds (Node ${process.version})`);
  console.log(`  floor: ${PATHS} / ${CONCURRENCY} x ${LATENCY_MS} ms                  ${formatMs(floor)}`);
  console.log(`  kreveal resolve                           ${formatMs(median(walls))}  ${(median(walls) / floor).toFixed(2)}x floor (target: at most 1.5x)`);
  console.log(`  secret reads per round                    ${reads.join(", ")} (expected ${PATHS} each)`);
  console.log(`  mount lookups per round                   ${lookups.join(", ")}`);
  process.exitCode = failed ? 1 : 0;
}

await main();
