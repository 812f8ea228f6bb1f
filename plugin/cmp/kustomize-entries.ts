import { lstatSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

import { parseAllDocuments, type Document } from "yaml";

import { KrevealError } from "../errors.js";
import { isInside } from "../files/inside.js";
import { checkYamlKeys, checkYamlText, decodeUtf8 } from "./yaml-strict.js";

/**
 * The target of one path entry in a kustomization's resources, bases, components, generators,
 * transformers or validators list. `looksRemote` marks a local file or folder whose name
 * isRemoteReference also matches, because kustomize may fetch such an entry instead.
 */
export type KustomizationEntry =
  | { readonly type: "file"; readonly realPath: string; readonly looksRemote: boolean }
  | { readonly type: "folder"; readonly realPath: string; readonly looksRemote: boolean }
  | { readonly type: "remote" }
  | { readonly type: "missing" };

/**
 * Tells whether kustomize v5.5 would fetch the entry instead of reading a local file or folder.
 * It downloads an http(s) URL. It clones anything its git URL parser accepts, even when a local
 * folder of that name exists. That parser strips a `git::` prefix and then needs a scheme (ssh,
 * https, http, file), a `user@` prefix, or a `github.com/` or `github.com:` prefix. This test
 * matches a superset: any `://`, `git::`, `gh:`, `user@` or github.com start.
 */
export function isRemoteReference(entry: string): boolean {
  const lower = entry.toLowerCase().replace(/^git::/, "");
  return (
    entry.includes("://") ||
    entry.toLowerCase().startsWith("git::") ||
    lower.startsWith("gh:") ||
    lower.startsWith("github.com/") ||
    lower.startsWith("github.com:") ||
    /^[a-z][a-z0-9-]*@/i.test(lower)
  );
}

/**
 * Reads a generators, transformers or validators entry as inline YAML, as kustomize tries first.
 * Returns the documents when the entry is YAML with at least one map or list in it, and
 * undefined when it is a plain string (a path or URL). An entry that looks like inline YAML (it
 * spans lines, or contains `{` or `[`, also after a tag or anchor) but does not parse is an
 * INPUT_MALFORMED error.
 */
export function parseInlineEntry(entry: string, location: string): unknown[] | undefined {
  checkYamlText(entry, location, "the entry");
  const looksInline = entry.includes("\n") || /[{[]/.test(entry);
  const documents = parseAllDocuments(entry, { uniqueKeys: true });
  const parsed = Array.isArray(documents) ? documents : [];
  const failed = parsed.length === 0 || parsed.some((document) => document.errors.length > 0);

  if (failed) {
    if (looksInline) {
      throw new KrevealError("INPUT_MALFORMED", "the inline plugin config is not valid YAML", {
        location,
        fix: "Write the plugin config in its own file and list the file name instead.",
      });
    }
    return undefined;
  }

  checkYamlKeys(parsed, entry, location, "the entry");
  const values = toValues(parsed, location);
  const structured = values.some((value) => typeof value === "object");
  return structured || looksInline ? values : undefined;
}

/**
 * Converts parsed documents to plain values, with aliases expanded and empty documents left
 * out. Over 100 alias expansions per document (an alias bomb) is an INPUT_MALFORMED error.
 */
export function toValues(documents: readonly Document[], location: string): unknown[] {
  try {
    return documents.map((document) => document.toJS({ maxAliasCount: 100 }) as unknown).filter((value) => value !== null && value !== undefined);
  } catch {
    throw new KrevealError("INPUT_MALFORMED", "the YAML expands too many aliases", { location, fix: "Write the YAML without deeply nested aliases." });
  }
}

/**
 * Resolves a path entry of the kustomization in `folder` against the file system. An existing
 * local file or folder wins over a remote reading of its name. kustomize reads a local file
 * first, and builds a local folder unless its git URL parser accepts the name. A remote
 * reference that names nothing local is `remote`, and any other entry that names nothing is
 * `missing`. A local path that leads outside `repoRoot` is a PATH_OUTSIDE_ROOT error.
 */
export function resolveEntry(entry: string, folder: string, repoRoot: string, location: string): KustomizationEntry {
  const looksRemote = isRemoteReference(entry);
  const outside = new KrevealError("PATH_OUTSIDE_ROOT", `the entry ${printable(entry)} leads outside the repository`, {
    location,
    fix: "Keep every base, component and plugin config inside the repository, without symbolic links that point out of it.",
  });
  const candidate = path.resolve(folder, entry);

  let realPath: string;
  try {
    realPath = realpathSync.native(candidate);
  } catch {
    if (looksRemote) {
      return { type: "remote" };
    }
    if (!isInside(repoRoot, candidate)) {
      throw outside;
    }
    return { type: "missing" };
  }
  if (!isInside(repoRoot, candidate) || !isInside(repoRoot, realPath)) {
    throw outside;
  }

  const stats = statSync(realPath, { throwIfNoEntry: false });
  if (stats?.isDirectory() === true) {
    return { type: "folder", realPath, looksRemote };
  }
  if (stats?.isFile() === true) {
    return { type: "file", realPath, looksRemote };
  }
  return looksRemote ? { type: "remote" } : { type: "missing" };
}

/**
 * Tells whether `entry`, read as a path from `folder`, names something (a file, folder or
 * symbolic link, even a dangling one) inside `repoRoot`. A name that the file system cannot
 * look up (too long, no permission) names nothing, because kustomize cannot read it either.
 */
export function namesLocalPath(entry: string, folder: string, repoRoot: string): boolean {
  const candidate = path.resolve(folder, entry);
  if (!isInside(repoRoot, candidate)) {
    return false;
  }
  try {
    return lstatSync(candidate, { throwIfNoEntry: false }) !== undefined;
  } catch {
    return false;
  }
}

/**
 * Returns a tenant-written value (an entry, an apiVersion, a kind) fit for an error message.
 * Short printable ASCII stays as it is. Anything else is JSON-quoted and cut at 100 characters,
 * so that a message cannot carry control characters or a file's content.
 */
export function printable(value: unknown): string {
  if (typeof value !== "string") {
    return value === undefined ? "(missing)" : "(not a string)";
  }
  if (/^[\x21-\x7e]{1,100}$/.test(value)) {
    return value;
  }
  const cut = value.length > 100 ? `${value.slice(0, 100)}...` : value;
  return JSON.stringify(cut);
}

/**
 * Folds a field name the way Go's encoding/json matches it to a struct field: without regard to
 * case, with the long s (U+017F) equal to s and the Kelvin sign (U+212A) equal to k.
 */
export function foldKey(key: string): string {
  return key.replace(/\u017f/g, "s").toLowerCase();
}

/** Reads every kustomization document of `file`. kustomize reads only the first, but all are checked. */
export function readKustomization(file: string, location: string): Record<string, unknown>[] {
  return readYamlValues(file, location).map((value, index) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new KrevealError("INPUT_MALFORMED", `document ${index + 1} of the kustomization is not a YAML map`, { location, fix: "Write the kustomization as one YAML map." });
    }
    if (Object.keys(value).some((key) => key === "<<")) {
      throw new KrevealError("CONFIG_INVALID", "the kustomization uses a YAML merge key (<<)", { location, fix: "Write the kustomization's fields out instead of merging them in with <<." });
    }
    return value as Record<string, unknown>;
  });
}

/**
 * Parses every document of a YAML file after the strict checks of yaml-strict.ts, leaving out
 * empty documents. Messages name the line, never the text.
 *
 * TODO: kustomize still reads the file itself. Rewriting each checked file in the request's
 * copy from the values parsed here would make kustomize read exactly what was checked.
 */
export function readYamlValues(file: string, location: string): unknown[] {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new KrevealError("FILE_NOT_FOUND", `the file cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`, {
      location,
      fix: "Check the file's permissions in the repository.",
      cause: error,
    });
  }

  const text = decodeUtf8(bytes, location);
  checkYamlText(text, location);

  const documents = parseAllDocuments(text, { uniqueKeys: true });
  const list = Array.isArray(documents) ? documents : [];
  for (const document of list) {
    const error = document.errors.at(0);
    if (error !== undefined) {
      const line = error.linePos?.[0].line;
      throw new KrevealError("INPUT_MALFORMED", `the file is not valid YAML${line === undefined ? "" : ` (line ${line})`}`, { location, fix: "Fix the YAML syntax of the file." });
    }
  }
  checkYamlKeys(list, text, location);
  return toValues(list, location);
}
