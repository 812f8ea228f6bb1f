/**
 * Metadata unflattening for the dotenv and INI stores, which write the nested `sops` metadata as
 * flat keys: `__map_<key>` steps into a mapping and `__list_<n>` into a list, so
 * `pgp__list_0__map_enc` is `pgp[0].enc`.
 */

type Step = { readonly kind: "map"; readonly key: string } | { readonly kind: "list"; readonly index: number };

/** Splits a flat key into its top-level name and the steps below it. */
function splitFlatKey(flatKey: string): [string, Step[]] {
  const parts = flatKey.split(/__(?=(?:map|list)_)/);
  const top = parts[0] ?? "";
  const steps: Step[] = [];
  for (const part of parts.slice(1)) {
    if (part.startsWith("list_") && /^list_\d+$/.test(part)) {
      steps.push({ kind: "list", index: Number(part.slice("list_".length)) });
    } else if (part.startsWith("map_")) {
      steps.push({ kind: "map", key: part.slice("map_".length) });
    } else {
      // A `__list_` part that is not a number is kept in the key, as text.
      const last = steps.pop();
      steps.push(last?.kind === "map" ? { kind: "map", key: `${last.key}__${part}` } : { kind: "map", key: part });
    }
  }
  return [top, steps];
}

function container(step: Step): unknown[] | Record<string, unknown> {
  return step.kind === "list" ? [] : {};
}

/** Builds the nested metadata from flat keys; values are kept as they are (strings). */
export function unflattenMetadata(flat: ReadonlyMap<string, string>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [flatKey, value] of flat) {
    const [top, steps] = splitFlatKey(flatKey);
    if (steps.length === 0) {
      result[top] = value;
      continue;
    }

    let parent: Record<string, unknown> | unknown[] = result;
    let slot: string | number = top;
    for (const step of steps) {
      const holder = parent as Record<string | number, unknown>;
      let next = holder[slot];
      if (typeof next !== "object" || next === null || Array.isArray(next) !== (step.kind === "list")) {
        next = container(step);
        holder[slot] = next;
      }
      parent = next as Record<string, unknown> | unknown[];
      slot = step.kind === "list" ? step.index : step.key;
    }
    (parent as Record<string | number, unknown>)[slot] = value;
  }
  return compactLists(result) as Record<string, unknown>;
}

/** Removes the holes that missing list indexes leave, keeping the order of the indexes. */
function compactLists(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.filter((item) => item !== undefined).map(compactLists);
  }
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, compactLists(item)]));
  }
  return value;
}
