import { KrevealError } from "../../../errors.js";
import { encodePath } from "./auth/login.js";
import type { Budget } from "./http.js";
import type { VaultSession } from "./session.js";

/** A KV secrets engine mount: its path with a trailing slash (`secret/`) and its KV version. */
export interface KvMount {
  readonly path: string;
  readonly version: 1 | 2;
}

/**
 * Finds the mount of a secret path and its KV version through `sys/internal/ui/mounts/<path>`,
 * the request the Vault CLI makes before a `vault kv` command. Vault is asked once per mount and
 * process. Reads that arrive while a lookup is in flight wait for it and reuse its mount.
 */
export class MountTable {
  private readonly known: KvMount[] = [];
  private readonly inFlight = new Map<string, Promise<KvMount>>();

  constructor(private readonly session: VaultSession) {}

  async lookup(secretPath: string, budget: Budget): Promise<KvMount> {
    const cached = this.findKnown(secretPath);
    if (cached !== undefined) {
      return cached;
    }

    if (this.inFlight.size > 0) {
      await Promise.allSettled(this.inFlight.values());
      const found = this.findKnown(secretPath);
      if (found !== undefined) {
        return found;
      }
    }

    const pending = this.inFlight.get(secretPath) ?? this.ask(secretPath, budget);
    this.inFlight.set(secretPath, pending);
    try {
      return await pending;
    } finally {
      this.inFlight.delete(secretPath);
    }
  }

  private findKnown(secretPath: string): KvMount | undefined {
    let best: KvMount | undefined;
    for (const mount of this.known) {
      if (`${secretPath}/`.startsWith(mount.path) && (best === undefined || mount.path.length > best.path.length)) {
        best = mount;
      }
    }
    return best;
  }

  private async ask(secretPath: string, budget: Budget): Promise<KvMount> {
    const subject = `finding the KV mount of ${secretPath}`;
    const apiPath = `sys/internal/ui/mounts/${encodePath(secretPath)}`;
    const response = await this.session.send({ method: "GET", apiPath, body: undefined, subject }, budget);

    // Vault before 0.10 has no such endpoint and only KV v1, which reads the path as it is.
    if (response.status === 404) {
      return { path: `${secretPath.split("/")[0] ?? secretPath}/`, version: 1 };
    }
    if (response.status === 403) {
      throw new KrevealError("BACKEND_FORBIDDEN", `${subject} failed: Vault denied the request (HTTP 403)`, {
        location: secretPath,
        fix: "Check that the Vault token is valid and its policy grants read on this path.",
      });
    }
    if (response.status !== 200) {
      throw new KrevealError("BACKEND_FAILED", `${subject} failed: Vault returned HTTP ${response.status}`, { location: secretPath });
    }

    const mount = parseMount(response.body, secretPath);
    this.known.push(mount);
    return mount;
  }
}

function parseMount(body: unknown, secretPath: string): KvMount {
  const data = field(body, "data");
  const mountPath = field(data, "path");
  const version = field(field(data, "options"), "version");
  const type = field(data, "type");

  if (typeof mountPath !== "string" || mountPath === "" || !`${secretPath}/`.startsWith(mountPath)) {
    throw new KrevealError("BACKEND_FAILED", `Vault returned no mount path for ${secretPath}`, { location: secretPath });
  }
  if (typeof type === "string" && type !== "kv" && type !== "generic") {
    throw new KrevealError("BACKEND_FAILED", `${secretPath} is on a ${type} mount, not a KV secrets engine`, {
      location: secretPath,
      fix: "Point the placeholder at a path on a KV v1 or v2 mount.",
    });
  }
  return { path: mountPath, version: version === "2" ? 2 : 1 };
}

/** Returns `value[name]` when `value` is an object, else undefined. */
export function field(value: unknown, name: string): unknown {
  if (typeof value !== "object" || value === null) {
    return undefined;
  }
  return (value as Record<string, unknown>)[name];
}
