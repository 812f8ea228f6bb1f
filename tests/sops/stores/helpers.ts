import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Mapping, Value } from "../../../plugin/sops/tree.js";

/** The upstream fixture folder, found from the compiled test file in build/tests/sops/stores. */
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../tests/fixtures/upstream");

export function fixture(relative: string): Buffer {
  return readFileSync(path.join(FIXTURES, relative));
}

/** Keys of the pairs of a mapping, in order. */
export function keys(map: Mapping): string[] {
  return map.items.flatMap((item) => (item.kind === "pair" ? [item.key] : []));
}

/** Returns the value at a dotted path of mapping keys. */
export function at(map: Mapping, dotted: string): Value | undefined {
  let current: Value | undefined = map;
  for (const key of dotted.split(".")) {
    if (current?.kind !== "map") {
      return undefined;
    }
    const found: { value: Value } | undefined = current.items.find((item): item is { kind: "pair"; key: string; value: Value } => item.kind === "pair" && item.key === key);
    current = found?.value;
  }
  return current;
}

/** Returns the string at a dotted path, or undefined when the leaf is not a string. */
export function textAt(map: Mapping, dotted: string): string | undefined {
  const value = at(map, dotted);
  return value?.kind === "str" ? value.value : undefined;
}

export const ENC = /^ENC\[AES256_GCM,data:.*,iv:.*,tag:.*,type:(str|int|float|bool|time|comment)\]$/;
