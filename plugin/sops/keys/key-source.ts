/**
 * How long a helper program (gpg, SOPS_AGE_KEY_CMD) may run, in milliseconds. kreveal runs inside
 * kustomize and Argo CD with no terminal, so a program waiting for a passphrase prompt would
 * otherwise hang the whole build.
 */
export const keyCommandTimeoutMs = 30_000;

/** One master key entry of the `sops` metadata, e.g. one element of `sops.age`. */
export interface MasterKey {
  /** The metadata field the entry sits in: `age`, `pgp`, `kms`, `gcp_kms`, `azure_kv`, `hc_vault` or `hckms`. */
  readonly source: string;
  /** The wrapped data key (or Shamir share) exactly as stored. */
  readonly enc: string;
  /** The entry's other string fields (`recipient`, `fp`, `arn`, `resource_id`, ...). */
  readonly fields: Readonly<Record<string, string>>;
}

/** The reason one master key could not be opened. It never contains key material. */
export interface UnwrapAttempt {
  readonly key: MasterKey;
  readonly reason: string;
}

/**
 * A source of private keys for one kind of master key. Each source lives in its own file under
 * `plugin/sops/keys/` and is found through the registry by its metadata field.
 */
export interface KeySource {
  /** The metadata field this source reads, e.g. `age`. */
  readonly field: string;

  /**
   * Recovers the data key (or the Shamir share) wrapped by any one of `keys`, all of which belong
   * to the same key group and to this source. Returns undefined when no local key opens any of
   * them, after appending one attempt per key saying why. Throws only for a failure that no other
   * key could fix, such as a broken identity file the user pointed kreveal at.
   */
  unwrap(keys: readonly MasterKey[], attempts: UnwrapAttempt[]): Promise<Uint8Array | undefined>;

  /** Describes where this source looks for private keys, for "no key available" messages. */
  describeLookup(): string;
}
