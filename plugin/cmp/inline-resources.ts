/**
 * Decides whether kustomize reads a generators, transformers or validators entry as inline
 * plugin configs or as a path. kustomize v5.5 (KustTarget.configureExternalGenerators and
 * configureExternalTransformers) first hands the entry to its resource factory. Only when that
 * fails does it read a file or folder of the entry's literal name. The factory (api/resource
 * factory.go with kyaml's GetValidatedMetadata and HasNilEntryInList) skips empty documents. It
 * fails on a document that is not a map or has no kind, and on one without metadata.name (Lists
 * excepted). It also fails on metadata fields of the wrong shape and on a null item in any list.
 */

/** Lists nested deeper than this are treated as a failure of the resource factory. */
const maxDepth = 50;

/**
 * Returns why kustomize's resource factory would not take the parsed inline `documents` as
 * resources, so that kustomize reads the entry as a path instead, or undefined when it takes
 * them. The test is stricter than kustomize's (apiVersion, metadata.name and label values must be
 * strings), so kustomize reads every entry that passes inline. Where the test is stricter,
 * the guard also checks the path reading.
 */
export function inlineResourceProblem(documents: readonly unknown[]): string | undefined {
  for (const [index, document] of documents.entries()) {
    const problem = documentProblem(document, 0);
    if (problem !== undefined) {
      return documents.length === 1 ? problem : `document ${index + 1}: ${problem}`;
    }
  }
  return undefined;
}

function documentProblem(value: unknown, depth: number): string | undefined {
  if (isEmptyNode(value)) {
    return undefined;
  }
  if (!isRecord(value)) {
    return "it is not a YAML map";
  }
  if (hasNullListItem(value, depth)) {
    return "a list in it has an empty item or is nested too deeply";
  }

  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== "string") {
    return "apiVersion is missing or not a string";
  }
  if (typeof kind !== "string" || kind === "") {
    return "kind is missing or not a string";
  }
  const metadataProblem = checkMetadata(metadata);
  if (metadataProblem !== undefined) {
    return metadataProblem;
  }

  if (kind.endsWith("List")) {
    return listProblem(value.items, depth);
  }
  if (!isRecord(metadata) || typeof metadata.name !== "string" || metadata.name === "") {
    return "metadata.name is missing or not a string";
  }
  return undefined;
}

/** Checks the items of a List, which kustomize expands into resources of their own. */
function listProblem(items: unknown, depth: number): string | undefined {
  if (items === undefined || items === null) {
    return undefined;
  }
  if (!Array.isArray(items)) {
    return "items is not a list";
  }
  if (depth >= maxDepth) {
    return "the Lists are nested too deeply";
  }
  for (const [index, item] of items.entries()) {
    const problem = documentProblem(item, depth + 1);
    if (problem !== undefined) {
      return `items[${index}]: ${problem}`;
    }
  }
  return undefined;
}

/** Checks the fields that kyaml decodes into its ResourceMeta struct, where a wrong shape is a decode error. */
function checkMetadata(metadata: unknown): string | undefined {
  if (metadata === undefined || metadata === null) {
    return undefined;
  }
  if (!isRecord(metadata)) {
    return "metadata is not a map";
  }
  if (metadata.namespace !== undefined && metadata.namespace !== null && typeof metadata.namespace !== "string") {
    return "metadata.namespace is not a string";
  }
  for (const field of ["labels", "annotations"]) {
    const map = metadata[field];
    if (map === undefined || map === null) {
      continue;
    }
    if (!isRecord(map) || Object.values(map).some((entry) => typeof entry !== "string")) {
      return `metadata.${field} is not a map of strings`;
    }
  }
  return undefined;
}

function hasNullListItem(value: unknown, depth: number): boolean {
  if (depth > maxDepth) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.some((item) => item === null || item === undefined || hasNullListItem(item, depth + 1));
  }
  return isRecord(value) && Object.values(value).some((item) => hasNullListItem(item, depth + 1));
}

/** Tells whether kyaml's IsNilOrEmpty holds: null, an empty map or an empty list. */
function isEmptyNode(value: unknown): boolean {
  if (value === null || value === undefined) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.length === 0;
  }
  return isRecord(value) && Object.keys(value).length === 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
