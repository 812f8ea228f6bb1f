import { KrevealError } from "../errors.js";
import { readParameters, type ParameterValue } from "./app-parameters.js";

/** The source types generate can build. `auto` picks one from the files in the app folder. */
export type SourceType = "auto" | "kustomize" | "helm" | "directory";

/** The Argo CD Application that generate runs for, read from the ARGOCD_APP_* variables. */
export interface AppIdentity {
  /** ARGOCD_APP_NAME, empty when unset. */
  readonly name: string;
  /** ARGOCD_APP_NAMESPACE: the destination namespace, empty when unset. */
  readonly namespace: string;
  /** ARGOCD_APP_PROJECT_NAME, empty when unset. */
  readonly project: string;
  /** ARGOCD_APP_SOURCE_PATH: the app folder relative to the repository root, empty when unset. */
  readonly sourcePath: string;
  /** KUBE_VERSION of the destination cluster, empty when unset. */
  readonly kubeVersion: string;
  /** KUBE_API_VERSIONS split at commas, empty entries dropped. */
  readonly kubeApiVersions: readonly string[];
}

/** The settings an Application may change, after validation. */
export interface AppSettings {
  readonly source: SourceType;
  /** Helm values files relative to the app folder, in order. */
  readonly valuesFiles: readonly string[];
  /** Helm release name, or undefined to use ARGOCD_APP_NAME. */
  readonly releaseName: string | undefined;
  /** When true, an empty result prints nothing and exits 0. */
  readonly allowEmpty: boolean;
}

/** Settings read from the environment, with the warnings about what was ignored. */
export interface AppSettingsResult {
  readonly settings: AppSettings;
  /** Messages without the `kreveal: warning: ` prefix. None of them contains a value. */
  readonly warnings: readonly string[];
}

/** Reads the Application's identity. Every variable may be missing: generate still runs. */
export function readAppIdentity(env: NodeJS.ProcessEnv): AppIdentity {
  const apiVersions = (env.KUBE_API_VERSIONS ?? "").split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
  return {
    name: env.ARGOCD_APP_NAME ?? "",
    namespace: env.ARGOCD_APP_NAMESPACE ?? "",
    project: env.ARGOCD_APP_PROJECT_NAME ?? "",
    sourcePath: env.ARGOCD_APP_SOURCE_PATH ?? "",
    kubeVersion: env.KUBE_VERSION ?? "",
    kubeApiVersions: apiVersions,
  };
}

interface SettingSpec {
  readonly parameter: string;
  readonly variable: string;
  readonly type: "string" | "array";
}

/** A setting's value and where it came from, for messages. */
interface Setting {
  readonly value: ParameterValue;
  readonly origin: string;
}

/** The four settings an Application may change, as parameter and as ARGOCD_ENV_ variable. */
const settingSpecs = {
  source: { parameter: "source", variable: "KREVEAL_SOURCE", type: "string" },
  valuesFiles: { parameter: "values-files", variable: "KREVEAL_VALUES_FILES", type: "array" },
  releaseName: { parameter: "release-name", variable: "KREVEAL_RELEASE_NAME", type: "string" },
  allowEmpty: { parameter: "allow-empty", variable: "KREVEAL_ALLOW_EMPTY", type: "string" },
} as const satisfies Record<keyof AppSettings, SettingSpec>;

const specs: readonly SettingSpec[] = Object.values(settingSpecs);
const parameterTypes = new Map(specs.map((spec) => [spec.parameter, spec.type]));

/**
 * Variable families that only the sidecar's own environment may set: secret backends, key
 * sources, kreveal's own settings, the tools it runs and the process itself.
 */
const deniedPrefixes = ["VAULT_", "KREVEAL_", "SOPS_", "AWS_", "GOOGLE_", "AZURE_", "AVP_", "KUSTOMIZE_", "HELM_"];
const deniedNames = new Set(["GNUPGHOME", "HOME", "PATH", "NODE_OPTIONS"]);

const envPrefix = "ARGOCD_ENV_";

const sourceTypes: readonly SourceType[] = ["auto", "kustomize", "helm", "directory"];

/** Helm's rule for release names (lower-case DNS labels joined by dots, at most 53 characters). */
const releaseNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const maxReleaseNameLength = 53;

/**
 * Reads the settings an Application may change: first ARGOCD_APP_PARAMETERS, then the
 * ARGOCD_ENV_ variables. A parameter wins over the variable of the same setting. The PARAM_*
 * copies are ignored. An empty value counts as unset, because Argo CD 3 passes empty variables.
 * Anything else an Application sets is ignored with a warning. An invalid value of an allowed
 * setting is a CONFIG_INVALID error.
 */
export function readAppSettings(env: NodeJS.ProcessEnv): AppSettingsResult {
  const warnings: string[] = [];
  const fromParameters = readParameters(env.ARGOCD_APP_PARAMETERS, parameterTypes, warnings);
  const fromVariables = readVariables(env, warnings);

  const pick = (spec: SettingSpec): Setting | undefined => {
    const parameter = fromParameters.get(spec.parameter);
    if (parameter !== undefined) {
      return { value: parameter, origin: `parameter "${spec.parameter}"` };
    }
    const variable = fromVariables.get(spec.variable);
    if (variable === undefined) {
      return undefined;
    }
    const value = spec.type === "array" ? splitList(variable) : variable;
    return { value, origin: `${envPrefix}${spec.variable}` };
  };

  const settings: AppSettings = {
    source: validateSource(pick(settingSpecs.source)),
    valuesFiles: validateValuesFiles(pick(settingSpecs.valuesFiles)),
    releaseName: validateReleaseName(pick(settingSpecs.releaseName)),
    allowEmpty: validateAllowEmpty(pick(settingSpecs.allowEmpty)),
  };
  return { settings, warnings };
}

/** Returns the allowed ARGOCD_ENV_ variables, by name without the prefix, and warns about every other one. */
function readVariables(env: NodeJS.ProcessEnv, warnings: string[]): Map<string, string> {
  const found = new Map<string, string>();
  const allowed = specs.map((spec) => spec.variable);

  for (const [fullName, value] of Object.entries(env)) {
    if (!fullName.startsWith(envPrefix) || value === undefined) {
      continue;
    }
    const name = fullName.slice(envPrefix.length);

    if (allowed.includes(name)) {
      if (value !== "") {
        found.set(name, value);
      }
    } else if (isDenied(name)) {
      warnings.push(`ignored ${fullName}: ${name} may be set only in the sidecar's own environment, not by an Application`);
    } else {
      const caseNote = allowed.includes(name.toUpperCase()) ? "; names are case-sensitive" : "";
      warnings.push(`ignored ${fullName}: not a kreveal setting (settings: ${allowed.join(", ")}${caseNote})`);
    }
  }
  return found;
}

function isDenied(name: string): boolean {
  return deniedNames.has(name) || deniedPrefixes.some((prefix) => name.startsWith(prefix));
}

function validateSource(setting: Setting | undefined): SourceType {
  if (setting === undefined) {
    return "auto";
  }
  const found = sourceTypes.find((type) => type === setting.value);
  if (found === undefined) {
    throw invalidSetting(setting.origin, `is ${JSON.stringify(setting.value)}, not one of ${sourceTypes.join(", ")}`);
  }
  return found;
}

function validateAllowEmpty(setting: Setting | undefined): boolean {
  if (setting === undefined) {
    return false;
  }
  if (setting.value !== "true" && setting.value !== "false") {
    throw invalidSetting(setting.origin, `is ${JSON.stringify(setting.value)}, not true or false`);
  }
  return setting.value === "true";
}

function validateReleaseName(setting: Setting | undefined): string | undefined {
  if (setting === undefined) {
    return undefined;
  }
  const name = setting.value as string;
  if (name.length > maxReleaseNameLength || !releaseNamePattern.test(name)) {
    throw invalidSetting(
      setting.origin,
      `is ${JSON.stringify(name)}, which is not a valid Helm release name (lower-case letters, digits, "-" and ".", at most ${maxReleaseNameLength} characters)`,
    );
  }
  return name;
}

/** Checks that every values file is a relative path that cannot be read as a helm option or a URL. */
function validateValuesFiles(setting: Setting | undefined): readonly string[] {
  if (setting === undefined) {
    return [];
  }
  const files = setting.value as readonly string[];
  files.forEach((file, index) => {
    const entry = `entry ${index} (${JSON.stringify(file)})`;
    if (file === "") {
      throw invalidSetting(setting.origin, `entry ${index} is empty`);
    }
    if (file.startsWith("-")) {
      throw invalidSetting(setting.origin, `${entry} starts with "-"; values files must be paths, not helm options`);
    }
    if (file.includes("://")) {
      throw invalidSetting(setting.origin, `${entry} is a URL; values files must be paths inside the repository`);
    }
    if (file.startsWith("/") || file.includes("\0")) {
      throw invalidSetting(setting.origin, `${entry} is not a relative path`);
    }
  });
  return files;
}

/** Splits the comma-separated form of a list setting, dropping blanks around entries and empty entries. */
function splitList(value: string): string[] {
  return value.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
}

function invalidSetting(origin: string, problem: string): KrevealError {
  return new KrevealError("CONFIG_INVALID", problem, {
    location: origin,
    fix: "Correct the setting in spec.source.plugin of the Application (see docs/argocd.md for the allowed values).",
  });
}
