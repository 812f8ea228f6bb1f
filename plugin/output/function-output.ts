import { isMap, type YAMLMap } from "yaml";

import { stringifyResourceList, type ResourceList } from "../formats/resource-list.js";
import type { KubernetesObject } from "../generators/registry.js";

/**
 * Builds the KRM function's output: the input items, minus kustomize's copy of the function
 * config, followed by the generated objects. Input items are written back unchanged.
 *
 * kustomize sends the config as the only item of a generator call, with no path annotation. That
 * copy is dropped, so that it does not reach later transformers. A config item with a path is a
 * file of a kpt package (`kpt fn render`, or `kpt fn eval --fn-config` with a file inside the
 * package), and it is kept, because kpt deletes the file of every item that a function drops.
 */
export function renderFunctionOutput(list: ResourceList, generated: readonly KubernetesObject[]): string {
  const config = list.functionConfig;
  const inputItems = list.items.items.filter((item): item is YAMLMap => config === undefined || !isConfigEcho(item as YAMLMap, config));
  return stringifyResourceList(list, inputItems, generated);
}

/** Compares apiVersion, kind and metadata.name, and requires that the item has no file path. */
function isConfigEcho(item: YAMLMap, config: YAMLMap): boolean {
  const sameResource =
    item.get("apiVersion") === config.get("apiVersion") &&
    item.get("kind") === config.get("kind") &&
    item.getIn(["metadata", "name"]) === config.getIn(["metadata", "name"]);
  return sameResource && !hasPath(item);
}

function hasPath(item: YAMLMap): boolean {
  const annotations = item.getIn(["metadata", "annotations"], false);
  return isMap(annotations) && (annotations.has("config.kubernetes.io/path") || annotations.has("internal.config.kubernetes.io/path"));
}
