import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";

/**
 * Helpers around the real `age` command-line tool (Debian package `age`), for interoperability
 * tests. Each returns undefined or throws when the tool is missing, so tests can skip.
 */

/** The installed `age` version, e.g. "1.1.1", or undefined when age is not on PATH. */
export function ageVersion(): string | undefined {
  const result = spawnSync("age", ["--version"], { encoding: "utf8" });
  if (result.error !== undefined || result.status !== 0) {
    return undefined;
  }
  return result.stdout.trim().replace(/^v/, "");
}

/** Checks whether the installed age-keygen can make post-quantum identities (`-pq`, age 1.3 and later). */
export function ageKeygenSupportsPostQuantum(): boolean {
  const result = spawnSync("age-keygen", ["-pq"], { encoding: "utf8" });
  return result.error === undefined && result.status === 0 && result.stdout.includes("AGE-SECRET-KEY-PQ-1");
}

/** Generates an identity file with age-keygen in `dir`; returns its path and recipient. */
export function ageKeygen(dir: string, options: { postQuantum?: boolean } = {}): { identityFile: string; recipient: string } {
  const identityFile = path.join(dir, options.postQuantum === true ? "keys-pq.txt" : "keys.txt");
  const args = options.postQuantum === true ? ["-pq", "-o", identityFile] : ["-o", identityFile];
  execFileSync("age-keygen", args, { stdio: ["ignore", "ignore", "pipe"] });
  const recipient = execFileSync("age-keygen", ["-y", identityFile], { encoding: "utf8" }).trim();
  return { identityFile, recipient };
}

/** Encrypts `plaintext` to one recipient with `age -r RECIPIENT -a`; returns the armored file. */
export function ageEncryptArmored(recipient: string, plaintext: Uint8Array): string {
  return execFileSync("age", ["-r", recipient, "-a"], { input: plaintext, encoding: "utf8" });
}
