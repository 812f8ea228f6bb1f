import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { parse } from "yaml";

import { KrevealError } from "../../../errors.js";
import { projectPolicy } from "../../../policy/access.js";
import { policyFileOf } from "../../../policy/policy-file.js";

/**
 * Vault connection and login settings. They come only from the operator: the process environment,
 * the optional file named by KREVEAL_VAULT_CONFIG and the tenant policy (KREVEAL_POLICY_FILE),
 * whose `projects.<project>.vault.role` replaces KREVEAL_VAULT_ROLE. Manifests and Argo CD
 * applications cannot set them.
 */
export interface VaultSettings {
  /** Base address such as `https://vault.example:8200`, without a trailing slash. */
  readonly address: string;
  /** Sent as X-Vault-Namespace on every request, logins included. */
  readonly namespace: string | undefined;
  /** PEM file with the CA certificates that the Vault server certificate must chain to. */
  readonly caCertFile: string | undefined;
  readonly auth: AuthSettings;
}

export type AuthSettings = TokenAuthSettings | AppRoleAuthSettings | KubernetesAuthSettings | JwtAuthSettings;

export interface TokenAuthSettings {
  readonly method: "token";
  /** VAULT_TOKEN, when set. */
  readonly token: string | undefined;
  /** Read when VAULT_TOKEN is not set: `~/.vault-token`. */
  readonly tokenFile: string;
}

export interface AppRoleAuthSettings {
  readonly method: "approle";
  readonly mount: string;
  readonly roleId: string;
  readonly secretId: string | undefined;
  readonly secretIdFile: string | undefined;
}

export interface KubernetesAuthSettings {
  readonly method: "kubernetes";
  readonly mount: string;
  readonly role: string;
  /** The projected service-account token, read again on every login because it rotates. */
  readonly tokenFile: string;
}

export interface JwtAuthSettings {
  readonly method: "jwt";
  readonly mount: string;
  /** Left out of the login when unset, so the mount's default_role applies. */
  readonly role: string | undefined;
  readonly tokenFile: string;
}

export const SERVICE_ACCOUNT_TOKEN_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/token";

const SETTING_NAMES = [
  "VAULT_ADDR",
  "VAULT_NAMESPACE",
  "VAULT_CACERT",
  "VAULT_TOKEN",
  "VAULT_ROLE_ID",
  "VAULT_SECRET_ID",
  "KREVEAL_VAULT_AUTH_METHOD",
  "KREVEAL_VAULT_AUTH_MOUNT",
  "KREVEAL_VAULT_ROLE",
  "KREVEAL_VAULT_SECRET_ID_FILE",
  "KREVEAL_VAULT_KUBERNETES_TOKEN_FILE",
  "KREVEAL_VAULT_JWT_FILE",
] as const;

type SettingName = (typeof SETTING_NAMES)[number];
type RawSettings = Partial<Record<SettingName, string>>;

/** Builds the Vault settings from `env`, falling back to the KREVEAL_VAULT_CONFIG file. */
export function loadVaultSettings(env: NodeJS.ProcessEnv): VaultSettings {
  const raw = mergeSettings(env);

  const address = raw.VAULT_ADDR?.replace(/\/+$/, "");
  if (address === undefined || address === "") {
    throw configError("VAULT_ADDR is not set", "Set VAULT_ADDR to the Vault address, e.g. https://vault.example:8200.");
  }
  if (!/^https?:\/\/[^/]+$/.test(address)) {
    throw configError(`VAULT_ADDR ${address} is not an http(s) address without a path`, "Set VAULT_ADDR to scheme, host and port only.");
  }

  return {
    address,
    namespace: emptyToUndefined(raw.VAULT_NAMESPACE),
    caCertFile: emptyToUndefined(raw.VAULT_CACERT),
    auth: authSettings(raw, env),
  };
}

function authSettings(raw: RawSettings, env: NodeJS.ProcessEnv): AuthSettings {
  const method = emptyToUndefined(raw.KREVEAL_VAULT_AUTH_METHOD) ?? "token";
  const mount = (emptyToUndefined(raw.KREVEAL_VAULT_AUTH_MOUNT) ?? method).replace(/^\/+|\/+$/g, "");

  switch (method) {
    case "token": {
      rejectPolicyRole(env, method);
      const home = emptyToUndefined(env.HOME) ?? os.homedir();
      return { method, token: emptyToUndefined(raw.VAULT_TOKEN), tokenFile: path.join(home, ".vault-token") };
    }
    case "approle": {
      rejectPolicyRole(env, method);
      const roleId = required(raw, "VAULT_ROLE_ID", "AppRole login");
      const secretId = emptyToUndefined(raw.VAULT_SECRET_ID);
      const secretIdFile = emptyToUndefined(raw.KREVEAL_VAULT_SECRET_ID_FILE);
      return { method, mount, roleId, secretId, secretIdFile };
    }
    case "kubernetes": {
      const role = policyRole(env) ?? required(raw, "KREVEAL_VAULT_ROLE", "Kubernetes login");
      const tokenFile = emptyToUndefined(raw.KREVEAL_VAULT_KUBERNETES_TOKEN_FILE) ?? SERVICE_ACCOUNT_TOKEN_FILE;
      return { method, mount, role, tokenFile };
    }
    case "jwt": {
      const tokenFile = required(raw, "KREVEAL_VAULT_JWT_FILE", "JWT login");
      return { method, mount, role: policyRole(env) ?? emptyToUndefined(raw.KREVEAL_VAULT_ROLE), tokenFile };
    }
    default:
      throw configError(
        `KREVEAL_VAULT_AUTH_METHOD ${method} is not supported`,
        "Set KREVEAL_VAULT_AUTH_METHOD to token, approle, kubernetes or jwt.",
      );
  }
}

/**
 * Returns the Vault role that the tenant policy sets for the project in ARGOCD_APP_PROJECT_NAME,
 * or undefined when no policy applies or the project sets none.
 */
function policyRole(env: NodeJS.ProcessEnv): string | undefined {
  const file = policyFileOf(env);
  return file === undefined ? undefined : projectPolicy(file, env).vaultRole()?.role;
}

/** Throws CONFIG_INVALID when the tenant policy sets a role for a login method that takes none. */
function rejectPolicyRole(env: NodeJS.ProcessEnv, method: "token" | "approle"): void {
  const file = policyFileOf(env);
  const role = file === undefined ? undefined : projectPolicy(file, env).vaultRole();
  if (file === undefined || role === undefined) {
    return;
  }
  throw new KrevealError("CONFIG_INVALID", `the tenant policy sets ${role.field}, but only kubernetes and jwt logins use a role and the Vault login method (KREVEAL_VAULT_AUTH_METHOD) is ${method}`, {
    location: file,
    fix: "Remove the role from the tenant policy, or set KREVEAL_VAULT_AUTH_METHOD to kubernetes or jwt.",
  });
}

/** Combines the config file and the environment; a variable set in the environment wins. */
function mergeSettings(env: NodeJS.ProcessEnv): RawSettings {
  const fromFile = readConfigFile(emptyToUndefined(env.KREVEAL_VAULT_CONFIG));
  const merged: RawSettings = { ...fromFile };
  for (const name of SETTING_NAMES) {
    const value = env[name];
    if (value !== undefined && value !== "") {
      merged[name] = value;
    }
  }
  return merged;
}

function readConfigFile(file: string | undefined): RawSettings {
  if (file === undefined) {
    return {};
  }

  let parsed: unknown;
  try {
    parsed = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new KrevealError("CONFIG_INVALID", "the Vault config file cannot be read or parsed", {
      location: file,
      fix: "Point KREVEAL_VAULT_CONFIG at a YAML or JSON map of setting names to strings.",
      cause: error,
    });
  }

  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new KrevealError("CONFIG_INVALID", "the Vault config file is not a map", { location: file });
  }

  const settings: RawSettings = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!(SETTING_NAMES as readonly string[]).includes(name)) {
      throw new KrevealError("CONFIG_INVALID", `unknown Vault setting ${name}`, {
        location: file,
        fix: `Use only these names: ${SETTING_NAMES.join(", ")}.`,
      });
    }
    if (typeof value !== "string") {
      throw new KrevealError("CONFIG_INVALID", `Vault setting ${name} is not a string`, { location: file });
    }
    settings[name as SettingName] = value;
  }
  return settings;
}

function required(raw: RawSettings, name: SettingName, purpose: string): string {
  const value = emptyToUndefined(raw[name]);
  if (value === undefined) {
    throw configError(`${name} is not set but ${purpose} needs it`, `Set ${name} in the environment or the KREVEAL_VAULT_CONFIG file.`);
  }
  return value;
}

function emptyToUndefined(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

function configError(message: string, fix: string): KrevealError {
  return new KrevealError("CONFIG_INVALID", message, { location: "Vault settings", fix });
}
