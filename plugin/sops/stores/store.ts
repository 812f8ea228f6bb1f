import type { Branch } from "../tree.js";

/** The file formats sops reads. sops picks one from the file extension, and anything else is binary. */
export type StoreName = "yaml" | "json" | "dotenv" | "ini" | "binary";

/** An encrypted file split into its data branches and its raw `sops` metadata. */
export interface EncryptedDocument {
  /** Data branches with the `sops` metadata removed; encrypted leaves are still `ENC[...]` strings. */
  readonly branches: Branch[];
  /**
   * The metadata as plain JavaScript values, already unflattened for dotenv and INI, or undefined
   * when the file has no `sops` metadata.
   */
  readonly metadata: Record<string, unknown> | undefined;
}

/**
 * One sops store: reads the encrypted form of a file and writes the decrypted tree back in the
 * same format, as `sops --decrypt` prints it.
 */
export interface Store {
  readonly name: StoreName;
  /** Parses the encrypted file. Throws KrevealError(INPUT_MALFORMED) naming `file` on bad syntax. */
  parse(bytes: Uint8Array, file: string): EncryptedDocument;
  /** Writes decrypted branches in the store's own format. */
  emit(branches: readonly Branch[]): Uint8Array;
}
