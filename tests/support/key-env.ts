import { mkdirSync } from "node:fs";
import path from "node:path";

import { forgetAgeIdentities } from "../../plugin/sops/keys/age-identities.js";
import { forgetGpgAvailability } from "../../plugin/sops/keys/gpg.js";
import { forgetPgpKeyring } from "../../plugin/sops/keys/pgp-keyring.js";
import { tempDir } from "./paths.js";

/** Environment variables that choose where the age and PGP key sources look for private keys. */
const keyVariables = [
  "SOPS_AGE_KEY",
  "SOPS_AGE_KEY_FILE",
  "SOPS_AGE_KEY_CMD",
  "KREVEAL_AGE_KEY_PASSPHRASE",
  "KREVEAL_PGP_KEY_FILE",
  "SOPS_GPG_EXEC",
] as const;

/**
 * Gives the key sources a fresh, empty home: HOME, XDG_CONFIG_HOME and GNUPGHOME point into a new
 * temporary folder, the key variables are cleared and then set from `variables`, and the cached
 * identities and keyrings are dropped. Returns the temporary home folder.
 */
export function isolateKeys(variables: Partial<Record<(typeof keyVariables)[number], string>> = {}): string {
  const home = tempDir("kreveal-keys-home-");
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = path.join(home, ".config");
  process.env.GNUPGHOME = path.join(home, ".gnupg");
  mkdirSync(process.env.GNUPGHOME, { mode: 0o700 });

  for (const name of keyVariables) {
    const value = variables[name];
    if (value === undefined) {
      Reflect.deleteProperty(process.env, name);
    } else {
      process.env[name] = value;
    }
  }

  forgetAgeIdentities();
  forgetPgpKeyring();
  forgetGpgAvailability();
  return home;
}
