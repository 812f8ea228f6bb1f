/**
 * Splits a slash-separated path into its segments, ignoring slashes at both ends. Returns
 * undefined when the path is empty or has an empty, `.` or `..` segment, so that no spelling of a
 * path can reach outside a prefix it seems to lie below.
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
