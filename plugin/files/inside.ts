import { isAbsolute, relative, sep } from "node:path";

/** Tells whether `path` is `root` or lies below it. Both must be absolute and normalized. */
export function isInside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest === "" || (!isAbsolute(rest) && rest !== ".." && !rest.startsWith(`..${sep}`));
}
