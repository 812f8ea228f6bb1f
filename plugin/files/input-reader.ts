import { readFile, realpath } from "node:fs/promises";

import { KrevealError } from "../errors.js";
import { detectSopsStore } from "../sops/stores/index.js";
import { findRepoRoot } from "./repo-root.js";
import { resolveInputPath, type InputFolders } from "./safe-path.js";

/** Reads the files that a generator names, decrypting the SOPS-encrypted ones in memory. */
export interface InputReader {
  /**
   * Returns the content of the file at `path` (relative to the kustomization folder): the
   * plaintext when the file is SOPS-encrypted, else its bytes. `field` names the generator
   * field in messages, e.g. `envs[1]`.
   */
  read(field: string, path: string): Promise<Uint8Array>;
}

/** Creates the reader used by every generator: paths stay inside `folders.root`. */
export function createInputReader(folders: InputFolders): InputReader {
  return {
    async read(field, path) {
      const location = `${field} "${path}"`;
      const real = await resolveInputPath(field, path, folders);
      const bytes = await readBytes(real, location);

      const store = detectSopsStore(bytes, path);
      if (store === undefined) {
        return bytes;
      }

      // The decrypter and its key sources are loaded only when an input is encrypted.
      const { decrypt } = await import("../sops/decrypt.js");
      const decrypted = await decrypt(bytes, { file: location, store });
      return decrypted.plaintext;
    },
  };
}

async function readBytes(path: string, location: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new KrevealError("FILE_NOT_FOUND", `cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`, {
      location,
      fix: "Check the file's permissions.",
      cause: error,
    });
  }
}

/** Creates the reader for the kustomization folder that the process runs in (its cwd). */
export async function createInputReaderForCwd(): Promise<InputReader> {
  // process.cwd() is the real working folder. $PWD may still name the folder of the shell that started kustomize.
  const cwd = await realpath(process.cwd());
  const root = await findRepoRoot(cwd);
  return createInputReader({ cwd, root });
}
