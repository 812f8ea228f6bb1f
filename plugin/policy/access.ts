import { KrevealError } from "../errors.js";
import { loadTenantPolicy, type ProjectRules } from "./load.js";
import { formatPolicyField, isBelowPrefix, pathSegments } from "./paths.js";

/** The tenant policy as it applies to the Argo CD project of this run. */
export interface ProjectPolicy {
  /** The policy file (KREVEAL_POLICY_FILE). */
  readonly file: string;
  /** ARGOCD_APP_PROJECT_NAME, or undefined when it is unset or empty. */
  readonly project: string | undefined;

  /**
   * Checks a placeholder's read of `path` from the backend `scheme` (`vault`, `sops`). Returns
   * the POLICY_DENIED error, without a location, or undefined when the read is allowed. For
   * `sops` only the backend entry is checked here, because the file's path relative to the
   * repository root is known only when the file is decrypted, where checkSopsFile runs.
   */
  checkBackendRead(scheme: string, path: string): KrevealError | undefined;

  /**
   * Throws POLICY_DENIED, located at `location`, unless the project may decrypt the SOPS file at
   * `repoRelativePath`: the file's real path relative to the repository root, with `/` between
   * segments.
   */
  checkSopsFile(repoRelativePath: string, location: string): void;

  /** Returns `projects.<project>.vault.role` and its field path, when the project sets one. */
  vaultRole(): { readonly role: string; readonly field: string } | undefined;
}

const deniedFix = "Ask the Argo CD operator to allow the path in the kreveal policy (KREVEAL_POLICY_FILE), or read a path the project owns.";
const noProjectFix = "Run kreveal through Argo CD, which sets ARGOCD_APP_PROJECT_NAME to the Application's project, or unset KREVEAL_POLICY_FILE.";

/**
 * Loads the policy file (once per process) and returns its rules for the project named by
 * ARGOCD_APP_PROJECT_NAME in `env`. Throws CONFIG_INVALID when the file is missing or invalid.
 */
export function projectPolicy(file: string, env: NodeJS.ProcessEnv): ProjectPolicy {
  const policy = loadTenantPolicy(file);
  const project = env.ARGOCD_APP_PROJECT_NAME?.trim() === "" ? undefined : env.ARGOCD_APP_PROJECT_NAME;
  const rules = project === undefined ? undefined : policy.projects.get(project);

  return {
    file,
    project,

    checkBackendRead(scheme, path) {
      return check({ project, rules }, scheme, "path", path, scheme !== "sops");
    },

    checkSopsFile(repoRelativePath, location) {
      const denied = check({ project, rules }, "sops", "file", repoRelativePath, true);
      if (denied !== undefined) {
        throw new KrevealError(denied.code, denied.message, { location, fix: denied.fix });
      }
    },

    vaultRole() {
      const role = rules?.vaultRole;
      return role === undefined || project === undefined ? undefined : { role, field: formatPolicyField(["projects", project, "vault", "role"]) };
    },
  };
}

interface Subject {
  readonly project: string | undefined;
  readonly rules: ProjectRules | undefined;
}

/**
 * Applies the rules to one read. `noun` names the thing read in the message (`path`, `file`).
 * With `matchPath` false, only the backend entry is checked.
 */
function check(subject: Subject, scheme: string, noun: string, path: string, matchPath: boolean): KrevealError | undefined {
  const { project, rules } = subject;
  const target = `${scheme} ${noun} ${JSON.stringify(path)}`;
  if (project === undefined) {
    return new KrevealError("POLICY_DENIED", `reading ${target} is denied because there is no Argo CD project: ARGOCD_APP_PROJECT_NAME is not set`, {
      fix: noProjectFix,
    });
  }

  const deny = (rule: string) => new KrevealError("POLICY_DENIED", `Argo CD project ${JSON.stringify(project)} may not read ${target}: ${rule}`, { fix: deniedFix });
  const projectField = formatPolicyField(["projects", project]);
  if (rules === undefined) {
    return deny(`the tenant policy has no ${projectField} entry`);
  }
  const rule = rules.backends.get(scheme);
  if (rule === undefined) {
    return deny(`${projectField} has no ${scheme} entry`);
  }
  if (!matchPath) {
    return undefined;
  }

  const pathsField = formatPolicyField(["projects", project, scheme, "paths"]);
  const segments = pathSegments(path);
  if (segments === undefined) {
    return deny(`the path is empty or has an empty, "." or ".." segment, which ${pathsField} never allows`);
  }
  if (rule.prefixes.some((prefix) => isBelowPrefix(segments, prefix))) {
    return undefined;
  }
  return deny(rule.paths.length === 0 ? `${pathsField} is empty` : `${pathsField} allows only ${rule.paths.join(", ")}`);
}
