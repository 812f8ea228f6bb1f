/**
 * A secret store that placeholders read from, such as Vault. Each backend is one file (or one
 * folder) under plugin/placeholders/backends/, found through registry.ts by the placeholder's
 * scheme, and loaded only when a placeholder needs it.
 */
export interface SecretBackend {
  /** The scheme before the colon in a placeholder: `vault`, `sops`. */
  readonly scheme: string;

  /**
   * Reads the secret at `path` (at `version` when given) and returns its key/value data. Values
   * may be strings or any JSON value. Throws a KrevealError with code BACKEND_NOT_FOUND,
   * BACKEND_FORBIDDEN, BACKEND_TIMEOUT, BACKEND_RATE_LIMITED, BACKEND_UNAVAILABLE or
   * BACKEND_FAILED, whose message names the path and version and never a value or a token.
   * The caller reads each distinct (scheme, path, version) once and limits concurrency.
   */
  read(path: string, version: string | undefined, context: BackendContext): Promise<Record<string, unknown>>;
}

export interface BackendContext {
  /** Aborted when the run's time budget is spent or the run fails. */
  readonly signal: AbortSignal;
  /** Time (Date.now() milliseconds) by which every read must have finished. */
  readonly deadline: number;
  /** The folder relative paths start from (the kustomization folder or the cwd). */
  readonly cwd: string;
}
