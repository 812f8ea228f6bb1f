import { isMap, isScalar, isSeq, Scalar, type Document, type Pair, type YAMLMap } from "yaml";

import { KrevealError } from "../errors.js";
import { containsPlaceholder, scanPlaceholders, type Placeholder, type ScanMode, type Segment } from "./grammar.js";
import { isBase64 } from "./modifiers.js";

/** One string in the input that contains placeholders, with the means to put its result in place. */
export interface Occurrence {
  /** The resource as `Kind/name`, or `document N` for a document without kind or name. */
  readonly resource: string;
  readonly kind: string | undefined;
  /** The field path inside the resource, e.g. `spec.template.spec.containers[0].env[1].value`. */
  readonly field: string;
  readonly segments: readonly Segment[];
  /** `base64` when the string is the base64 of text holding placeholders, in a Secret's data. */
  readonly encoding: "text" | "base64";
  /** True for a value directly under a Secret's `data`, which must stay base64. */
  readonly inSecretData: boolean;
  /**
   * True where Kubernetes expects a string (ConfigMap values, a Secret's stringData) or the input
   * quoted the string: a number or boolean result is then written as text.
   */
  readonly wantsText: boolean;
  /** True when the resource allows a missing value to drop its map entry (`avp.kubernetes.io/remove-missing`). */
  readonly removeMissing: boolean;
  /** Puts the result in place of the string; a string keeps the scalar's comments and style. */
  replace(value: unknown): void;
  /** Deletes the string's map entry. Returns false when the string is a list item. */
  remove(): boolean;
}

export interface Collected {
  readonly occurrences: Occurrence[];
  readonly errors: KrevealError[];
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const trueWords = new Set(["1", "t", "T", "TRUE", "true", "True"]);

/**
 * Finds every string value holding placeholders in the documents. Map keys are never scanned.
 * Resources with `kreveal.dev/ignore: "true"` or a true `avp.kubernetes.io/ignore` are skipped.
 * Invalid placeholders and annotations are returned as errors, all of them, instead of thrown.
 */
export function collectPlaceholders(documents: readonly Document[]): Collected {
  const occurrences: Occurrence[] = [];
  const errors: KrevealError[] = [];

  for (const [index, document] of documents.entries()) {
    const root = document.contents;
    if (root === null) {
      continue;
    }
    const kind = isMap(root) ? stringAt(root, ["kind"]) : undefined;
    const name = isMap(root) ? stringAt(root, ["metadata", "name"]) : undefined;
    const resource = kind !== undefined && name !== undefined ? `${kind}/${name}` : `document ${index + 1}`;

    try {
      const settings = readAnnotations(isMap(root) ? root : undefined, kind, resource);
      if (settings === undefined) {
        continue;
      }
      const context: WalkContext = { document, resource, kind, settings, occurrences, errors };
      walk(context, root, "", () => false, (value) => (document.contents = document.createNode(value)));
    } catch (error) {
      errors.push(error instanceof KrevealError ? error : new KrevealError("PLACEHOLDER_INVALID", "cannot be read", { location: resource, cause: error }));
    }
  }
  return { occurrences, errors };
}

interface ResourceSettings extends ScanMode {
  readonly kvVersion1: boolean;
  readonly removeMissing: boolean;
}

interface WalkContext {
  readonly document: Document;
  readonly resource: string;
  readonly kind: string | undefined;
  readonly settings: ResourceSettings;
  readonly occurrences: Occurrence[];
  readonly errors: KrevealError[];
}

/** Reads the resource's annotations. Returns undefined when the resource is to be skipped. */
function readAnnotations(root: YAMLMap | undefined, kind: string | undefined, resource: string): ResourceSettings | undefined {
  const annotation = (name: string) => (root === undefined ? undefined : stringAt(root, ["metadata", "annotations", name]));
  const location = `${resource}: metadata.annotations`;

  if (annotation("kreveal.dev/ignore") === "true" || trueWords.has(annotation("avp.kubernetes.io/ignore") ?? "")) {
    return undefined;
  }

  const kvVersion = annotation("avp.kubernetes.io/kv-version");
  if (kvVersion !== undefined && kvVersion !== "1" && kvVersion !== "2") {
    throw new KrevealError("PLACEHOLDER_INVALID", `avp.kubernetes.io/kv-version must be "1" or "2", not "${kvVersion}"`, { location });
  }

  const removeMissing = trueWords.has(annotation("avp.kubernetes.io/remove-missing") ?? "");
  if (removeMissing && kind !== "Secret" && kind !== "ConfigMap") {
    throw new KrevealError("PLACEHOLDER_INVALID", "avp.kubernetes.io/remove-missing is allowed only on a Secret or a ConfigMap", {
      location,
      fix: "Remove the annotation, or use | default VALUE in the placeholders that may be missing.",
    });
  }

  const avpPath = annotation("avp.kubernetes.io/path");
  const avpVersion = annotation("avp.kubernetes.io/secret-version");
  return {
    ...(avpPath === undefined ? {} : { avpPath }),
    ...(avpVersion === undefined ? {} : { avpVersion }),
    kvVersion1: kvVersion === "1",
    removeMissing,
  };
}

function walk(context: WalkContext, node: unknown, field: string, remove: () => boolean, replace: (value: unknown) => void, place = { inSecretData: false, inStringData: false }): void {
  if (isMap(node)) {
    const childrenInSecretData = context.kind === "Secret" && field === "data";
    const childrenInStringData = context.kind === "Secret" && field === "stringData";
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const childField = field === "" ? key : /^[A-Za-z0-9_-]+$/.test(key) ? `${field}.${key}` : `${field}[${JSON.stringify(key)}]`;
      const place = { inSecretData: childrenInSecretData, inStringData: childrenInStringData };
      walk(context, pair.value, childField, () => node.delete(pair.key), setter(context.document, pair), place);
    }
    return;
  }
  if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      walk(context, item, `${field}[${index}]`, () => false, (value) => (node.items[index] = context.document.createNode(value)));
    }
    return;
  }
  if (isScalar(node) && typeof node.value === "string") {
    try {
      visitString(context, node as Scalar<string>, field, { remove, replace, ...place });
    } catch (error) {
      context.errors.push(error as KrevealError);
    }
  }
}

function setter(document: Document, pair: Pair): (value: unknown) => void {
  return (value) => {
    if (typeof value === "string" && isScalar(pair.value)) {
      const scalar = pair.value;
      scalar.value = value;
      // A plain scalar may not be able to hold the new text; the writer picks a style that can.
      if (scalar.type === Scalar.PLAIN) {
        delete scalar.type;
      }
      return;
    }
    pair.value = document.createNode(value);
  };
}

interface Place {
  readonly remove: () => boolean;
  readonly replace: (value: unknown) => void;
  readonly inSecretData: boolean;
  readonly inStringData: boolean;
}

function visitString(context: WalkContext, node: Scalar<string>, field: string, place: Place): void {
  const { settings, resource } = context;
  const { remove, replace, inSecretData, inStringData } = place;
  const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
  const location = `${resource}: ${field}`;

  let encoding: "text" | "base64" = "text";
  let text = node.value;
  const decoded = inSecretData ? decodeBase64Text(text) : undefined;
  if (decoded !== undefined && containsPlaceholder(decoded, settings)) {
    encoding = "base64";
    text = decoded;
  }

  const segments = scanPlaceholders(text, settings, location);
  if (segments === undefined) {
    return;
  }
  let adjusted = segments;
  if (settings.kvVersion1) {
    adjusted = segments.map((segment) => (typeof segment === "string" ? segment : withoutVersion(segment)));
  }
  context.occurrences.push({
    resource,
    kind: context.kind,
    field,
    segments: adjusted,
    encoding,
    inSecretData,
    wantsText: quoted || inStringData || context.kind === "ConfigMap",
    removeMissing: settings.removeMissing,
    replace,
    remove,
  });
}

/** KV version 1 has no versions, so AVP's `kv-version: "1"` drops them. */
function withoutVersion(placeholder: Placeholder): Placeholder {
  return { ...placeholder, version: undefined };
}

/** Decodes standard base64 whose content is UTF-8 text; undefined for anything else. */
function decodeBase64Text(text: string): string | undefined {
  if (text === "" || !isBase64(text)) {
    return undefined;
  }
  try {
    return strictUtf8.decode(Buffer.from(text, "base64"));
  } catch {
    return undefined;
  }
}

function stringAt(root: YAMLMap, path: readonly string[]): string | undefined {
  const value: unknown = root.getIn(path);
  return typeof value === "string" ? value : undefined;
}
