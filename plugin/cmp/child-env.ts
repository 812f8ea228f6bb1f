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
