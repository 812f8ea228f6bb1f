import { KrevealError } from "../errors.js";
import type { UnwrapAttempt } from "./keys/key-source.js";
import { keySourceFields, keySourceFor } from "./keys/registry.js";
import type { KeyGroup } from "./metadata.js";
import { combineShares } from "./shamir.js";

const dataKeyLength = 32;

/**
 * Recovers the file's 32-byte data key. With one key group, any master key of that group opens
 * it. With several groups, each group opens one Shamir share and `threshold` shares are combined.
 */
export async function recoverDataKey(groups: readonly KeyGroup[], threshold: number | undefined): Promise<Uint8Array> {
  if (groups.length === 0) {
    throw new KrevealError("SOPS_METADATA_INVALID", "the sops metadata lists no master keys", {
      fix: "The metadata was damaged or removed. Restore the file from version control.",
    });
  }

  const attempts: UnwrapAttempt[] = [];
  if (groups.length === 1) {
    const dataKey = await openGroup(groups[0] ?? { keys: [] }, attempts);
    if (dataKey === undefined) {
      throw await noKeyAvailable(groups, attempts);
    }
    return checkLength(dataKey);
  }

  // A missing threshold means every group is needed, as sops sets it when encrypting.
  const needed = threshold ?? groups.length;
  const shares: Uint8Array[] = [];
  for (const group of groups) {
    const share = await openGroup(group, attempts);
    if (share !== undefined) {
      shares.push(share);
    }
    if (shares.length >= needed) {
      return checkLength(combineShares(shares));
    }
  }

  const error = await noKeyAvailable(groups, attempts);
  throw new KrevealError(error.code, `only ${shares.length} of the ${needed} key groups needed could be opened. ${error.message}`, {
    fix: error.fix,
  });
}

/** Tries the group's master keys source by source, in sops's decryption order. */
async function openGroup(group: KeyGroup, attempts: UnwrapAttempt[]): Promise<Uint8Array | undefined> {
  for (const field of keySourceFields) {
    const keys = group.keys.filter((key) => key.source === field);
    if (keys.length === 0) {
      continue;
    }

    const source = await keySourceFor(field);
    const secret = await source.unwrap(keys, attempts);
    if (secret !== undefined) {
      return secret;
    }
  }
  return undefined;
}

async function noKeyAvailable(groups: readonly KeyGroup[], attempts: readonly UnwrapAttempt[]): Promise<KrevealError> {
  const reasons = attempts.map((attempt) => `\n    ${attempt.key.source} ${describeKey(attempt.key.fields)}: ${attempt.reason}`);

  const fields = new Set(groups.flatMap((group) => group.keys.map((key) => key.source)));
  const lookups: string[] = [];
  for (const field of keySourceFields) {
    if (fields.has(field)) {
      lookups.push((await keySourceFor(field)).describeLookup());
    }
  }

  return new KrevealError("KEY_NOT_AVAILABLE", `no available private key opens the file's data key:${reasons.join("")}`, {
    fix: `Provide a private key for one of the recipients above. kreveal looked in: ${lookups.join("; ")}.`,
  });
}

/** Names a master key by its public identity: recipient, fingerprint, ARN or key URL. */
function describeKey(fields: Readonly<Record<string, string>>): string {
  const name = ["recipient", "fp", "arn", "resource_id", "vault_url", "key_name", "key_id"].find((field) => field in fields);
  return name === undefined ? "(unnamed)" : fields[name];
}

function checkLength(dataKey: Uint8Array): Uint8Array {
  if (dataKey.length !== dataKeyLength) {
    throw new KrevealError("SOPS_DECRYPT_FAILED", `the recovered data key has ${dataKey.length} bytes, expected ${dataKeyLength}`, {
      fix: "The master key entries were damaged or written by an incompatible tool. Restore the file from version control.",
    });
  }
  return dataKey;
}
