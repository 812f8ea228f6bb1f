import type { Budget, VaultHttp } from "../http.js";
import type { AppRoleAuthSettings } from "../settings.js";
import { postLogin, readCredentialFile } from "./login.js";

/**
 * Logs in with AppRole. The secret id comes from VAULT_SECRET_ID or, when that is unset, from
 * KREVEAL_VAULT_SECRET_ID_FILE; with neither, the login sends the role id alone, which Vault
 * accepts only for roles with bind_secret_id=false.
 */
export async function loginWithAppRole(http: VaultHttp, settings: AppRoleAuthSettings, budget: Budget): Promise<string> {
  const body: Record<string, unknown> = { role_id: settings.roleId };

  if (settings.secretId !== undefined) {
    body.secret_id = settings.secretId;
  } else if (settings.secretIdFile !== undefined) {
    body.secret_id = await readCredentialFile(settings.secretIdFile, "AppRole secret id");
  }

  return postLogin(http, settings.mount, "AppRole", body, budget);
}
