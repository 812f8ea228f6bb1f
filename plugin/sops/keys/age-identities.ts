import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";

import { KrevealError } from "../../errors.js";
import { runAgeKeyCommand } from "./age-command.js";
import { parseKeysFile, type AgeIdentities } from "./age-keys-file.js";
import { findProjectKeyFile, type ProjectKeyFile } from "./project-key.js";

/**
 * Finds the age identities kreveal decrypts with. As in sops 3.11 and later, every source is read
 * and the identities are pooled: `SOPS_AGE_KEY`, `SOPS_AGE_KEY_FILE`, `SOPS_AGE_KEY_CMD` and the
 * default keys.txt. The static sources are read once per process. The command runs once per
 * recipient, because it receives the recipient in `SOPS_AGE_RECIPIENT`.
 *
 * When the tenant policy gives the run's Argo CD project its own keys file
 * (`projects.<project>.sops.ageKeyFile`), that file is the only source and the others are not read.
 * When the policy sets `requireProjectKeys` and the project has no keys file, loading fails with
 * POLICY_DENIED before any source is read.
 */

const noIdentities: AgeIdentities = { x25519: [], hybrid: [] };

let staticIdentities: Promise<AgeIdentities> | undefined;
const commandIdentities = new Map<string, Promise<AgeIdentities>>();

/**
 * Loads the identities of every source except `SOPS_AGE_KEY_CMD`, once per process: those of
 * the project's keys file alone when the tenant policy names one.
 */
export function loadAgeIdentities(): Promise<AgeIdentities> {
  staticIdentities ??= findProjectKeyFile().then((projectKey) => (projectKey === undefined ? readStaticSources() : readProjectKeyFile(projectKey)));
  return staticIdentities;
}

/**
 * Runs `SOPS_AGE_KEY_CMD` once per recipient. Returns undefined when the variable is not set.
 * The caller skips the command when the tenant policy names a project keys file.
 */
export function loadCommandIdentities(recipient: string): Promise<AgeIdentities> | undefined {
  const command = process.env.SOPS_AGE_KEY_CMD;
  if (command === undefined || command.trim() === "") {
    return undefined;
  }

  let identities = commandIdentities.get(recipient);
  if (identities === undefined) {
    identities = runAgeKeyCommand(command, recipient).then(async (output) => {
      try {
        return await parseKeysFile(output, "the output of SOPS_AGE_KEY_CMD");
      } finally {
        output.fill(0);
      }
    });
    commandIdentities.set(recipient, identities);
  }
  return identities;
}

/** Drops the cached identities so that the next load reads the environment again. For tests. */
export function forgetAgeIdentities(): void {
  staticIdentities = undefined;
  commandIdentities.clear();
}

async function readStaticSources(): Promise<AgeIdentities> {
  const loaded: AgeIdentities[] = [];

  const inline = process.env.SOPS_AGE_KEY;
  if (inline !== undefined && inline.trim() !== "") {
    loaded.push(await parseKeysFile(Buffer.from(inline, "utf8"), "SOPS_AGE_KEY"));
  }

  const keyFile = process.env.SOPS_AGE_KEY_FILE;
  if (keyFile !== undefined && keyFile !== "") {
    const bytes = await readFile(keyFile).catch((error: unknown) => {
      throw new KrevealError("KEY_SOURCE_FAILED", `cannot read the age keys file named by SOPS_AGE_KEY_FILE (${errorCode(error)})`, {
        location: keyFile,
        fix: "Point SOPS_AGE_KEY_FILE at an existing age keys file, or unset it.",
        cause: error,
      });
    });
    loaded.push(await parseKeysFile(bytes, keyFile));
  }

  const defaultFile = defaultKeysFilePath();
  if (defaultFile !== undefined) {
    const bytes = await readFile(defaultFile).catch((error: unknown) => {
      if (errorCode(error) === "ENOENT" || errorCode(error) === "ENOTDIR") {
        return undefined;
      }
      throw new KrevealError("KEY_SOURCE_FAILED", `cannot read the default age keys file (${errorCode(error)})`, {
        location: defaultFile,
        fix: "Fix the file's permissions, or remove it.",
        cause: error,
      });
    });
    if (bytes !== undefined) {
      loaded.push(await parseKeysFile(bytes, defaultFile));
    }
  }

  return mergeIdentities(loaded);
}

/** Reads the project's keys file. KREVEAL_AGE_KEY_PASSPHRASE opens it when it is passphrase-protected. */
async function readProjectKeyFile(projectKey: ProjectKeyFile): Promise<AgeIdentities> {
  const bytes = await readFile(projectKey.file).catch((error: unknown) => {
    throw new KrevealError("KEY_SOURCE_FAILED", `cannot read the project's age keys file named by ${projectKey.field} in the tenant policy (${errorCode(error)})`, {
      location: projectKey.file,
      fix: `Mount the project's age keys file at that path in the sidecar, or correct ${projectKey.field} in the tenant policy (KREVEAL_POLICY_FILE).`,
      cause: error,
    });
  });

  try {
    return await parseKeysFile(bytes, projectKey.file);
  } finally {
    bytes.fill(0);
  }
}

/**
 * Returns the default keys file of sops, `<config dir>/sops/age/keys.txt`. The config directory is
 * `$XDG_CONFIG_HOME` or `~/.config` on Linux and other Unix systems, `$XDG_CONFIG_HOME` or
 * `~/Library/Application Support` on macOS, and `%AppData%` on Windows. Returns undefined when
 * the directory cannot be determined.
 */
export function defaultKeysFilePath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string | undefined {
  const xdgConfigHome = env.XDG_CONFIG_HOME ?? "";

  if (platform === "win32") {
    const appData = env.APPDATA ?? env.AppData ?? "";
    return appData === "" ? undefined : path.win32.join(appData, "sops", "age", "keys.txt");
  }

  if (xdgConfigHome !== "") {
    // Go's os.UserConfigDir rejects a relative XDG_CONFIG_HOME, so sops then has no default file.
    return path.isAbsolute(xdgConfigHome) ? path.join(xdgConfigHome, "sops", "age", "keys.txt") : undefined;
  }
  if (home === "") {
    return undefined;
  }

  const configDir = platform === "darwin" ? path.join(home, "Library", "Application Support") : path.join(home, ".config");
  return path.join(configDir, "sops", "age", "keys.txt");
}

/** Pools identities, keeping the first of several that share a recipient. */
export function mergeIdentities(parts: readonly AgeIdentities[]): AgeIdentities {
  if (parts.length === 0) {
    return noIdentities;
  }

  const seen = new Set<string>();
  const isNew = (identity: { recipient: string }): boolean => {
    if (seen.has(identity.recipient)) {
      return false;
    }
    seen.add(identity.recipient);
    return true;
  };

  return {
    x25519: parts.flatMap((part) => part.x25519).filter(isNew),
    hybrid: parts.flatMap((part) => part.hybrid).filter(isNew),
  };
}

function errorCode(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : "unknown error";
}
