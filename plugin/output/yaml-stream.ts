import { Document } from "yaml";

import { stringifyStream } from "../formats/yaml-write.js";
import type { KubernetesObject } from "../generators/registry.js";

/** Writes generated objects as a YAML stream, the output of a kustomize legacy exec plugin. */
export function renderYamlStream(objects: readonly KubernetesObject[]): string {
  return stringifyStream(objects.map((object) => new Document(object)));
}
