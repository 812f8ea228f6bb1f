import { KrevealError } from "../errors.js";
import type { BackendContext, SecretBackend } from "./backends/backend.js";
import type { Placeholder } from "./grammar.js";

/** The outcome of reading one secret: its data, or the error the backend raised. */
export type FetchResult = { readonly data: Record<string, unknown> } | { readonly error: KrevealError };

/** Identifies one distinct secret read: backend, path and version. */
export function secretId(placeholder: Pick<Placeholder, "scheme" | "path" | "version">): string {
  return JSON.stringify([placeholder.scheme, placeholder.path, placeholder.version ?? null]);
}

export interface FetchOptions {
  readonly loadBackend: (scheme: string) => Promise<SecretBackend>;
  readonly context: BackendContext;
  /** The maximum number of reads in flight at once. */
  readonly concurrency: number;
}

/**
 * Reads each distinct (backend, path, version) of the placeholders once, at most
 * `options.concurrency` at a time, and returns the results by secretId. A read that fails is
 * recorded with its error, so that one run reports every failure.
 */
export async function fetchSecrets(placeholders: Iterable<Placeholder>, options: FetchOptions): Promise<Map<string, FetchResult>> {
  const pending = new Map<string, Placeholder>();
  for (const placeholder of placeholders) {
    pending.set(secretId(placeholder), placeholder);
  }

  const results = new Map<string, FetchResult>();
  const queue = [...pending.entries()];
  const worker = async () => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      const [id, placeholder] = next;
      results.set(id, await fetchOne(placeholder, options));
    }
  };

  const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency, queue.length)) }, worker);
  await Promise.all(workers);
  return results;
}

/**
 * Settles with the read, or rejects with BACKEND_TIMEOUT when the run's signal aborts first, so
 * that a backend that ignores the signal cannot hold the run past its deadline.
 */
function withDeadline<T>(read: Promise<T>, context: BackendContext, where: string): Promise<T> {
  const timedOut = () =>
    new KrevealError("BACKEND_TIMEOUT", "reading did not finish within the time budget", {
      location: where,
      fix: "Check that the secret store is reachable, or raise the time budget.",
    });
  if (context.signal.aborted) {
    return Promise.reject(timedOut());
  }

  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(timedOut());
    context.signal.addEventListener("abort", onAbort, { once: true });
    read.then(resolve, reject).finally(() => context.signal.removeEventListener("abort", onAbort));
  });
}

async function fetchOne(placeholder: Placeholder, options: FetchOptions): Promise<FetchResult> {
  const where = `${placeholder.scheme} secret "${placeholder.path}"${placeholder.version === undefined ? "" : ` version ${placeholder.version}`}`;
  try {
    const backend = await options.loadBackend(placeholder.scheme);
    const data = await withDeadline(backend.read(placeholder.path, placeholder.version, options.context), options.context, where);
    return { data };
  } catch (error) {
    if (error instanceof KrevealError) {
      return { error };
    }
    // A message from elsewhere may quote a response body, so only the error's type is shown.
    const name = error instanceof Error ? error.name : typeof error;
    return { error: new KrevealError("BACKEND_FAILED", `reading failed with an unexpected ${name}`, { location: where, cause: error }) };
  }
}
