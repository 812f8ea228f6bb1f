/**
 * Returns the tenant policy file named by KREVEAL_POLICY_FILE, or undefined when the variable is
 * unset or empty and no policy applies. This is the only policy module that callers import
 * statically: it reads no file and loads nothing, so a run without a policy pays nothing for it.
 */
export function policyFileOf(env: NodeJS.ProcessEnv): string | undefined {
  const file = env.KREVEAL_POLICY_FILE?.trim();
  return file === undefined || file === "" ? undefined : file;
}
