import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root, found from this compiled file at build/tests/support/paths.js. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The folder with the upstream fixture files copied into this repository. */
export const upstream = path.join(repoRoot, "tests/fixtures/upstream");

export function fixture(relative: string): string {
  return path.join(upstream, relative);
}

/** Creates a fresh temporary folder for one test. */
export function tempDir(prefix = "kreveal-test-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/**
 * Points every key lookup of this process at the test keys and away from the machine's own
 * keys. Call it before the first decryption: key sources cache what they load.
 */
export function useTestKeys(): void {
  const home = tempDir("kreveal-home-");
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = path.join(home, ".config");
  process.env.GNUPGHOME = path.join(home, ".gnupg");
  delete process.env.SOPS_AGE_KEY;
  delete process.env.SOPS_AGE_KEY_CMD;
  process.env.SOPS_AGE_KEY_FILE = fixture("sops/_history/v3.7.3/age/keys.txt");
  process.env.KREVEAL_PGP_KEY_FILE = [
    fixture("sops/pgp/sops_functional_tests_key.asc"),
    fixture("sopssecretgenerator/testdata/secring.gpg"),
  ].join(path.delimiter);
}
