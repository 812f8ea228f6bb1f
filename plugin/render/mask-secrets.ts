import { createHash } from "node:crypto";

import { isMap, isScalar, isSeq, Scalar, visit, type Document, type YAMLMap } from "yaml";

import { KrevealError } from "../errors.js";
import { parseYamlStream } from "../formats/yaml-read.js";

/** Name of the masked text in messages. */
const location = "kustomize output";

/** The annotation in which `kubectl apply` keeps a copy of the whole object, values included. */
const lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * Replaces every value of every Secret in a YAML stream with a short digest: `sha256:` and the
 * first 12 hex digits of the SHA-256 of the value. For `data` the digest covers the base64-decoded
 * bytes, for `stringData` the UTF-8 text, so a key shows the same digest in either field. Keys,
 * names (with their hash suffixes) and the other fields stay. The
 * `kubectl.kubernetes.io/last-applied-configuration` annotation of a Secret is masked as well,
 * because it repeats the values.
 *
 * Documents that are not Secrets are copied from `text` byte for byte. Secrets inside the `items`
 * of a `...List` document are masked too. A masked Secret is written again by the yaml package,
 * which keeps its key order, comments and scalar styles.
 *
 * The digest is short and unsalted: it lets a reader compare values, and anyone who can guess a
 * low-entropy value can confirm the guess.
 */
export function maskSecrets(text: string): string {
  const documents = parseYamlStream(text, location);

  const starts = documents.map((document) => documentStart(document));

  let output = text.slice(0, starts[0] ?? text.length);
  for (const [index, document] of documents.entries()) {
    const end = starts[index + 1] ?? text.length;
    output += maskDocument(document) ? document.toString({ lineWidth: 0, indentSeq: false, flowCollectionPadding: false }) : text.slice(starts[index], end);
  }
  return output;
}

/** Returns the offset in the parsed text where a document begins, at its `---` line when it has one. */
function documentStart(document: Document): number {
  const range = document.range;
  if (range === undefined) {
    throw new Error("a parsed YAML document has no source range");
  }
  return range[0];
}

/** Masks the Secrets in one document and returns whether it contains any. */
function maskDocument(document: Document): boolean {
  const contents = document.contents;
  if (!isMap(contents)) {
    return false;
  }

  const secrets = [contents, ...listItems(contents)].filter(isSecret);
  if (secrets.length === 0) {
    return false;
  }

  rejectAliases(document);
  for (const secret of secrets) {
    maskField(secret, "data", "base64");
    maskField(secret, "stringData", "utf8");
    maskLastApplied(secret);
  }
  return true;
}

function listItems(resource: YAMLMap): YAMLMap[] {
  const kind = resource.get("kind");
  const items = resource.get("items", true);
  if (typeof kind !== "string" || !kind.endsWith("List") || !isSeq(items)) {
    return [];
  }
  return items.items.filter((item) => isMap(item));
}

function isSecret(resource: YAMLMap): boolean {
  return resource.get("kind") === "Secret";
}

/**
 * Rejects a document with an alias. An alias in a Secret could repeat a value at a place that is
 * not masked, and masking the anchored node would leave the alias pointing nowhere. kustomize
 * writes no aliases, so only other input fails here.
 */
function rejectAliases(document: Document): void {
  const aliases: unknown[] = [];
  visit(document, {
    Alias(_key, node) {
      aliases.push(node);
      return visit.BREAK;
    },
  });

  if (aliases.length > 0) {
    throw new KrevealError("INPUT_MALFORMED", "a Secret document uses a YAML alias, which --mask cannot hide safely", {
      location,
      fix: "Render without --mask, or remove the anchors and aliases from the Secret.",
    });
  }
}

/** Masks each value of `data` or `stringData`. A field that is not a map is masked as a whole. */
function maskField(secret: YAMLMap, field: string, encoding: "base64" | "utf8"): void {
  const values: unknown = secret.get(field, true);
  if (!isMap(values)) {
    const digest = digestValue(values, "utf8");
    if (digest !== undefined) {
      secret.set(field, digest);
    }
    return;
  }

  for (const pair of values.items) {
    const digest = digestValue(pair.value, encoding);
    if (digest !== undefined) {
      pair.value = digest;
    }
  }
}

function maskLastApplied(secret: YAMLMap): void {
  const annotations: unknown = secret.getIn(["metadata", "annotations"], true);
  if (!isMap(annotations) || !annotations.has(lastAppliedAnnotation)) {
    return;
  }

  const value = digestValue(annotations.get(lastAppliedAnnotation, true), "utf8");
  if (value !== undefined) {
    annotations.set(lastAppliedAnnotation, value);
  }
}

/**
 * Returns the digest that replaces a value, or undefined when there is no value (a missing or
 * null node). A string is digested as `encoding`; a number or boolean as it is spelled. A map or
 * list is not a valid Secret value, and its JSON text is digested so that it is hidden all the same.
 */
function digestValue(node: unknown, encoding: "base64" | "utf8"): Scalar | undefined {
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) {
    return undefined;
  }

  if (isScalar(node) && typeof node.value === "string") {
    return digestScalar(Buffer.from(node.value, encoding));
  }
  if (isScalar(node) && typeof node.source === "string") {
    return digestScalar(Buffer.from(node.source, "utf8"));
  }
  return digestScalar(Buffer.from(JSON.stringify(node), "utf8"));
}

function digestScalar(bytes: Uint8Array): Scalar {
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex").slice(0, 12)}`;
  const scalar = new Scalar(digest);
  scalar.type = Scalar.PLAIN;
  return scalar;
}
