/**
 * Returns the environment for child processes (kustomize, helm, and kreveal's plugins started by
 * kustomize): `env` without the Application's settings (every ARGOCD_ENV_*, PARAM_* and
 * ARGOCD_APP_PARAMETERS), plus `extra`. The ARGOCD_APP_* identity variables stay, because the
 * tenant policy in kreveal's plugins needs the project name.
 */
export function childEnvironment(env: NodeJS.ProcessEnv, extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (name.startsWith("ARGOCD_ENV_") || name.startsWith("PARAM_") || name === "ARGOCD_APP_PARAMETERS") {
      continue;
    }
    child[name] = value;
  }
  return { ...child, ...extra };
}

/** The sidecar's credentials: Vault login material, SOPS keys and kreveal's key settings. */
const sidecarSecretNames = new Set([
  "VAULT_TOKEN",
  "VAULT_SECRET_ID",
  "VAULT_ROLE_ID",
  "SOPS_AGE_KEY",
  "SOPS_AGE_KEY_FILE",
  "SOPS_AGE_KEY_CMD",
  "KREVEAL_AGE_KEY_PASSPHRASE",
  "KREVEAL_PGP_KEY_FILE",
]);

/**
 * Returns the environment for helm: `env` without the sidecar's credentials (the names above and
 * every KREVEAL_VAULT_*). helm needs none of them, because kreveal resolves the values files'
 * placeholders before helm starts. kustomize keeps them, because it starts kreveal's plugins.
 */
export function helmEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const child: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (!sidecarSecretNames.has(name) && !name.startsWith("KREVEAL_VAULT_")) {
      child[name] = value;
    }
  }
  return child;
}
