import { policyFileOf } from "../../policy/policy-file.js";

/**
 * Finds the age keys file that the tenant policy gives the Argo CD project of this run
 * (`projects.<project>.sops.ageKeyFile`). When there is one, it is the only source of private
 * keys: the age and PGP key sources skip their shared sources. So a project cannot decrypt a file
 * encrypted only to the sidecar's shared key or to another project's key. When the policy
 * sets `requireProjectKeys` and the project has no keys file, findProjectKeyFile throws
 * POLICY_DENIED, so the shared sources are not read either.
 */

/** The project's own age keys file, as the tenant policy names it. */
export interface ProjectKeyFile {
  /** The absolute path of the keys file. */
  readonly file: string;
  /** The policy field that names it, e.g. `projects.team-a.sops.ageKeyFile`. */
  readonly field: string;
  /** The tenant policy file (KREVEAL_POLICY_FILE). */
  readonly policyFile: string;
}

type PolicyAccess = typeof import("../../policy/access.js");

/** The policy module, once a run with KREVEAL_POLICY_FILE has loaded it. */
let policyAccess: PolicyAccess | undefined;

/**
 * Returns the project's keys file, or undefined when no policy applies or the project's sops
 * rule sets none. Without KREVEAL_POLICY_FILE this loads no module and reads no file. Throws
 * CONFIG_INVALID when the policy file is missing or invalid, and POLICY_DENIED when the policy
 * sets `requireProjectKeys` and the project has no keys file.
 */
export async function findProjectKeyFile(env: NodeJS.ProcessEnv = process.env): Promise<ProjectKeyFile | undefined> {
  const policyFile = policyFileOf(env);
  if (policyFile === undefined) {
    return undefined;
  }

  policyAccess ??= await import("../../policy/access.js");
  const denied = policyAccess.projectPolicy(policyFile, env).checkProjectKeys("any SOPS file");
  if (denied !== undefined) {
    throw denied;
  }
  return keyFileOf(policyAccess, policyFile, env);
}

/**
 * Returns what findProjectKeyFile returns, synchronously, for messages. Returns "unknown" when
 * a policy applies but no earlier findProjectKeyFile call has loaded the policy module. The key
 * sources call findProjectKeyFile in `unwrap`, which the decryption in data-key.ts runs before
 * it calls their `describeLookup`.
 */
export function projectKeyFileForMessages(env: NodeJS.ProcessEnv = process.env): ProjectKeyFile | undefined | "unknown" {
  const policyFile = policyFileOf(env);
  if (policyFile === undefined) {
    return undefined;
  }
  return policyAccess === undefined ? "unknown" : keyFileOf(policyAccess, policyFile, env);
}

/** Describes the project's keys file by its policy field, for messages. Never reads the file. */
export function describeProjectKeyFile(key: ProjectKeyFile): string {
  return `the project's own age keys file ${key.file}, named by ${key.field} in the tenant policy ${key.policyFile}`;
}

function keyFileOf(access: PolicyAccess, policyFile: string, env: NodeJS.ProcessEnv): ProjectKeyFile | undefined {
  const keyFile = access.projectPolicy(policyFile, env).sopsAgeKeyFile();
  return keyFile === undefined ? undefined : { ...keyFile, policyFile };
}
