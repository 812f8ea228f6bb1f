import { readFile } from "node:fs/promises";

import { KrevealError } from "../../../../errors.js";
import type { TokenAuthSettings } from "../settings.js";

/**
 * Returns the static token: VAULT_TOKEN, else the content of ~/.vault-token (which the Vault CLI
 * writes after `vault login`). There is no login call, so an expired token cannot be renewed.
 */
export async function readStaticToken(settings: TokenAuthSettings): Promise<string> {
  if (settings.token !== undefined) {
    return settings.token;
  }

  let content: string;
  try {
    content = await readFile(settings.tokenFile, "utf8");
  } catch {
    throw new KrevealError("CONFIG_INVALID", "no Vault token: VAULT_TOKEN is not set and the token file cannot be read", {
      location: settings.tokenFile,
      fix: "Set VAULT_TOKEN, run `vault login`, or choose a login method with KREVEAL_VAULT_AUTH_METHOD.",
    });
  }

  const token = content.trim();
  if (token === "") {
    throw new KrevealError("CONFIG_INVALID", "no Vault token: the token file is empty", {
      location: settings.tokenFile,
      fix: "Set VAULT_TOKEN or run `vault login`.",
    });
  }
  return token;
}
