import type { Budget, VaultHttp } from "../http.js";
import type { JwtAuthSettings } from "../settings.js";
import { postLogin, readCredentialFile } from "./login.js";

/** Logs in with a JWT read from a file; without a role, Vault uses the mount's default_role. */
export async function loginWithJwt(http: VaultHttp, settings: JwtAuthSettings, budget: Budget): Promise<string> {
  const jwt = await readCredentialFile(settings.tokenFile, "JWT");
  const body: Record<string, unknown> = { jwt };
  if (settings.role !== undefined) {
    body.role = settings.role;
  }
  return postLogin(http, settings.mount, "JWT", body, budget);
}
