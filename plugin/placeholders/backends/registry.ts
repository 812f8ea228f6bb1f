import { KrevealError } from "../../errors.js";
import type { SecretBackend } from "./backend.js";

/**
 * The backends by scheme. Each one is imported only when a placeholder names its scheme, so that
 * a run without Vault placeholders never loads the Vault client.
 */
const backends: ReadonlyMap<string, () => Promise<SecretBackend>> = new Map([
  ["sops", async () => (await import("./sops.js")).sopsBackend],
  ["vault", async () => (await import("./vault/index.js")).vaultBackend],
]);

/** Returns the backend for a placeholder's scheme. Throws PLACEHOLDER_INVALID for an unknown scheme. */
export async function loadBackend(scheme: string): Promise<SecretBackend> {
  const load = backends.get(scheme);
  if (load === undefined) {
    throw new KrevealError("PLACEHOLDER_INVALID", `no backend is registered for the scheme "${scheme}"`, {
      fix: `Use one of: ${[...backends.keys()].join(", ")}.`,
    });
  }
  return load();
}
