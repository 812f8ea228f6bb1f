import { readFileSync, writeSync } from "node:fs";

/**
 * Standard input and output through plain file-descriptor calls. Touching `process.stdin` or
 * `process.stdout` loads Node's stream, net and tty machinery, which costs more start-up time
 * than the rest of a small kustomize function call.
 */

const pause = new Int32Array(new SharedArrayBuffer(4));

/** Reads all of standard input. */
export async function readStdin(): Promise<Buffer> {
  try {
    return readFileSync(0);
  } catch (error) {
    // A non-blocking stdin (a pipe set up by some callers) cannot be read synchronously.
    if (!isErrno(error, "EAGAIN")) {
      throw error;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) {
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }
}

/**
 * Writes the whole output to stdout before returning. Entry points call it once, after
 * everything succeeded, so that a failure leaves stdout empty.
 */
export function writeStdout(output: string | Uint8Array): Promise<void> {
  const bytes = typeof output === "string" ? Buffer.from(output, "utf8") : output;

  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset, bytes.length - offset);
    } catch (error) {
      if (!isErrno(error, "EAGAIN")) {
        throw error;
      }
      // The reader is slower than kreveal: wait a millisecond and write the rest.
      Atomics.wait(pause, 0, 0, 1);
    }
  }
  return Promise.resolve();
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}
