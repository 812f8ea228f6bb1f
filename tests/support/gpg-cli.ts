import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";

import { tempDir } from "./paths.js";

/**
 * Helpers around the real GnuPG `gpg` binary for interoperability tests. Every key lives in a
 * throwaway GNUPGHOME, and the machine's own ~/.gnupg is never read.
 */

/** The installed gpg version line, or undefined when gpg is not on PATH. */
export function gpgVersion(): string | undefined {
  const result = spawnSync("gpg", ["--version"], { encoding: "utf8" });
  if (result.error !== undefined || result.status !== 0) {
    return undefined;
  }
  return result.stdout.split("\n")[0];
}

/** A throwaway GnuPG home holding one passphrase-less test key. */
export interface TestGnupgHome {
  readonly home: string;
  readonly fingerprint: string;
  /** Stops the gpg-agent that gpg started for this home and deletes the home. */
  close(): void;
}

/**
 * Creates a GNUPGHOME in a temporary folder and generates a key without a passphrase in it.
 * `algorithm` is passed to `gpg --quick-gen-key`: "future-default" (Ed25519 with a Curve25519
 * encryption subkey) is fast; "rsa2048" gives an RSA key with an RSA encryption subkey.
 */
export function createGnupgHome(algorithm = "future-default"): TestGnupgHome {
  const home = tempDir("kreveal-gpg-");
  chmodSync(home, 0o700);
  const env = { ...process.env, GNUPGHOME: home };
  const uid = "kreveal test <kreveal-test@example.invalid>";

  execFileSync("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-gen-key", uid, algorithm, "default", "never"], {
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  if (algorithm !== "future-default") {
    const listing = execFileSync("gpg", ["--batch", "--with-colons", "--list-keys"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const primary = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1] ?? "";
    execFileSync("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--quick-add-key", primary, algorithm, "encr", "never"], {
      env,
      stdio: ["ignore", "ignore", "pipe"],
    });
  }

  const listing = execFileSync("gpg", ["--batch", "--with-colons", "--list-keys"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1];
  if (fingerprint === undefined) {
    throw new Error("gpg did not list the generated key");
  }

  return {
    home,
    fingerprint,
    close: () => {
      spawnSync("gpgconf", ["--kill", "gpg-agent"], { env, stdio: "ignore" });
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Encrypts bytes to the key with `gpg --encrypt --armor`; returns the armored message. */
export function gpgEncrypt(gnupg: TestGnupgHome, plaintext: Uint8Array): string {
  return execFileSync("gpg", ["--batch", "--trust-model", "always", "--encrypt", "--armor", "--recipient", gnupg.fingerprint], {
    env: { ...process.env, GNUPGHOME: gnupg.home },
    input: plaintext,
    encoding: "utf8",
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** Exports the secret key, armored, with `gpg --export-secret-keys --armor`. */
export function gpgExportSecretKey(gnupg: TestGnupgHome): string {
  return execFileSync("gpg", ["--batch", "--pinentry-mode", "loopback", "--passphrase", "", "--export-secret-keys", "--armor", gnupg.fingerprint], {
    env: { ...process.env, GNUPGHOME: gnupg.home },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}
