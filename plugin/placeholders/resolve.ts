import { setMaxListeners } from "node:events";

import type { Document } from "yaml";

import { KrevealError, KrevealErrors } from "../errors.js";
import type { SecretBackend } from "./backends/backend.js";
import { loadBackend } from "./backends/registry.js";
import { collectPlaceholders } from "./collect.js";
import { fetchSecrets } from "./fetch.js";
import type { Placeholder } from "./grammar.js";
import { substitute } from "./substitute.js";

export interface ResolveOptions {
  /** The folder that relative paths in placeholders (sops files) start from. */
  readonly cwd: string;
  /** The maximum number of secret reads in flight at once; 16 by default. */
  readonly concurrency?: number;
  /** The time budget for all reads, in milliseconds; 50 s by default, below Argo CD's 60 s request deadline. */
  readonly timeoutMs?: number;
  /** Finds the backend for a scheme; the registry by default. */
  readonly loadBackend?: (scheme: string) => Promise<SecretBackend>;
}

/**
 * Resolves every placeholder in the documents, changing them in place. All placeholders are
 * collected first, each distinct (backend, path, version) is read once, and then all are
 * substituted. Throws one KrevealErrors listing every problem (invalid placeholders, failed
 * reads, missing keys) and then leaves the documents partly changed, so callers must print
 * nothing after a failure.
 */
export async function resolvePlaceholders(documents: readonly Document[], options: ResolveOptions): Promise<void> {
  const { occurrences, errors } = collectPlaceholders(documents);
  if (occurrences.length === 0 && errors.length === 0) {
    return;
  }

  const placeholders = occurrences.flatMap((occurrence) => occurrence.segments.filter((segment): segment is Placeholder => typeof segment !== "string"));
  const controller = new AbortController();
  // Every read in flight listens on this one signal, more than Node's default warning limit of 10.
  setMaxListeners(0, controller.signal);
  const timeoutMs = options.timeoutMs ?? 50_000;
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let results;
  try {
    results = await fetchSecrets(placeholders, {
      loadBackend: options.loadBackend ?? loadBackend,
      context: { signal: controller.signal, deadline: Date.now() + timeoutMs, cwd: options.cwd },
      concurrency: options.concurrency ?? 16,
    });
  } finally {
    clearTimeout(timer);
  }

  for (const occurrence of occurrences) {
    errors.push(...substitute(occurrence, results));
  }
  throwAll(errors);
}

/** Throws the errors together, each distinct message once (a failed read is shared by its placeholders). */
function throwAll(errors: readonly KrevealError[]): void {
  const distinct = new Map<string, KrevealError>();
  for (const error of errors) {
    distinct.set(error.describe(), error);
  }
  const list = [...distinct.values()];
  if (list.length === 1) {
    throw list[0];
  }
  if (list.length > 1) {
    throw new KrevealErrors(list);
  }
}
