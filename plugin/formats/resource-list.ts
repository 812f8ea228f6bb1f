import { Document, isMap, isScalar, isSeq, YAMLMap, YAMLSeq } from "yaml";

import { KrevealError } from "../errors.js";
import { parseYamlStream } from "./yaml-read.js";
import { stringifyDocument } from "./yaml-write.js";

/**
 * A KRM function's input: a `ResourceList` document with `items` and `functionConfig`. The items
 * stay YAML nodes, so that resources the function does not change are written back as they came
 * (comments, key order, quoting and kustomize's internal annotations included).
 */
export interface ResourceList {
  readonly document: Document;
  readonly items: YAMLSeq;
  /** The function's config, or undefined when the input has none. */
  readonly functionConfig: YAMLMap | undefined;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads a ResourceList from the bytes of stdin. Throws INPUT_EMPTY or INPUT_MALFORMED. */
export function parseResourceList(bytes: Uint8Array): ResourceList {
  const location = "ResourceList on stdin";
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new KrevealError("INPUT_MALFORMED", "the input is not valid UTF-8", { location });
  }

  const documents = parseYamlStream(text, location).filter((document) => document.contents !== null);
  const document = documents.at(0);
  if (document === undefined) {
    throw new KrevealError("INPUT_EMPTY", "the input was empty; expected a ResourceList", {
      location,
      fix: "Run kreveal fn from kustomize or kpt, which send a ResourceList on stdin.",
    });
  }
  if (documents.length > 1) {
    throw malformed(`expected one YAML document, found ${documents.length}`);
  }

  const root = document.contents;
  if (!isMap(root) || root.get("kind") !== "ResourceList") {
    throw malformed("the input is not a ResourceList (kind: ResourceList)");
  }

  const items = root.get("items", true);
  const list = items === undefined || (isScalar(items) && items.value === null) ? new YAMLSeq() : items;
  if (!isSeq(list)) {
    throw malformed("items is not a list");
  }
  for (const [index, item] of list.items.entries()) {
    if (!isMap(item)) {
      throw malformed(`items[${index}] is not a mapping`);
    }
  }
  root.set("items", list);

  const functionConfig = root.get("functionConfig", true);
  if (functionConfig !== undefined && !(isScalar(functionConfig) && functionConfig.value === null) && !isMap(functionConfig)) {
    throw malformed("functionConfig is not a mapping");
  }
  return { document, items: list, functionConfig: isMap(functionConfig) ? functionConfig : undefined };
}

/**
 * Writes the ResourceList with `items` replaced: the given input items (as parsed) followed by new
 * objects. `results` of the input are dropped; `functionConfig` is kept, as the spec allows.
 */
export function stringifyResourceList(list: ResourceList, inputItems: readonly YAMLMap[], added: readonly object[]): string {
  const { document, items } = list;
  items.items = [...inputItems, ...added.map((object) => document.createNode(object))];
  if (added.length > 0) {
    items.flow = false;
  }

  const root = document.contents as YAMLMap;
  root.delete("results");
  return stringifyDocument(document);
}

function malformed(message: string): KrevealError {
  return new KrevealError("INPUT_MALFORMED", message, {
    location: "ResourceList on stdin",
    fix: "kreveal fn expects one YAML document with kind: ResourceList, an items list and a functionConfig mapping.",
  });
}
