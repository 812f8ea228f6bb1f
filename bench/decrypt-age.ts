/**
 * Decrypts 1,000 age-keyed SOPS YAML files in one process with kreveal and with the npm package
 * sops-age, on the same files in the same run, and prints the ratio. sops-age does not check the
 * MAC, so it does less work per file than kreveal.
 *
 * Run: npm run build && node build/bench/decrypt-age.js [files] [rounds]
 */
import { createRequire } from "node:module";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { generateX25519Identity, identityToRecipient } from "age-encryption";

import { decrypt } from "../plugin/sops/decrypt.js";
import { ageWrapper, writeSops } from "../tests/support/sops-writer.js";
import { formatMs, median, timeRounds } from "./stats.js";

const fileCount = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 5);

interface SopsAge {
  decryptSops: (input: string, options: { secretKey: string; fileType: string }) => Promise<unknown>;
}
const { decryptSops } = createRequire(import.meta.url)("sops-age") as SopsAge;

function secretManifest(index: number): string {
  return [
    "apiVersion: v1",
    "kind: Secret",
    "metadata:",
    `    name: app-${index}`,
    "stringData:",
    `    username: user-${index}`,
    `    password: password-${index}-${"x".repeat(24)}`,
    `    url: postgres://db-${index}.internal:5432/app`,
    "",
  ].join("\n");
}

async function main(): Promise<void> {
  const identity = await generateX25519Identity();
  const recipient = await identityToRecipient(identity);

  const dir = mkdtempSync(path.join(tmpdir(), "kreveal-bench-"));
  const keyFile = path.join(dir, "keys.txt");
  writeFileSync(keyFile, `${identity}\n`);
  process.env.SOPS_AGE_KEY_FILE = keyFile;
  process.env.HOME = dir;
  process.env.XDG_CONFIG_HOME = dir;

  const files: string[] = [];
  for (let index = 0; index < fileCount; index++) {
    const file = path.join(dir, `secret-${index}.enc.yaml`);
    const bytes = await writeSops({
      store: "yaml",
      plaintext: secretManifest(index),
      groups: [[ageWrapper(recipient)]],
      rule: { field: "encrypted_regex", value: "^(data|stringData)$" },
    });
    writeFileSync(file, bytes);
    files.push(file);
  }

  // Both decrypters must agree on the content before their speed means anything.
  const sample = readFileSync(files[7] ?? "", "utf8");
  const ours = await decrypt(Buffer.from(sample), { file: "sample", store: "yaml" });
  const theirs = (await decryptSops(sample, { secretKey: identity, fileType: "yaml" })) as { stringData: { password: string } };
  if (!Buffer.from(ours.plaintext).toString("utf8").includes(theirs.stringData.password)) {
    throw new Error("kreveal and sops-age disagree on the sample file");
  }

  const runKreveal = async (): Promise<void> => {
    for (const file of files) {
      await decrypt(readFileSync(file), { file, store: "yaml" });
    }
  };
  const runSopsAge = async (): Promise<void> => {
    for (const file of files) {
      await decryptSops(readFileSync(file, "utf8"), { secretKey: identity, fileType: "yaml" });
    }
  };

  await runKreveal();
  await runSopsAge();
  const kreveal: number[] = [];
  const peer: number[] = [];
  for (let round = 0; round < rounds; round++) {
    kreveal.push(...(await timeRounds(1, runKreveal)));
    peer.push(...(await timeRounds(1, runSopsAge)));
  }

  const ratio = median(peer) / median(kreveal);
  console.log(`decrypt ${fileCount} age SOPS files, median of ${rounds} rounds`);
  console.log(`  kreveal   ${formatMs(median(kreveal))}`);
  console.log(`  sops-age  ${formatMs(median(peer))}`);
  console.log(`  kreveal is ${ratio.toFixed(2)}x faster than sops-age (target: at least 5x)`);

  rmSync(dir, { recursive: true, force: true });
}

await main();
