import { AgeFormatError, decodeArmor, openAgeFile, parseAgeFile, type AgeFile } from "./age-file.js";
import { defaultKeysFilePath, loadAgeIdentities, loadCommandIdentities } from "./age-identities.js";
import { describeAgeError, type AgeIdentities } from "./age-keys-file.js";
import type { KeySource, MasterKey, UnwrapAttempt } from "./key-source.js";
import { describeProjectKeyFile, findProjectKeyFile, projectKeyFileForMessages, type ProjectKeyFile } from "./project-key.js";

/**
 * The age key source. Each entry's `enc` is an ASCII-armored age file whose payload is the data
 * key (or a Shamir share). X25519 files are opened with node:crypto alone; files with other
 * stanzas go through age-encryption, which also handles the post-quantum hybrid identities.
 * When the tenant policy names the project's own keys file, its identities are the only ones tried.
 */
export const ageKeySource: KeySource = {
  field: "age",

  async unwrap(keys: readonly MasterKey[], attempts: UnwrapAttempt[]): Promise<Uint8Array | undefined> {
    const projectKey = await findProjectKeyFile();
    const identities = await loadAgeIdentities();
    const reasons = new Map<MasterKey, string>();
    const openable: MasterKey[] = [];

    for (const key of keys) {
      const unsupported = unsupportedRecipient(recipientOf(key) ?? "");
      if (unsupported !== undefined) {
        reasons.set(key, unsupported);
      } else {
        openable.push(key);
        reasons.set(key, noIdentityReason(identities, recipientOf(key), projectKey));
      }
    }

    // The cheap pass: only the identities whose recipient is the one the entry names.
    for (const key of openable) {
      const matching = selectIdentities(identities, (recipient) => recipient === normalise(recipientOf(key)));
      const result = await tryIdentities(key, matching);
      if (result instanceof Uint8Array) {
        return result;
      }
      if (countIdentities(matching) > 0) {
        reasons.set(key, result ?? `the identity for ${abbreviate(recipientOf(key) ?? "")} does not open it, so it was encrypted to another key`);
      }
    }

    // The entry's recipient field may be missing or wrong, so try the other identities too.
    for (const key of openable) {
      const others = selectIdentities(identities, (recipient) => recipient !== normalise(recipientOf(key)));
      const result = await tryIdentities(key, others);
      if (result instanceof Uint8Array) {
        return result;
      }
      if (result !== undefined) {
        reasons.set(key, result);
      }
    }

    // Last, the key command, which may be slow and is asked for one recipient at a time. A
    // project keys file replaces it, as it replaces every shared source.
    for (const key of openable) {
      const fromCommand = projectKey === undefined ? loadCommandIdentities(recipientOf(key) ?? "") : undefined;
      if (fromCommand === undefined) {
        break;
      }
      const commandIdentities = await fromCommand;
      const result = await tryIdentities(key, commandIdentities);
      if (result instanceof Uint8Array) {
        return result;
      }
      const count = countIdentities(commandIdentities);
      reasons.set(key, result ?? `${reasons.get(key) ?? ""}, and none of the ${count} identities that SOPS_AGE_KEY_CMD printed opens it`);
    }

    for (const key of keys) {
      attempts.push({ key, reason: reasons.get(key) ?? "not tried" });
    }
    return undefined;
  },

  describeLookup(): string {
    const projectKey = projectKeyFileForMessages();
    if (projectKey === "unknown") {
      return `age identities from the project's own keys file when the tenant policy names one (projects.<project>.sops.ageKeyFile), else from ${describeSharedSources()}`;
    }
    if (projectKey !== undefined) {
      return `age identities from ${describeProjectKeyFile(projectKey)}, and nowhere else: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD and the default keys file are not used for this project`;
    }
    return `age identities from ${describeSharedSources()}; SSH keys and age plugins are not supported`;
  },
};

/** Lists the sources that every project shares when the tenant policy names no project keys file. */
function describeSharedSources(): string {
  const places: string[] = [];
  if ((process.env.SOPS_AGE_KEY ?? "").trim() !== "") {
    places.push("SOPS_AGE_KEY");
  }
  if ((process.env.SOPS_AGE_KEY_FILE ?? "") !== "") {
    places.push(`SOPS_AGE_KEY_FILE (${process.env.SOPS_AGE_KEY_FILE ?? ""})`);
  }
  if ((process.env.SOPS_AGE_KEY_CMD ?? "").trim() !== "") {
    places.push("the output of SOPS_AGE_KEY_CMD");
  }
  places.push(defaultKeysFilePath() ?? "no default keys file (the config directory is unknown)");
  return places.join(", ");
}

/**
 * Opens one entry with the given identities. Returns the payload, a reason when the entry is
 * malformed or does not verify, or undefined when none of the identities is one of its recipients.
 * Never throws for a problem with the entry itself.
 */
async function tryIdentities(key: MasterKey, identities: AgeIdentities): Promise<Uint8Array | string | undefined> {
  if (countIdentities(identities) === 0) {
    return undefined;
  }

  let file: Buffer;
  try {
    file = decodeArmor(key.enc);
  } catch (error) {
    return error instanceof AgeFormatError ? `its enc value is invalid: ${error.message}` : "its enc value is invalid";
  }

  let parsed: AgeFile | undefined;
  try {
    parsed = parseAgeFile(file);
  } catch {
    // age-encryption reports the problem below, or reads what this parser does not.
    parsed = undefined;
  }

  if (parsed !== undefined) {
    const result = openX25519(parsed, identities);
    const needsAgeEncryption = identities.hybrid.length > 0 && parsed.stanzas.some((stanza) => stanza.args[0] !== "X25519");
    if (result !== undefined || !needsAgeEncryption) {
      return result;
    }
  }

  return openWithAgeEncryption(file, identities);
}

/**
 * Opens the file through its X25519 stanzas with node:crypto alone (the fast path). Returns the
 * payload, a reason, or undefined when no X25519 identity is a recipient.
 */
function openX25519(file: AgeFile, identities: AgeIdentities): Uint8Array | string | undefined {
  for (const stanza of file.stanzas) {
    if (stanza.args[0] !== "X25519") {
      continue;
    }

    for (const identity of identities.x25519) {
      let fileKey: Buffer | undefined;
      try {
        fileKey = identity.unwrapStanza(stanza);
      } catch (error) {
        return `its age header is invalid: ${describeAgeError(error)}`;
      }
      if (fileKey === undefined) {
        continue;
      }

      try {
        return openAgeFile(file, fileKey);
      } catch (error) {
        return `it does not verify: ${describeAgeError(error)}`;
      } finally {
        fileKey.fill(0);
      }
    }
  }
  return undefined;
}

async function openWithAgeEncryption(file: Buffer, identities: AgeIdentities): Promise<Uint8Array | string | undefined> {
  const { Decrypter } = await import("age-encryption");
  const decrypter = new Decrypter();
  for (const identity of identities.x25519) {
    decrypter.addIdentity(identity);
  }
  for (const identity of identities.hybrid) {
    identity.addTo(decrypter);
  }

  try {
    return await decrypter.decrypt(file);
  } catch (error) {
    const message = describeAgeError(error);
    return message.includes("no identity matched") ? undefined : `age decryption failed: ${message}`;
  }
}

/** Returns why kreveal cannot open entries for this recipient, or undefined when it may. */
function unsupportedRecipient(recipient: string): string | undefined {
  const type = recipient.split(" ")[0] ?? "";
  if (type.startsWith("ssh-")) {
    return `kreveal does not support ${type} SSH recipients. Add an age1… recipient to the file with "sops updatekeys"`;
  }

  // Bech32 data never contains "1", so a "1" after "age1" ends a longer prefix: "age1pq" for
  // post-quantum recipients, "age1<plugin>" for plugins (and "age1tag" for hardware tags).
  const separator = recipient.lastIndexOf("1");
  if (!recipient.startsWith("age1") || separator <= 3) {
    return undefined;
  }
  const prefix = recipient.slice(0, separator);
  if (prefix === "age1pq") {
    return undefined;
  }
  return `the recipient ${abbreviate(recipient)} needs an age plugin (${prefix.slice(4)}), which kreveal does not support`;
}

function selectIdentities(identities: AgeIdentities, keep: (recipient: string) => boolean): AgeIdentities {
  return {
    x25519: identities.x25519.filter((identity) => keep(identity.recipient)),
    hybrid: identities.hybrid.filter((identity) => keep(identity.recipient)),
  };
}

function noIdentityReason(identities: AgeIdentities, recipient: string | undefined, projectKey: ProjectKeyFile | undefined): string {
  const count = countIdentities(identities);
  if (projectKey !== undefined) {
    const inFile = `the project's own age keys file (${projectKey.field})`;
    if (count === 0) {
      return `${inFile} contains no age identities`;
    }
    return recipient === undefined ? `none of the ${count} age identities in ${inFile} opens it` : `none of the ${count} age identities in ${inFile} is for ${abbreviate(recipient)}`;
  }

  if (count === 0) {
    return "no age identities were found in SOPS_AGE_KEY, SOPS_AGE_KEY_FILE or the default keys file";
  }
  return recipient === undefined ? `none of the ${count} loaded age identities opens it` : `none of the ${count} loaded age identities is for ${abbreviate(recipient)}`;
}

function countIdentities(identities: AgeIdentities): number {
  return identities.x25519.length + identities.hybrid.length;
}

/** Returns the entry's `recipient` field, which old or hand-edited files may lack. */
function recipientOf(key: MasterKey): string | undefined {
  return key.fields.recipient;
}

function normalise(recipient: string | undefined): string | undefined {
  return recipient?.trim().toLowerCase();
}

/** Shortens long recipients (post-quantum ones have about 1,950 characters) for messages. */
function abbreviate(recipient: string): string {
  return recipient.length <= 70 ? recipient : `${recipient.slice(0, 24)}…${recipient.slice(-8)}`;
}
