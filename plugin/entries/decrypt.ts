import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";

import { KrevealError } from "../errors.js";
import { decrypt } from "../sops/decrypt.js";
import { storeForPath } from "../sops/stores/index.js";
import type { StoreName } from "../sops/stores/store.js";
import { readStdin, writeStdout } from "./stdio.js";

const storeNames: readonly StoreName[] = ["yaml", "json", "dotenv", "ini", "binary"];

/**
 * `kreveal decrypt FILE`: prints the plaintext of a SOPS file in its own format, like
 * `sops --decrypt`. The format comes from the extension unless `--input-type` names it.
 */
export async function main(args: string[]): Promise<void> {
  const { values, positionals } = parseDecryptArgs(args);
  if (values.help === true) {
    await writeStdout(decryptUsage);
    return;
  }

  const file = positionals.at(0);
  if (file === undefined || positionals.length > 1) {
    throw new KrevealError("USAGE", "decrypt takes exactly one FILE argument (use - for stdin)", {
      fix: "Run: kreveal decrypt [--input-type yaml|json|dotenv|ini|binary] FILE",
    });
  }

  const store = chooseStore(file, values["input-type"]);
  const bytes = await readInput(file);
  const decrypted = await decrypt(bytes, { file: file === "-" ? "(stdin)" : file, store });
  await writeStdout(decrypted.plaintext);
}

const decryptUsage = `usage: kreveal decrypt [--input-type yaml|json|dotenv|ini|binary] FILE

Prints the plaintext of a SOPS-encrypted FILE in its own format, like sops --decrypt. The format
comes from the file extension unless --input-type names it; FILE - reads standard input and needs
--input-type. Private keys are found as sops finds them (SOPS_AGE_KEY, SOPS_AGE_KEY_FILE,
SOPS_AGE_KEY_CMD, the default age keys.txt, KREVEAL_PGP_KEY_FILE, GnuPG).
`;

function parseDecryptArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      allowPositionals: true,
      options: { "input-type": { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (error) {
    throw new KrevealError("USAGE", error instanceof Error ? error.message : "invalid arguments", {
      fix: "Run: kreveal decrypt --help",
    });
  }
}

function chooseStore(file: string, inputType: string | undefined): StoreName {
  if (inputType === undefined) {
    if (file === "-") {
      throw new KrevealError("USAGE", "reading from stdin needs --input-type", {
        fix: "Add --input-type yaml, json, dotenv, ini or binary.",
      });
    }
    return storeForPath(file).name;
  }

  const name = storeNames.find((candidate) => candidate === inputType);
  if (name === undefined) {
    throw new KrevealError("USAGE", `unknown --input-type "${inputType}"`, { fix: `Use one of: ${storeNames.join(", ")}.` });
  }
  return name;
}

async function readInput(file: string): Promise<Uint8Array> {
  if (file === "-") {
    return readStdin();
  }

  try {
    return await readFile(file);
  } catch (error) {
    throw new KrevealError("FILE_NOT_FOUND", "the file cannot be read", {
      location: file,
      fix: "Check the path and the file's permissions.",
      cause: error,
    });
  }
}
