import { setTimeout as sleep } from "node:timers/promises";

import { KrevealError } from "../../../errors.js";
import type { VaultSettings } from "./settings.js";
import type { RawResponse, Transport } from "./transport.js";

/** Retry limits for temporary failures: exponential backoff with jitter, capped. */
export interface RetryPolicy {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { baseDelayMs: 250, maxDelayMs: 8000, maxAttempts: 8 };

/** The time left for one backend read and the signal that cancels it. */
export interface Budget {
  readonly signal: AbortSignal;
  /** Date.now() milliseconds by which the read must have finished. */
  readonly deadline: number;
}

export interface VaultRequest {
  readonly method: "GET" | "POST";
  /** The API path after `/v1/`, already URL-encoded, with its query string. */
  readonly apiPath: string;
  readonly token: string | undefined;
  readonly body: Record<string, unknown> | undefined;
  /** Description of the request used in messages, e.g. `reading secret/app (version 3)`. */
  readonly subject: string;
}

export interface VaultResponse {
  readonly status: number;
  /** The parsed JSON body, or undefined for an empty or non-JSON body. */
  readonly body: unknown;
}

/** Statuses that Vault documents as temporary: 412 (replication lag), 429 (quota) and 5xx. */
const RETRYABLE_STATUSES = new Set([412, 429, 500, 502, 503, 504]);

type Failure = { readonly kind: "status"; readonly status: number } | { readonly kind: "network"; readonly error: unknown };

/**
 * Sends requests to Vault's HTTP API. Temporary failures (network errors, 412, 429, 5xx) are
 * retried with backoff until the attempts or the budget run out. Every other status is returned
 * to the caller. Tokens travel only in the X-Vault-Token header and never reach a message.
 */
export class VaultHttp {
  constructor(
    private readonly settings: VaultSettings,
    private readonly transport: Transport,
    private readonly retry: RetryPolicy,
  ) {}

  async send(request: VaultRequest, budget: Budget): Promise<VaultResponse> {
    const started = Date.now();

    for (let attempt = 1; ; attempt++) {
      this.throwIfCancelled(request, budget);
      const remaining = budget.deadline - Date.now();
      if (remaining <= 0) {
        throw this.timedOut(request, started);
      }

      const timeout = AbortSignal.timeout(remaining);
      let failure: Failure;
      let retryAfter: string | undefined;
      try {
        const response = await this.transport({
          method: request.method,
          url: `${this.settings.address}/v1/${request.apiPath}`,
          headers: this.headers(request),
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: AbortSignal.any([budget.signal, timeout]),
        });
        if (!RETRYABLE_STATUSES.has(response.status)) {
          return { status: response.status, body: parseBody(response) };
        }
        failure = { kind: "status", status: response.status };
        retryAfter = response.retryAfter;
      } catch (error) {
        this.throwIfCancelled(request, budget);
        if (timeout.aborted) {
          throw this.timedOut(request, started);
        }
        failure = { kind: "network", error };
        this.throwIfCertificateRejected(request, error);
      }

      if (attempt >= this.retry.maxAttempts) {
        throw this.gaveUp(request, failure, attempt);
      }
      const delay = retryDelay(retryAfter, attempt, this.retry);
      if (Date.now() + delay >= budget.deadline) {
        throw this.gaveUp(request, failure, attempt);
      }
      await sleep(delay, undefined, { signal: budget.signal }).catch(() => undefined);
    }
  }

  private headers(request: VaultRequest): Record<string, string> {
    const headers: Record<string, string> = { "X-Vault-Request": "true" };
    if (request.token !== undefined) {
      headers["X-Vault-Token"] = request.token;
    }
    if (this.settings.namespace !== undefined) {
      headers["X-Vault-Namespace"] = this.settings.namespace;
    }
    if (request.body !== undefined) {
      headers["Content-Type"] = "application/json";
    }
    return headers;
  }

  private throwIfCancelled(request: VaultRequest, budget: Budget): void {
    if (budget.signal.aborted) {
      throw new KrevealError("BACKEND_FAILED", `${request.subject} from Vault was cancelled`, {
        location: this.settings.address,
        cause: budget.signal.reason,
      });
    }
  }

  /** A server certificate that does not verify will not verify on the next attempt either. */
  private throwIfCertificateRejected(request: VaultRequest, error: unknown): void {
    const reason = networkReason(error);
    if (!/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(reason)) {
      return;
    }
    throw new KrevealError("BACKEND_FAILED", `${request.subject} failed: the Vault server certificate was rejected (${reason})`, {
      location: this.settings.address,
      fix: "Set VAULT_CACERT to a PEM file with the CA that signed the Vault server certificate.",
      cause: error,
    });
  }

  private timedOut(request: VaultRequest, started: number): KrevealError {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    return new KrevealError("BACKEND_TIMEOUT", `${request.subject} from Vault timed out after ${seconds} s`, {
      location: this.settings.address,
      fix: "Check that Vault is healthy and reachable, or raise the run's time budget.",
    });
  }

  private gaveUp(request: VaultRequest, failure: Failure, attempts: number): KrevealError {
    const tries = `after ${attempts} attempt${attempts === 1 ? "" : "s"}`;
    const location = this.settings.address;

    if (failure.kind === "network") {
      const reason = networkReason(failure.error);
      return new KrevealError("BACKEND_UNAVAILABLE", `${request.subject} failed: Vault cannot be reached (${reason}) ${tries}`, {
        location,
        fix: "Check VAULT_ADDR and that Vault is running and reachable from here.",
        cause: failure.error,
      });
    }
    if (failure.status === 429) {
      return new KrevealError("BACKEND_RATE_LIMITED", `${request.subject} failed: Vault rate limited the request (HTTP 429) ${tries}`, {
        location,
        fix: "Raise the Vault rate-limit quota for this client, or run again later.",
      });
    }
    return new KrevealError("BACKEND_UNAVAILABLE", `${request.subject} failed: Vault returned HTTP ${failure.status} ${tries}`, {
      location,
      fix: failure.status === 503 ? "Vault is sealed or in maintenance; unseal it or wait." : "Check the Vault server's health and logs.",
    });
  }
}

/** Returns the wait in milliseconds: Retry-After (seconds or an HTTP date) when sent, else backoff with jitter. */
function retryDelay(retryAfter: string | undefined, attempt: number, policy: RetryPolicy): number {
  const requested = parseRetryAfter(retryAfter);
  if (requested !== undefined) {
    return requested;
  }

  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

function parseRetryAfter(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") {
    return undefined;
  }
  if (/^\d+$/.test(value.trim())) {
    return Number(value.trim()) * 1000;
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function parseBody(response: RawResponse): unknown {
  if (response.body === "") {
    return undefined;
  }
  try {
    return JSON.parse(response.body) as unknown;
  } catch {
    return undefined;
  }
}

/** Returns a short reason such as ECONNREFUSED, taken from the error or its causes. */
function networkReason(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string") {
      return code;
    }
    current = current.cause;
  }
  return error instanceof Error ? error.message : "network error";
}
