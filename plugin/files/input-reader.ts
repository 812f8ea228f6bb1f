import { readFileSync, realpathSync } from "node:fs";
import { relative, sep } from "node:path";

import { KrevealError } from "../errors.js";
import { policyFileOf } from "../policy/policy-file.js";
import type { DecryptedFile } from "../sops/decrypt.js";
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

  /**
   * Returns the decrypted content of a file that must be SOPS-encrypted, as the tools that read
   * only SOPS files (KSOPS, SopsSecretGenerator) require. An empty file fails with INPUT_EMPTY and
   * a file without sops metadata with SOPS_METADATA_MISSING.
   */
  readEncrypted(field: string, path: string): Promise<DecryptedFile>;
}

/**
 * Creates the reader used by every generator: paths stay inside `folders.root`. When `env` names
 * a tenant policy (KREVEAL_POLICY_FILE), every SOPS-encrypted file is checked against the
 * project's sops rule before it is decrypted.
 */
export function createInputReader(folders: InputFolders, env: NodeJS.ProcessEnv = process.env): InputReader {
  return {
    async read(field, path) {
      const location = `${field} "${path}"`;
      const real = resolveInputPath(field, path, folders);
      const bytes = readBytes(real, location);

      const store = detectSopsStore(bytes, path);
      if (store === undefined) {
        rejectOrphanedCiphertext(bytes, location);
        return bytes;
      }

      await checkSopsPolicy(real, folders.root, location, env);
      // The decrypter and its key sources are loaded only when an input is encrypted.
      const { decrypt } = await import("../sops/decrypt.js");
      const decrypted = await decrypt(bytes, { file: location, store });
      return decrypted.plaintext;
    },

    async readEncrypted(field, path) {
      const location = `${field} "${path}"`;
      const real = resolveInputPath(field, path, folders);
      const bytes = readBytes(real, location);

      const store = detectSopsStore(bytes, path);
      if (store === undefined && bytes.length > 0) {
        throw new KrevealError("SOPS_METADATA_MISSING", "the file has no sops metadata, so it is not a SOPS-encrypted file", {
          location,
          fix: "Encrypt the file with sops: this field reads SOPS-encrypted files only. A kreveal SecretGenerator also reads plain files.",
        });
      }

      await checkSopsPolicy(real, folders.root, location, env);
      // decrypt() reports an empty file as INPUT_EMPTY and never uses the store given for it.
      const { decrypt } = await import("../sops/decrypt.js");
      return decrypt(bytes, { file: location, store: store ?? "binary" });
    },
  };
}

/**
 * Throws POLICY_DENIED when a tenant policy applies and its sops rule does not allow the file at
 * `real` (a real path inside `root`). Without KREVEAL_POLICY_FILE this reads no file and loads no
 * module.
 */
async function checkSopsPolicy(real: string, root: string, location: string, env: NodeJS.ProcessEnv): Promise<void> {
  const file = policyFileOf(env);
  if (file === undefined) {
    return;
  }

  const { projectPolicy } = await import("../policy/access.js");
  projectPolicy(file, env).checkSopsFile(relative(root, real).split(sep).join("/"), location);
}

const encryptedValueMarker = Buffer.from("ENC[AES256_GCM,");

/**
 * Rejects a plain file that contains sops `ENC[...]` values. Its metadata was lost, typically in
 * a merge, and using it as it is would ship ciphertext strings as passwords.
 */
function rejectOrphanedCiphertext(bytes: Uint8Array, location: string): void {
  if (Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(encryptedValueMarker)) {
    throw new KrevealError("SOPS_METADATA_MISSING", "the file contains ENC[AES256_GCM,...] values but no sops metadata", {
      location,
      fix: "The sops metadata was probably lost in a merge or an edit. Restore the file from version control, or re-encrypt it with sops.",
    });
  }
}

function readBytes(path: string, location: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new KrevealError("FILE_NOT_FOUND", `cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`, {
      location,
      fix: "Check the file's permissions.",
      cause: error,
    });
  }
}

/**
 * Creates the reader for the kustomization folder that the process runs in (its cwd). The file
 * calls here and in safe-path.ts are synchronous because asynchronous ones would load
 * node:fs/promises and start libuv's thread pool, which slows down every run's start-up.
 */
export function createInputReaderForCwd(): InputReader {
  // process.cwd() is the real working folder. $PWD may still name the folder of the shell that started kustomize.
  const cwd = realpathSync.native(process.cwd());
  const root = findRepoRoot(cwd);
  return createInputReader({ cwd, root });
}
