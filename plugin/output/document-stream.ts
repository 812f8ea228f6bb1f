import type { Document } from "yaml";

import { stringifyDocument } from "../formats/yaml-write.js";

/**
 * Writes parsed documents as one YAML stream in which every document starts with `---`, whether
 * or not its input had the marker. Changes the documents' styles (see stringifyDocument).
 */
export function writeDocumentStream(documents: readonly Document[]): string {
  return documents.map((document) => writeDocument(document)).join("");
}

/** Writes one parsed document, starting with `---` (or with its directives, which end in `---`). */
export function writeDocument(document: Document): string {
  if (document.directives !== undefined) {
    document.directives.docStart = true;
  }
  const text = stringifyDocument(document);
  return text.startsWith("---") || text.startsWith("%") ? text : `---\n${text}`;
}
