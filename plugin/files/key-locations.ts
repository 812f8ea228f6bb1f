import { realpathSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";

import { isInside } from "./inside.js";

/**
 * Places where this machine keeps private keys: the sops and GnuPG configuration, SSH keys, and
 * the key files named by kreveal's own variables. Generator inputs may never come from them,
 * even when a misplaced repository root (a home folder without `.git`) would contain them.
 */
export interface KeyLocations {
  readonly folders: readonly string[];
  readonly files: readonly string[];
}

/** Collects the key locations from the environment, as real paths where they exist. */
export function keyLocations(env: NodeJS.ProcessEnv = process.env): KeyLocations {
  const home = env.HOME ?? env.USERPROFILE ?? "";
  const configHome = env.XDG_CONFIG_HOME ?? (home === "" ? "" : join(home, ".config"));

  const folders = [
    home === "" ? "" : join(home, ".ssh"),
    home === "" ? "" : join(home, ".gnupg"),
    home === "" ? "" : join(home, "Library", "Application Support", "sops"),
    configHome === "" ? "" : join(configHome, "sops"),
    env.GNUPGHOME ?? "",
    env.APPDATA === undefined ? "" : join(env.APPDATA, "sops"),
  ];
  const files = [env.SOPS_AGE_KEY_FILE ?? "", ...(env.KREVEAL_PGP_KEY_FILE ?? "").split(delimiter)];

  return { folders: realPaths(folders), files: realPaths(files) };
}

/** Returns a description of the key location that `realPath` lies in, or undefined. */
export function keyLocationOf(realPath: string, locations: KeyLocations): string | undefined {
  const folder = locations.folders.find((candidate) => isInside(candidate, realPath));
  if (folder !== undefined) {
    return `lies in ${folder}, where this machine keeps private keys`;
  }
  const file = locations.files.find((candidate) => candidate === realPath);
  if (file !== undefined) {
    return "is a private key file that kreveal itself uses (SOPS_AGE_KEY_FILE or KREVEAL_PGP_KEY_FILE)";
  }
  return undefined;
}

function realPaths(paths: readonly string[]): string[] {
  const result: string[] = [];
  for (const path of paths) {
    if (path === "") {
      continue;
    }
    try {
      result.push(realpathSync.native(path));
    } catch {
      // A location that does not exist contains no keys yet. Its plain form is kept in case it appears later.
      result.push(resolve(path));
    }
  }
  return result;
}
