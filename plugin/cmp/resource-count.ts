import { isMap, isScalar, isSeq, type Document, type YAMLMap } from "yaml";

import { KrevealError } from "../errors.js";

/**
 * Counts the resources that Argo CD takes from the non-empty `documents` of a build. Argo CD's
 * repo server (GenerateManifests in reposerver/repository, Argo CD 2.x) replaces every object
 * whose `items` field is a sequence by its items, whatever its kind, because it uses
 * apimachinery's Unstructured.IsList test. It also drops an object whose `items` is null unless
 * it has `spec` or `status`. Every other document counts as one resource, so a build with only an
 * empty `kind: List` counts zero, the same as in Argo CD.
 *
 * An item of such a list that is not a Kubernetes object (a map with string apiVersion and kind)
 * is an INPUT_MALFORMED error located at `origin` and the document's number.
 */
export function countResources(documents: readonly Document[], origin: string): number {
  let count = 0;
  for (const [index, document] of documents.entries()) {
    count += resourcesIn(document, `${origin}: document ${index + 1}`);
  }
  return count;
}

function resourcesIn(document: Document, location: string): number {
  const contents = document.contents;
  if (!isMap(contents) || !contents.has("items")) {
    return 1;
  }

  const items = contents.get("items", true);
  if (isSeq(items)) {
    const stray = items.items.findIndex((item) => !isKubernetesObject(item));
    if (stray !== -1) {
      throw new KrevealError("INPUT_MALFORMED", `items[${stray}] of ${describeList(contents)} is not a Kubernetes object (a map with string apiVersion and kind), but Argo CD applies each item as a resource`, {
        location,
        fix: "Give every item of the list its apiVersion and kind, or write the objects as separate YAML documents.",
      });
    }
    return items.items.length;
  }

  const isNull = items === undefined || (isScalar(items) && items.value === null);
  if (isNull && !contents.has("spec") && !contents.has("status")) {
    return 0;
  }
  return 1;
}

function isKubernetesObject(item: unknown): boolean {
  return isMap(item) && typeof item.get("apiVersion") === "string" && typeof item.get("kind") === "string";
}

/** Names a list document by its kind and metadata.name where they are strings, e.g. `the List "all"`. */
function describeList(contents: YAMLMap): string {
  const kind = contents.get("kind");
  const metadata = contents.get("metadata");
  const name = isMap(metadata) ? metadata.get("name") : undefined;

  const kindText = typeof kind === "string" ? kind : "object";
  return typeof name === "string" ? `the ${kindText} ${JSON.stringify(name)}` : `the ${kindText}`;
}
