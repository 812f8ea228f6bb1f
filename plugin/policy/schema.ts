import * as z from "zod/mini";

/**
 * Builds the schema of the tenant policy file (`KREVEAL_POLICY_FILE`, YAML or JSON), which lists
 * the secrets that the Argo CD Applications of each project may read. Unknown fields are errors.
 * A project or backend that has no entry may read nothing from that backend.
 *
 * ```yaml
 * apiVersion: kreveal.dev/v1alpha1
 * kind: TenantPolicy
 * requireProjectKeys: true
 * projects:
 *   team-a:
 *     vault:
 *       role: team-a
 *       paths: [secret/data/team-a]
 *     sops:
 *       paths: [apps/team-a]
 *       ageKeyFile: /etc/kreveal/age/team-a.txt
 * ```
 *
 * The schema is built on first use, because building a zod schema costs start-up time that a
 * run which reads no secret should not pay.
 */
function buildTenantPolicySchema() {
  const pathList = z.array(z.string());

  /** The rule for one placeholder backend: the path prefixes that the project may read. */
  const vaultRule = z.strictObject({
    /**
     * The Vault role that kreveal logs in with for this project's Applications, in place of
     * KREVEAL_VAULT_ROLE. Kubernetes and JWT logins only: with a token or AppRole login, a
     * role here is a CONFIG_INVALID error. When absent, KREVEAL_VAULT_ROLE applies.
     */
    role: z.optional(z.string().check(z.minLength(1))),
    /**
     * Vault path prefixes, mount included, compared segment by segment with the placeholder's
     * path: `secret/team-a` allows `secret/team-a` and `secret/team-a/db` but not
     * `secret/team-ab`. Slashes at both ends are ignored, and empty, `.` and `..` segments are
     * invalid. On a KV v2 mount a `data` segment after the mount is ignored on both sides, as
     * kreveal reads placeholder paths, so `secret/data/team-a` and `secret/team-a` are one prefix.
     */
    paths: pathList,
  });

  const sopsRule = z.strictObject({
    /**
     * Folder or file prefixes relative to the repository root. Each is compared segment by segment
     * with the real path of every SOPS-encrypted file that kreveal decrypts for the project
     * (generator inputs, KSOPS and SopsSecretGenerator files, `sops:` placeholders, encrypted
     * manifests). `.` allows the whole repository. Plain files need no rule.
     */
    paths: pathList,
    /**
     * The absolute path, in the sidecar, of the age keys file that decrypts this project's SOPS
     * files. When set, it is the project's only source of private keys. SOPS_AGE_KEY,
     * SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD, the default keys.txt and every PGP key are not used,
     * so a file encrypted only to the shared key or to another project's key stays closed. The
     * loader rejects a relative path.
     */
    ageKeyFile: z.optional(z.string().check(z.minLength(1))),
  });

  /** The rules of one Argo CD project, by placeholder scheme (`vault`, `sops`). */
  const projectRules = z.strictObject({
    /** Vault reads (`<vault:...>` and argocd-vault-plugin's `<path:...>` placeholders). */
    vault: z.optional(vaultRule),
    /** SOPS-encrypted files in the repository, and `<sops:...>` placeholders. */
    sops: z.optional(sopsRule),
  });

  return z.strictObject({
    /** Must be `kreveal.dev/v1alpha1`. */
    apiVersion: z.literal("kreveal.dev/v1alpha1"),
    /** Must be `TenantPolicy`. */
    kind: z.literal("TenantPolicy"),
    /**
     * When true, every project decrypts SOPS files with its own `sops.ageKeyFile` alone. A
     * project whose sops rule has no ageKeyFile may decrypt nothing (POLICY_DENIED), and the
     * sidecar's shared key sources are never used. Default false: such a project decrypts with
     * the shared keys, so it can open any file encrypted to them that it copies into its folders.
     */
    requireProjectKeys: z.optional(z.boolean()),
    /**
     * The rules by Argo CD project name, as Argo CD sets it in ARGOCD_APP_PROJECT_NAME. A
     * project that is not listed may read no secret.
     */
    projects: z.record(z.string().check(z.minLength(1)), projectRules),
  });
}

export type TenantPolicyFile = z.infer<ReturnType<typeof buildTenantPolicySchema>>;

/** The field list that messages about unknown fields show. */
export const tenantPolicyFields = "TenantPolicy fields: apiVersion, kind, requireProjectKeys, projects.<project>.vault (role, paths), projects.<project>.sops (paths, ageKeyFile).";

let schema: ReturnType<typeof buildTenantPolicySchema> | undefined;

/** Returns the schema of the tenant policy file, building it on the first call. */
export function tenantPolicySchema(): ReturnType<typeof buildTenantPolicySchema> {
  schema ??= buildTenantPolicySchema();
  return schema;
}
