import { setMaxListeners } from "node:events";

import type { Document } from "yaml";

import { KrevealError, KrevealErrors } from "../errors.js";
import { policyFileOf } from "../policy/policy-file.js";
import type { SecretBackend } from "./backends/backend.js";
import { loadBackend } from "./backends/registry.js";
import { collectPlaceholders, type Occurrence } from "./collect.js";
import { fetchSecrets, secretId } from "./fetch.js";
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
  /**
   * The environment that KREVEAL_POLICY_FILE and ARGOCD_APP_PROJECT_NAME are read from, by
   * default `process.env`. The `sops` backend checks its files against the policy that
   * `process.env` names, whatever this option holds.
   */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Resolves every placeholder in the documents, changing them in place. All placeholders are
 * collected first, each distinct (backend, path, version) is read once, and then all are
 * substituted. When KREVEAL_POLICY_FILE is set, every distinct placeholder is checked against the
 * tenant policy first, and a denied one is never read. Throws one KrevealErrors listing every
 * problem (invalid placeholders, policy denials, failed reads, missing keys) and then leaves the
 * documents partly changed, so callers must print nothing after a failure.
 */
export async function resolvePlaceholders(documents: readonly Document[], options: ResolveOptions): Promise<void> {
  const { occurrences, errors } = collectPlaceholders(documents);
  if (occurrences.length === 0 && errors.length === 0) {
    return;
  }

  const denials = await checkPolicy(occurrences, options.env ?? process.env);
  const placeholders = occurrences.flatMap(placeholdersOf).filter((placeholder) => !denials.has(secretId(placeholder)));
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
    const denied = deniedIn(occurrence, denials);
    errors.push(...(denied.length > 0 ? denied : substitute(occurrence, results)));
  }
  throwAll(errors);
}

function placeholdersOf(occurrence: Occurrence): Placeholder[] {
  return occurrence.segments.filter((segment): segment is Placeholder => typeof segment !== "string");
}

/**
 * Checks each distinct placeholder against the tenant policy and returns the denials by
 * secretId. Without KREVEAL_POLICY_FILE this reads no file and loads no module. Throws
 * CONFIG_INVALID when the policy file is missing or invalid.
 */
async function checkPolicy(occurrences: readonly Occurrence[], env: NodeJS.ProcessEnv): Promise<Map<string, KrevealError>> {
  const denials = new Map<string, KrevealError>();
  const file = policyFileOf(env);
  if (file === undefined) {
    return denials;
  }

  const { projectPolicy } = await import("../policy/access.js");
  const policy = projectPolicy(file, env);
  for (const placeholder of occurrences.flatMap(placeholdersOf)) {
    const id = secretId(placeholder);
    if (denials.has(id)) {
      continue;
    }
    const denied = policy.checkBackendRead(placeholder.scheme, placeholder.path);
    if (denied !== undefined) {
      denials.set(id, denied);
    }
  }
  return denials;
}

/** Returns the occurrence's policy denials, located at its resource and field. */
function deniedIn(occurrence: Occurrence, denials: ReadonlyMap<string, KrevealError>): KrevealError[] {
  if (denials.size === 0) {
    return [];
  }
  const location = `${occurrence.resource}: ${occurrence.field}`;
  return placeholdersOf(occurrence).flatMap((placeholder) => {
    const denied = denials.get(secretId(placeholder));
    return denied === undefined ? [] : [new KrevealError(denied.code, denied.message, { location, fix: denied.fix })];
  });
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
