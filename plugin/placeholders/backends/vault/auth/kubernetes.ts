import type { Budget, VaultHttp } from "../http.js";
import type { KubernetesAuthSettings } from "../settings.js";
import { postLogin, readCredentialFile } from "./login.js";

/**
 * Logs in with the pod's service-account token. The token file is read on every login because
 * Kubernetes rotates projected tokens.
 */
export async function loginWithKubernetes(http: VaultHttp, settings: KubernetesAuthSettings, budget: Budget): Promise<string> {
  const jwt = await readCredentialFile(settings.tokenFile, "Kubernetes service-account token");
  return postLogin(http, settings.mount, "Kubernetes", { role: settings.role, jwt }, budget);
}
