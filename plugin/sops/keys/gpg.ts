import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";

import { keyCommandTimeoutMs } from "./key-source.js";

/**
 * Decrypts a PGP master key with the user's own GnuPG, which is sops's fallback too. The `gpg`
 * binary (or the one named by `SOPS_GPG_EXEC`) reads the armored message on stdin and writes the
 * data key to stdout, so nothing touches the disk. gpg finds its home in `GNUPGHOME` itself and
 * may ask gpg-agent, and through it a pinentry, for a passphrase.
 */

/** The outcome of one gpg run: the data key, or why there is none. */
export type GpgResult = { readonly dataKey: Uint8Array } | { readonly reason: string };

let gpgMissing = false;

/** Returns the gpg program to run: `SOPS_GPG_EXEC`, or `gpg` when that is unset or empty. */
export function gpgProgram(): string {
  const configured = process.env.SOPS_GPG_EXEC ?? "";
  return configured === "" ? "gpg" : configured;
}

/** Forgets that gpg was not found, so the next call looks again. For tests. */
export function forgetGpgAvailability(): void {
  gpgMissing = false;
}

/**
 * Runs `gpg --decrypt` on one armored message. Never throws: a missing binary or a failed
 * decryption becomes a reason. gpg's own messages are dropped except its status lines naming the
 * missing secret keys and its "decryption failed" line, which carry no secrets.
 */
export async function decryptWithGpg(message: string): Promise<GpgResult> {
  const program = gpgProgram();
  if (gpgMissing) {
    return { reason: `${program} is not installed` };
  }

  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.KREVEAL_AGE_KEY_PASSPHRASE;
  const args = ["--batch", "--quiet", "--no-tty", "--status-fd", "2", "--decrypt"];

  return new Promise((resolve) => {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"], env, windowsHide: true, timeout: keyCommandTimeoutMs });
    } catch {
      resolve({ reason: `${program} could not be started` });
      return;
    }
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));

    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        gpgMissing = true;
        resolve({ reason: `${program} is not installed` });
      } else {
        resolve({ reason: `${program} could not be started (${error.code ?? error.message})` });
      }
    });

    child.on("close", (code, signal) => {
      const output = Buffer.concat(stdout);
      if (code === 0) {
        resolve({ dataKey: output });
        return;
      }
      output.fill(0);
      const status = signal === null ? `exited with status ${code ?? "unknown"}` : `timed out after ${keyCommandTimeoutMs / 1000} s or was killed (${signal})`;
      resolve({ reason: describeFailure(Buffer.concat(stderr).toString("utf8")) ?? `${program} ${status}` });
    });

    // gpg may exit before it reads all of stdin; that failure is reported through "close".
    child.stdin.on("error", () => undefined);
    child.stdin.end(message);
  });
}

/**
 * Builds a reason from gpg's status lines (`--status-fd`): ENC_TO and NO_SECKEY name the key IDs
 * the message is for, and gpg's "decryption failed" line gives the cause. Other output is dropped.
 */
function describeFailure(stderr: string): string | undefined {
  const recipients = new Set<string>();
  const missingKeys = new Set<string>();
  let failure: string | undefined;

  for (const line of stderr.split(/\r?\n/)) {
    const status = /^\[GNUPG:\] (ENC_TO|NO_SECKEY) ([0-9A-Fa-f]{8,40})\b/.exec(line);
    if (status?.[2] !== undefined) {
      (status[1] === "ENC_TO" ? recipients : missingKeys).add(status[2].toUpperCase());
    }
    const failed = /^gpg: ((?:public key )?decryption failed: .{1,200})$/.exec(line);
    if (failed?.[1] !== undefined) {
      failure = failed[1];
    }
  }

  if (missingKeys.size > 0) {
    return `gpg has no secret key for key ID ${[...missingKeys].join(", ")}`;
  }
  if (failure === undefined) {
    return undefined;
  }
  return recipients.size === 0 ? `gpg: ${failure}` : `gpg: ${failure} (key ID ${[...recipients].join(", ")})`;
}
