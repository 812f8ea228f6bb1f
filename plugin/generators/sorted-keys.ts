/**
 * Returns the keys of a map sorted by UTF-16 code unit, which for the ASCII keys of Secrets is
 * the byte order that Go's YAML and JSON writers use for map keys.
 */
export function sortedKeys(map: ReadonlyMap<string, unknown>): string[] {
  return [...map.keys()].sort(compareCodeUnits);
}

function compareCodeUnits(left: string, right: string): number {
  if (left === right) {
    return 0;
  }
  return left < right ? -1 : 1;
}
