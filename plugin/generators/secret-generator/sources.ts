import { posix } from "node:path";

/** A `files` entry split into its data key and its path. */
export interface FileSource {
  readonly key: string;
  readonly path: string;
}

/**
 * Splits a `files` entry, `path` or `key=path`, as kustomize does. Without `=` the key is the
 * path's last segment. An entry with more than one `=`, or with an empty key or path, is invalid,
 * and the reason is returned as a string.
 */
export function parseFileSource(entry: string): FileSource | string {
  const parts = entry.split("=");
  if (parts.length === 1) {
    return { key: posix.basename(entry), path: entry };
  }
  if (parts.length > 2) {
    return `"${entry}" has more than one "="; write it as KEY=PATH, where neither part contains "="`;
  }

  const [key = "", path = ""] = parts;
  if (key === "") {
    return `"${entry}" has no key before "="`;
  }
  if (path === "") {
    return `"${entry}" has no path after "="`;
  }
  return { key, path };
}

/** A `literals` entry split into key and value. */
export interface LiteralSource {
  readonly key: string;
  readonly value: string;
}

/**
 * Splits a `literals` entry `KEY=VALUE` at its first `=` and strips one pair of matching single
 * or double quotes around the value, as kustomize does. Returns undefined when the entry has no
 * key, so that the caller can report it without quoting the entry, which may hold a secret.
 */
export function parseLiteralSource(entry: string): LiteralSource | undefined {
  const separator = entry.indexOf("=");
  if (separator <= 0) {
    return undefined;
  }
  return { key: entry.slice(0, separator), value: stripMatchingQuotes(entry.slice(separator + 1)) };
}

function stripMatchingQuotes(value: string): string {
  const first = value[0];
  if (value.length >= 2 && (first === '"' || first === "'") && value.endsWith(first)) {
    return value.slice(1, -1);
  }
  return value;
}
