/**
 * The YAML store: every document of the stream is one branch, the `sops` mapping of the first
 * document is the metadata, and output is written as yaml.v3 writes it with indent 4.
 */
import { KrevealError } from "../../errors.js";
import { toPlain, type Branch } from "../tree.js";
import type { EncryptedDocument, Store } from "./store.js";
import { CommentPlacer, findComments } from "./yaml-comments.js";
import { emitYamlBranches } from "./yaml-emit.js";
import { parseYamlDocuments, type ParsedYamlDocument } from "./yaml-parse.js";

const METADATA_KEY = "sops";

/** Decodes bytes as UTF-8, which YAML and JSON require. Throws INPUT_MALFORMED naming `file`. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new KrevealError("INPUT_MALFORMED", "the file is not valid UTF-8 text", { location: file, fix: "Save the file as UTF-8." });
  }
}

/** Gives every comment to the document it appears in: the last one starting at or before it. */
function placeComments(text: string, documents: readonly ParsedYamlDocument[]): void {
  const placers = documents.map((doc) => new CommentPlacer(text, doc.containers, doc.root));
  for (const comment of findComments(text)) {
    let index = 0;
    documents.forEach((doc, position) => {
      if (doc.start <= comment.offset) {
        index = position;
      }
    });
    placers[index]?.place(comment);
  }
  placers.forEach((placer) => placer.apply());
}

function extractMetadata(branches: Branch[]): Record<string, unknown> | undefined {
  const first = branches.at(0);
  const pair = first?.items.find((item) => item.kind === "pair" && item.key === METADATA_KEY);
  const metadata = pair?.kind === "pair" ? toPlain(pair.value) : undefined;

  for (const branch of branches) {
    const kept = branch.items.filter((item) => !(item.kind === "pair" && item.key === METADATA_KEY));
    branch.items.splice(0, branch.items.length, ...kept);
  }
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    return undefined;
  }
  return metadata as Record<string, unknown>;
}

export const yamlStore: Store = {
  name: "yaml",

  parse(bytes: Uint8Array, file: string): EncryptedDocument {
    const text = decodeUtf8(bytes, file);
    const documents = parseYamlDocuments(text, file);
    placeComments(text, documents);
    const branches = documents.map((doc) => doc.branch);
    const metadata = extractMetadata(branches);
    return { branches, metadata };
  },

  emit(branches: readonly Branch[]): Uint8Array {
    return Buffer.from(emitYamlBranches(branches), "utf8");
  },
};
