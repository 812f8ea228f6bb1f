import { Document, type YAMLMap } from "yaml";

import { stringifyDocument } from "../formats/yaml-write.js";

/**
 * Wraps each ResourceList item in a document of its own without copying it, so that a
 * transformer's changes to the documents land in the ResourceList's items.
 */
export function wrapItems(items: readonly YAMLMap[]): Document[] {
  return items.map((item) => {
    const document = new Document(null);
    document.contents = item;
    return document;
  });
}

/**
 * Writes transformed documents as a YAML stream, each starting with `---`, the output of a
 * kustomize legacy exec transformer. Comments and key order are kept as they came.
 */
export function renderDocumentStream(documents: readonly Document[]): string {
  return documents
    .map((document) => {
      if (document.directives !== undefined) {
        document.directives.docStart = true;
      }
      const text = stringifyDocument(document);
      return text.startsWith("---") || text.startsWith("%") ? text : `---\n${text}`;
    })
    .join("");
}
