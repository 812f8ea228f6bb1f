import { Scalar, visit, type Document } from "yaml";

import { needsQuotes } from "./yaml-scalars.js";

/**
 * Plain scalars with a meaning of their own in YAML 1.1: `<<` is the merge key (the yaml package
 * and PyYAML merge maps on it) and `=` the value key (PyYAML fails on it). needsQuotes follows
 * yaml.v3, which treats both as strings.
 */
const yaml11Indicators = new Set(["<<", "="]);

/**
 * Writes a document as YAML that YAML 1.1 and 1.2 readers read back alike: every plain string
 * that one of them would read as something else (`on`, `yes`, `y`, `N`, `0123`, `1e3`, ...) is
 * double-quoted, keys included. Long strings are never folded. Changes the styles in `document`.
 */
export function stringifyDocument(document: Document): string {
  visit(document, {
    Scalar(_key, node) {
      // Multi-line strings are left to the yaml package, which writes them as block scalars:
      // their content is a string for every reader.
      const value = node.value;
      if (typeof value === "string" && (node.type === undefined || node.type === Scalar.PLAIN) && !value.includes("\n") && (needsQuotes(value) || yaml11Indicators.has(value))) {
        node.type = Scalar.QUOTE_DOUBLE;
      }
    },
  });
  return document.toString({ lineWidth: 0 });
}

/** Writes documents made with `new Document(...)` (no directives) as one YAML stream, each starting with `---`. */
export function stringifyStream(documents: readonly Document[]): string {
  return documents.map((document) => `---\n${stringifyDocument(document)}`).join("");
}
