import { KrevealError } from "../../errors.js";
import type { KeySource, MasterKey, UnwrapAttempt } from "./key-source.js";

/**
 * Key sources by metadata field, in the order sops tries them when decrypting: age, then PGP,
 * then the cloud services. Each loader imports its module only when a file needs it, so that
 * openpgp and cloud SDKs stay out of start-up.
 */
const loaders: ReadonlyMap<string, () => Promise<KeySource>> = new Map([
  ["age", async () => (await import("./age.js")).ageKeySource],
  ["pgp", async () => (await import("./pgp.js")).pgpKeySource],
  ["kms", () => Promise.resolve(unsupported("kms", "AWS KMS"))],
  ["gcp_kms", () => Promise.resolve(unsupported("gcp_kms", "GCP Cloud KMS"))],
  ["hckms", () => Promise.resolve(unsupported("hckms", "Huawei Cloud KMS"))],
  ["azure_kv", () => Promise.resolve(unsupported("azure_kv", "Azure Key Vault"))],
  ["hc_vault", () => Promise.resolve(unsupported("hc_vault", "HashiCorp Vault Transit"))],
]);

/** Metadata fields that hold master keys, in decryption order. */
export const keySourceFields: readonly string[] = [...loaders.keys()];

const loaded = new Map<string, Promise<KeySource>>();

/** Returns the key source for a metadata field, loading its module on first use. */
export function keySourceFor(field: string): Promise<KeySource> {
  const loader = loaders.get(field);
  if (loader === undefined) {
    return Promise.reject(new KrevealError("KEY_SOURCE_UNSUPPORTED", `unknown master key type "${field}"`));
  }

  let source = loaded.get(field);
  if (source === undefined) {
    source = loader();
    loaded.set(field, source);
  }
  return source;
}

/** Creates the key source for a service kreveal cannot reach yet. Every attempt reports that it is unsupported. */
function unsupported(field: string, service: string): KeySource {
  return {
    field,
    unwrap(keys: readonly MasterKey[], attempts: UnwrapAttempt[]): Promise<undefined> {
      for (const key of keys) {
        attempts.push({ key, reason: `${service} master keys (sops field "${field}") are not supported by kreveal yet` });
      }
      return Promise.resolve(undefined);
    },
    describeLookup(): string {
      return `${service} (sops field "${field}"): not supported yet; add an age or PGP recipient to the file with "sops updatekeys"`;
    },
  };
}
