/**
 * The binary store: the encrypted file is a JSON envelope `{"data": "ENC[...]", "sops": {...}}`
 * and the decrypted output is the bytes of `data`, exactly, with nothing added.
 */
import { KrevealError } from "../../errors.js";
import type { Branch } from "../tree.js";
import { jsonStore } from "./json.js";
import type { EncryptedDocument, Store } from "./store.js";

export const binaryStore: Store = {
  name: "binary",

  parse(bytes: Uint8Array, file: string): EncryptedDocument {
    return jsonStore.parse(bytes, file);
  },

  emit(branches: readonly Branch[]): Uint8Array {
    const data = branches[0]?.items.find((item) => item.kind === "pair" && item.key === "data");
    if (data?.kind === "pair" && data.value.kind === "str") {
      return Buffer.from(data.value.value, "utf8");
    }
    if (data?.kind === "pair" && data.value.kind === "bytes") {
      return data.value.value;
    }
    throw new KrevealError("INPUT_MALFORMED", "the binary file has no string value under the key \"data\"", {
      location: "data",
      fix: "Decrypt the file with the store that matches its format (YAML, JSON, dotenv or INI).",
    });
  },
};
