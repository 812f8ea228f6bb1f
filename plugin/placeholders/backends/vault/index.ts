import { KrevealError } from "../../../errors.js";
import type { BackendContext, SecretBackend } from "../backend.js";
import { DEFAULT_RETRY_POLICY, VaultHttp, type RetryPolicy } from "./http.js";
import { policyFileOf } from "../../../policy/policy-file.js";
import { readKv } from "./kv.js";
import { MountTable, type KvMount } from "./mounts.js";
import { VaultSession } from "./session.js";
import { loadVaultSettings } from "./settings.js";
import { createTransport } from "./transport.js";

/**
 * Maximum time of one read. It stays below Argo CD's 60 s default request deadline, so that the
 * error reaches the user before Argo CD gives up on the whole generate.
 */
export const MAX_READ_BUDGET_MS = 55_000;

export interface VaultBackendOptions {
  /** Environment the settings are read from, `process.env` by default. */
  readonly env?: NodeJS.ProcessEnv;
  readonly retry?: RetryPolicy;
}

interface VaultClient {
  readonly session: VaultSession;
  readonly mounts: MountTable;
}

/**
 * Creates a Vault backend with its own token and mount cache. Settings are read at the first
 * read, so a run without `vault:` placeholders needs no Vault configuration.
 */
export function createVaultBackend(options: VaultBackendOptions = {}): SecretBackend {
  let client: VaultClient | undefined;

  function connect(): VaultClient {
    if (client === undefined) {
      const settings = loadVaultSettings(options.env ?? process.env);
      const http = new VaultHttp(settings, createTransport(settings.caCertFile), options.retry ?? DEFAULT_RETRY_POLICY);
      const session = new VaultSession(settings, http);
      client = { session, mounts: new MountTable(session) };
    }
    return client;
  }

  return {
    scheme: "vault",
    async read(path: string, version: string | undefined, context: BackendContext): Promise<Record<string, unknown>> {
      const secretPath = checkPath(path);
      checkVersion(secretPath, version);

      const { session, mounts } = connect();
      const authorize = await policyCheck(options.env ?? process.env, secretPath);
      const budget = { signal: context.signal, deadline: Math.min(context.deadline, Date.now() + MAX_READ_BUDGET_MS) };
      return readKv(session, mounts, secretPath, version, budget, authorize);
    },
  };
}

/** The backend for `vault:` placeholders, configured from the process environment. */
export const vaultBackend: SecretBackend = createVaultBackend();

/**
 * Returns the tenant policy's check of `secretPath` for the mount it lies on, or undefined when
 * no policy applies. The placeholder resolver has already checked the path as written. This check
 * compares the path the way it is read on its mount (KV v2 drops `data/` after the mount), so that
 * no spelling reaches a secret outside the project's prefixes.
 */
async function policyCheck(env: NodeJS.ProcessEnv, secretPath: string): Promise<((mount: KvMount) => void) | undefined> {
  const file = policyFileOf(env);
  if (file === undefined) {
    return undefined;
  }

  const { projectPolicy } = await import("../../../policy/access.js");
  const policy = projectPolicy(file, env);
  return (mount) => {
    const denied = policy.checkVaultRead(secretPath, mount);
    if (denied !== undefined) {
      throw new KrevealError(denied.code, denied.message, { location: secretPath, fix: denied.fix });
    }
  };
}

function checkPath(path: string): string {
  const trimmed = path.trim().replace(/^\/+|\/+$/g, "");
  const segments = trimmed.split("/");
  if (trimmed === "" || segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    throw new KrevealError("PLACEHOLDER_INVALID", `Vault path "${path}" is invalid`, {
      location: path,
      fix: "Write the path as mount/path/to/secret, without empty, '.' or '..' segments.",
    });
  }
  if (segments.length < 2) {
    throw new KrevealError("PLACEHOLDER_INVALID", `Vault path "${path}" names only a mount`, {
      location: path,
      fix: "Add the secret's path after the mount, e.g. secret/app.",
    });
  }
  return trimmed;
}

function checkVersion(secretPath: string, version: string | undefined): void {
  if (version !== undefined && !/^[1-9]\d{0,9}$/.test(version)) {
    throw new KrevealError("PLACEHOLDER_INVALID", `Vault version "${version}" of ${secretPath} is not a positive whole number`, {
      location: secretPath,
      fix: "Write the version as a number such as #3.",
    });
  }
}
