import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { KrevealError } from "../../plugin/errors.js";
import type { BackendContext, SecretBackend } from "../../plugin/placeholders/backends/backend.js";
import { createVaultBackend } from "../../plugin/placeholders/backends/vault/index.js";
import type { RetryPolicy } from "../../plugin/placeholders/backends/vault/http.js";

/** Retry policy with short delays, so that retry tests run fast through the same code as the defaults. */
export const FAST_RETRY: RetryPolicy = { baseDelayMs: 20, maxDelayMs: 200, maxAttempts: 5 };

/** Creates an empty HOME, so that no ~/.vault-token of the machine running the tests is read. */
export function emptyHome(): string {
  return mkdtempSync(path.join(os.tmpdir(), "kreveal-vault-home-"));
}

/** Creates a backend that reads only the given environment variables and an empty HOME. */
export function backendWith(env: Record<string, string>, retry: RetryPolicy = FAST_RETRY): SecretBackend {
  return createVaultBackend({ env: { HOME: emptyHome(), ...env }, retry });
}

/** Returns a backend context whose deadline is `budgetMs` from now. */
export function contextWithin(budgetMs: number, signal: AbortSignal = new AbortController().signal): BackendContext {
  return { signal, deadline: Date.now() + budgetMs, cwd: process.cwd() };
}

/** Awaits a read that must fail and returns its KrevealError. */
export async function readError(read: Promise<unknown>): Promise<KrevealError> {
  try {
    await read;
  } catch (error) {
    assert.ok(error instanceof KrevealError, `expected a KrevealError, got ${String(error)}`);
    return error;
  }
  assert.fail("the read succeeded but was expected to fail");
}

/** Checks that none of `secrets` (tokens, values, credentials) shows in any text of the error. */
export function assertNoSecrets(error: KrevealError, secrets: readonly string[]): void {
  const texts = [error.message, error.describe(), error.stack ?? "", error.fix ?? "", error.location ?? "", String(error.cause)];
  for (const secret of secrets) {
    for (const text of texts) {
      assert.ok(!text.includes(secret), "an error text contains a token or secret value");
    }
  }
}
