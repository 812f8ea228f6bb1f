import { spawn, type ChildProcessByStdio } from "node:child_process";
import type { Readable } from "node:stream";

import { KrevealError } from "../../errors.js";
import { keyCommandTimeoutMs } from "./key-source.js";

/**
 * Runs `SOPS_AGE_KEY_CMD`. Like sops, kreveal splits the command line into words with POSIX
 * shell quoting rules and runs the program directly, without a shell: pipes, redirections and
 * `$VAR` expansion need an explicit `sh -c '…'`.
 */

const VARIABLE = "SOPS_AGE_KEY_CMD";

/**
 * Splits a command line into words. Whitespace separates words, and single quotes keep text as
 * is. Double quotes keep text but honour backslash escapes. A backslash outside quotes escapes
 * the next character, and `#` at the start of a word begins a comment. Returns undefined for an
 * unterminated quote or a trailing backslash.
 */
export function splitCommandLine(line: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let index = 0;

  while (index < line.length) {
    const char = line.charAt(index);
    index++;

    if (/\s/.test(char)) {
      if (word !== undefined) {
        words.push(word);
        word = undefined;
      }
      continue;
    }

    if (char === "#" && word === undefined) {
      break;
    }

    if (char === "'") {
      const end = line.indexOf("'", index);
      if (end < 0) {
        return undefined;
      }
      word = (word ?? "") + line.slice(index, end);
      index = end + 1;
      continue;
    }

    if (char === '"') {
      const quoted = readDoubleQuoted(line, index);
      if (quoted === undefined) {
        return undefined;
      }
      word = (word ?? "") + quoted.text;
      index = quoted.end;
      continue;
    }

    if (char === "\\") {
      if (index >= line.length) {
        return undefined;
      }
      word = (word ?? "") + line.charAt(index);
      index++;
      continue;
    }

    word = (word ?? "") + char;
  }

  if (word !== undefined) {
    words.push(word);
  }
  return words;
}

/** Reads a double-quoted string starting after its opening quote. */
function readDoubleQuoted(line: string, start: number): { text: string; end: number } | undefined {
  let text = "";
  let index = start;
  while (index < line.length) {
    const char = line.charAt(index);
    index++;
    if (char === '"') {
      return { text, end: index };
    }
    if (char === "\\" && index < line.length) {
      text += line.charAt(index);
      index++;
      continue;
    }
    text += char;
  }
  return undefined;
}

/**
 * Runs the key command with `SOPS_AGE_RECIPIENT` set and returns its stdout. Its stderr is
 * discarded and its output never appears in an error, because either may contain private keys.
 */
export async function runAgeKeyCommand(command: string, recipient: string): Promise<Buffer> {
  const argv = splitCommandLine(command);
  const program = argv?.[0];
  if (argv === undefined || program === undefined) {
    throw new KrevealError("KEY_SOURCE_FAILED", `${VARIABLE} is not a valid command line`, {
      fix: `Set ${VARIABLE} to a program and its arguments; quote arguments with ' or ". The command runs without a shell.`,
    });
  }

  const env: NodeJS.ProcessEnv = { ...process.env, SOPS_AGE_RECIPIENT: recipient };
  delete env.KREVEAL_AGE_KEY_PASSPHRASE;

  return new Promise((resolve, reject) => {
    let child: ChildProcessByStdio<null, Readable, null>;
    try {
      child = spawn(program, argv.slice(1), { stdio: ["ignore", "pipe", "ignore"], env, windowsHide: true, timeout: keyCommandTimeoutMs });
    } catch {
      reject(commandFailed(`could not start "${program}"`));
      return;
    }
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));

    child.on("error", (error: NodeJS.ErrnoException) => {
      reject(commandFailed(`could not start "${program}" (${error.code ?? error.message})`));
    });

    child.on("close", (code, signal) => {
      const output = Buffer.concat(chunks);
      if (code === 0) {
        resolve(output);
        return;
      }
      output.fill(0);
      reject(commandFailed(signal === null ? `exited with status ${code ?? "unknown"}` : `timed out after ${keyCommandTimeoutMs / 1000} s or was killed (${signal})`));
    });
  });
}

function commandFailed(failure: string): KrevealError {
  return new KrevealError("KEY_SOURCE_FAILED", `the ${VARIABLE} command ${failure}`, {
    fix: `Run the command from ${VARIABLE} yourself, with SOPS_AGE_RECIPIENT set to the file's recipient, to see its error. It must print an age keys file on stdout.`,
  });
}
