/**
 * Splits a slash-separated path into its segments, ignoring slashes at both ends. Returns
 * undefined when the path is empty or has an empty, `.` or `..` segment. So no spelling of a path
 * can reach outside a prefix it seems to lie below.
 */
export function pathSegments(path: string): string[] | undefined {
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") {
    return undefined;
  }

  const segments = trimmed.split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    return undefined;
  }
  return segments;
}

/**
 * Tells whether the path `segments` equals `prefix` or lies below it, comparing whole segments:
 * `secret/team-a` is below `secret` but not below `secret/team`. An empty prefix matches every
 * path.
 */
export function isBelowPrefix(segments: readonly string[], prefix: readonly string[]): boolean {
  if (prefix.length > segments.length) {
    return false;
  }
  return prefix.every((segment, index) => segments[index] === segment);
}

/**
 * Returns the path as kreveal reads it on a KV v2 mount whose path has `mountLength` segments.
 * A `data` segment right after the mount is dropped, because `secret/data/app` and `secret/app`
 * name the same secret there. Paths no longer than the mount stay as they are.
 */
export function kvV2LogicalSegments(segments: readonly string[], mountLength: number): readonly string[] {
  if (segments[mountLength] !== "data") {
    return segments;
  }
  return [...segments.slice(0, mountLength), ...segments.slice(mountLength + 1)];
}

/**
 * Tells whether a Vault path lies below a prefix once both are read the KV v2 way for a mount of
 * `mountLength` segments. So each spelling of a path matches each spelling of a prefix.
 */
export function isBelowKvV2Prefix(segments: readonly string[], prefix: readonly string[], mountLength: number): boolean {
  return isBelowPrefix(kvV2LogicalSegments(segments, mountLength), kvV2LogicalSegments(prefix, mountLength));
}

/** Formats a field path of the policy file as YAML users read it: `projects.team-a.vault.paths[1]`. */
export function formatPolicyField(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") {
      text += `[${segment}]`;
    } else if (typeof segment === "string" && /^[A-Za-z0-9_-]+$/.test(segment)) {
      text += text === "" ? segment : `.${segment}`;
    } else {
      text += `[${JSON.stringify(String(segment))}]`;
    }
  }
  return text === "" ? "(top level)" : text;
}
