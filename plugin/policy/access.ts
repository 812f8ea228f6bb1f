import { KrevealError } from "../errors.js";
import { loadTenantPolicy, type ProjectRules } from "./load.js";
import { formatPolicyField, isBelowKvV2Prefix, isBelowPrefix, pathSegments } from "./paths.js";

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
   * Checks a Vault read once its mount is known, before the secret is requested. On a KV v2
   * mount, a `data` segment right after the mount is dropped from the path and the prefixes
   * before they are compared, the way kreveal reads placeholder paths. So `secret/data/team-a`
   * and `secret/team-a` are the same prefix there, and `secret/data` is the whole mount. On KV v1
   * they are compared as written. Returns the POLICY_DENIED error, without a location, or undefined.
   */
  checkVaultRead(path: string, mount: { readonly path: string; readonly version: 1 | 2 }): KrevealError | undefined;

  /**
   * Throws POLICY_DENIED, located at `location`, unless the project may decrypt the SOPS file at
   * `repoRelativePath`: the file's real path relative to the repository root, with `/` between
   * segments. Under `requireProjectKeys`, a project without `sops.ageKeyFile` may decrypt no file.
   */
  checkSopsFile(repoRelativePath: string, location: string): void;

  /**
   * Returns the POLICY_DENIED error, without a location, when the policy sets
   * `requireProjectKeys` and the project has no `sops.ageKeyFile`, and undefined otherwise. `target`
   * names what is decrypted in the message, such as `sops file "apps/a.enc.yaml"`.
   */
  checkProjectKeys(target: string): KrevealError | undefined;

  /** Returns `projects.<project>.vault.role` and its field path, when the project sets one. */
  vaultRole(): { readonly role: string; readonly field: string } | undefined;

  /**
   * Returns `projects.<project>.sops.ageKeyFile` (an absolute path) and its field path, when the
   * project sets one. That file is then the project's only source of private keys.
   */
  sopsAgeKeyFile(): { readonly file: string; readonly field: string } | undefined;
}

const noProjectKeyFix =
  "Ask the Argo CD operator to give the project its own age keys file (projects.<project>.sops.ageKeyFile in KREVEAL_POLICY_FILE) and to re-encrypt its SOPS files to that key.";
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

  const checkProjectKeys = (target: string): KrevealError | undefined => {
    if (!policy.requireProjectKeys || rules?.sopsAgeKeyFile !== undefined) {
      return undefined;
    }
    const who = project === undefined ? "there is no Argo CD project (ARGOCD_APP_PROJECT_NAME is not set)" : `Argo CD project ${JSON.stringify(project)} may not read ${target}`;
    const rule = project === undefined ? "no sops.ageKeyFile applies" : `${formatPolicyField(["projects", project, "sops"])} has no ageKeyFile`;
    return new KrevealError("POLICY_DENIED", `${who}: ${rule} and the policy sets requireProjectKeys`, { fix: noProjectKeyFix });
  };

  return {
    file,
    project,

    checkBackendRead(scheme, path) {
      // Before the mount is known, a Vault path passes when some mount length would let it match.
      // checkVaultRead decides once the mount is known.
      let match: PrefixMatch | undefined;
      if (scheme === "vault") {
        match = matchesAnyMountLength;
      } else if (scheme !== "sops") {
        match = isBelowPrefix;
      }

      const denied = check({ project, rules }, scheme, "path", path, match);
      if (denied !== undefined || scheme !== "sops") {
        return denied;
      }
      return checkProjectKeys(`sops path ${JSON.stringify(path)}`);
    },

    checkVaultRead(path, mount) {
      const mountLength = pathSegments(mount.path)?.length ?? 0;
      const match =
        mount.version === 2
          ? (segments: readonly string[], prefix: readonly string[]) => isBelowKvV2Prefix(segments, prefix, mountLength)
          : isBelowPrefix;
      return check({ project, rules }, "vault", "path", path, match);
    },

    checkSopsFile(repoRelativePath, location) {
      // A missing key file is reported before a path outside the prefixes, because it denies
      // every file and needs the operator.
      const denied =
        check({ project, rules }, "sops", "file", repoRelativePath, undefined) ??
        checkProjectKeys(`sops file ${JSON.stringify(repoRelativePath)}`) ??
        check({ project, rules }, "sops", "file", repoRelativePath, isBelowPrefix);
      if (denied !== undefined) {
        throw new KrevealError(denied.code, denied.message, { location, fix: denied.fix });
      }
    },

    checkProjectKeys,

    vaultRole() {
      const role = rules?.vaultRole;
      return role === undefined || project === undefined ? undefined : { role, field: formatPolicyField(["projects", project, "vault", "role"]) };
    },

    sopsAgeKeyFile() {
      const keyFile = rules?.sopsAgeKeyFile;
      return keyFile === undefined || project === undefined ? undefined : { file: keyFile, field: formatPolicyField(["projects", project, "sops", "ageKeyFile"]) };
    },
  };
}

interface Subject {
  readonly project: string | undefined;
  readonly rules: ProjectRules | undefined;
}

/** A test of whether path segments lie below prefix segments. */
type PrefixMatch = (segments: readonly string[], prefix: readonly string[]) => boolean;

/** Tells whether the path lies below the prefix for some KV v2 mount length, or as written. */
function matchesAnyMountLength(segments: readonly string[], prefix: readonly string[]): boolean {
  for (let mountLength = 1; mountLength < Math.max(segments.length, prefix.length); mountLength++) {
    if (isBelowKvV2Prefix(segments, prefix, mountLength)) {
      return true;
    }
  }
  return isBelowPrefix(segments, prefix);
}

/**
 * Applies the rules to one read. `noun` names the thing read in the message (`path`, `file`).
 * Without `match`, only the backend entry is checked.
 */
function check(subject: Subject, scheme: string, noun: string, path: string, match: PrefixMatch | undefined): KrevealError | undefined {
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
  if (match === undefined) {
    return undefined;
  }

  const pathsField = formatPolicyField(["projects", project, scheme, "paths"]);
  const segments = pathSegments(path);
  if (segments === undefined) {
    return deny(`the path is empty or has an empty, "." or ".." segment, which ${pathsField} never allows`);
  }
  if (rule.prefixes.some((prefix) => match(segments, prefix))) {
    return undefined;
  }
  return deny(rule.paths.length === 0 ? `${pathsField} is empty` : `${pathsField} allows only ${rule.paths.join(", ")}`);
}
