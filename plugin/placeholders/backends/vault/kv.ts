import { KrevealError } from "../../../errors.js";
import { encodePath } from "./auth/login.js";
import type { Budget } from "./http.js";
import { field, type KvMount, type MountTable } from "./mounts.js";
import type { VaultSession } from "./session.js";

/**
 * Reads the key/value map at `secretPath`. On a KV v2 mount the path may be written with or
 * without `data/` after the mount (argocd-vault-plugin needs it, the Vault CLI leaves it out), and
 * `version` pins a version with `?version=N`. KV v1 has no versions, so a version is rejected.
 * `authorize` runs once the mount is known and before the secret is requested; it throws to stop
 * the read (the tenant policy).
 */
export async function readKv(
  session: VaultSession,
  mounts: MountTable,
  secretPath: string,
  version: string | undefined,
  budget: Budget,
  authorize?: (mount: KvMount) => void,
): Promise<Record<string, unknown>> {
  const subject = describeRead(secretPath, version);
  const mount = await mounts.lookup(secretPath, budget);
  authorize?.(mount);

  if (mount.version === 1 && version !== undefined) {
    throw new KrevealError("PLACEHOLDER_INVALID", `${subject} failed: ${mount.path} is a KV v1 mount, which keeps no versions`, {
      location: secretPath,
      fix: "Remove the #VERSION part from the placeholder.",
    });
  }

  const apiPath = mount.version === 2 ? dataPath(mount, secretPath, version) : encodePath(secretPath);
  const response = await session.send({ method: "GET", apiPath, body: undefined, subject }, budget);

  if (response.status === 403) {
    throw new KrevealError("BACKEND_FORBIDDEN", `${subject} failed: Vault denied access (HTTP 403)`, {
      location: secretPath,
      fix: "Grant the Vault token's policy read on this path, or check that the token is still valid.",
    });
  }
  if (response.status === 404) {
    throw notFound(subject, secretPath, version, response.body);
  }
  if (response.status !== 200) {
    throw new KrevealError("BACKEND_FAILED", `${subject} failed: Vault returned HTTP ${response.status}`, { location: secretPath });
  }

  const data = mount.version === 2 ? field(field(response.body, "data"), "data") : field(response.body, "data");
  if (data === null && mount.version === 2) {
    throw notFound(subject, secretPath, version, response.body);
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new KrevealError("BACKEND_FAILED", `${subject} failed: the response contains no key/value map`, { location: secretPath });
  }
  return data as Record<string, unknown>;
}

/** Builds `<mount>data/<rest>` with an optional `?version=N`. */
function dataPath(mount: KvMount, secretPath: string, version: string | undefined): string {
  let rest = secretPath.slice(mount.path.length);
  if (rest.startsWith("data/")) {
    rest = rest.slice("data/".length);
  }
  const query = version === undefined ? "" : `?version=${version}`;
  return `${encodePath(mount.path.replace(/\/$/, ""))}/data/${encodePath(rest)}${query}`;
}

/**
 * Explains a 404. KV v2 returns a deleted or destroyed version with 404 and a body whose
 * metadata shows deletion_time or destroyed; a path never written gives 404 without metadata.
 */
function notFound(subject: string, secretPath: string, version: string | undefined, body: unknown): KrevealError {
  const metadata = field(field(body, "data"), "metadata");
  const shownVersion = field(metadata, "version");
  let which = "the latest version";
  if (typeof shownVersion === "number") {
    which = `version ${shownVersion}`;
  } else if (version !== undefined) {
    which = `version ${version}`;
  }

  if (field(metadata, "destroyed") === true) {
    return new KrevealError("BACKEND_NOT_FOUND", `${subject} failed: ${which} of ${secretPath} was destroyed`, {
      location: secretPath,
      fix: "Pin a version that still exists with #VERSION, or write the secret again.",
    });
  }
  const deletionTime = field(metadata, "deletion_time");
  if (typeof deletionTime === "string" && deletionTime !== "") {
    return new KrevealError("BACKEND_NOT_FOUND", `${subject} failed: ${which} of ${secretPath} was deleted at ${deletionTime}`, {
      location: secretPath,
      fix: "Undelete that version in Vault (vault kv undelete), or pin another version with #VERSION.",
    });
  }
  const what = version === undefined ? `no secret at ${secretPath}` : `no version ${version} of ${secretPath}`;
  return new KrevealError("BACKEND_NOT_FOUND", `${subject} failed: Vault has ${what}`, {
    location: secretPath,
    fix: "Check the path in the placeholder (and its mount), or write the secret to Vault.",
  });
}

export function describeRead(secretPath: string, version: string | undefined): string {
  return version === undefined ? `reading ${secretPath}` : `reading ${secretPath} (version ${version})`;
}
