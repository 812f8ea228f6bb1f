import { readFile } from "node:fs/promises";

import { KrevealError } from "../../../../errors.js";
import type { Budget, VaultHttp } from "../http.js";

/**
 * Posts to `auth/<mount>/login` and returns `auth.client_token` from the reply. Vault's error
 * text is left out of messages because a reply is backend output; the status and the mount are
 * enough to act on.
 */
export async function postLogin(
  http: VaultHttp,
  mount: string,
  method: string,
  body: Record<string, unknown>,
  budget: Budget,
): Promise<string> {
  const apiPath = `auth/${encodePath(mount)}/login`;
  const subject = `logging in with ${method} at auth/${mount}`;
  const response = await http.send({ method: "POST", apiPath, token: undefined, body, subject }, budget);

  if (response.status === 400 || response.status === 403) {
    throw new KrevealError("BACKEND_FORBIDDEN", `${subject} failed: Vault rejected the credentials (HTTP ${response.status})`, {
      location: `auth/${mount}`,
      fix: `Check the ${method} role and credentials configured for kreveal, and the auth mount path.`,
    });
  }
  if (response.status < 200 || response.status > 299) {
    throw new KrevealError("BACKEND_FAILED", `${subject} failed: Vault returned HTTP ${response.status}`, {
      location: `auth/${mount}`,
      fix: "Check that the auth method is enabled at this mount (KREVEAL_VAULT_AUTH_MOUNT).",
    });
  }

  const token = clientToken(response.body);
  if (token === undefined) {
    throw new KrevealError("BACKEND_FAILED", `${subject} failed: the reply has no auth.client_token`, { location: `auth/${mount}` });
  }
  return token;
}

/** Reads a credential file (a JWT or a secret id) and trims it; the content never reaches a message. */
export async function readCredentialFile(file: string, what: string): Promise<string> {
  let content: string;
  try {
    content = await readFile(file, "utf8");
  } catch (error) {
    throw new KrevealError("CONFIG_INVALID", `the ${what} file cannot be read`, {
      location: file,
      fix: `Check the path of the ${what} file and its permissions.`,
      cause: error,
    });
  }

  const trimmed = content.trim();
  if (trimmed === "") {
    throw new KrevealError("CONFIG_INVALID", `the ${what} file is empty`, { location: file });
  }
  return trimmed;
}

/** Encodes each segment of a Vault path while keeping the slashes. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

function clientToken(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null || !("auth" in body)) {
    return undefined;
  }
  const auth = body.auth;
  if (typeof auth !== "object" || auth === null || !("client_token" in auth)) {
    return undefined;
  }
  return typeof auth.client_token === "string" && auth.client_token !== "" ? auth.client_token : undefined;
}
