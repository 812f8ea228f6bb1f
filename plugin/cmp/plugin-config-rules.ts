import { statSync } from "node:fs";
import path from "node:path";

import { KrevealError } from "../errors.js";
import { printable } from "./kustomize-entries.js";

/** What decides whether a plugin config may run in the sidecar. */
export interface PluginRules {
  /** kreveal's plugin home (KUSTOMIZE_PLUGIN_HOME of the kustomize child). */
  readonly pluginHome: string;
  /** KREVEAL_CMP_ENABLE_EXEC=true: KRM function configs may run. */
  readonly enableExec: boolean;
}

/**
 * The annotations and field from which kustomize v5.5 (kyaml's runtimeutil.GetFunctionSpec)
 * reads a KRM function, which it then runs as a container or an exec program instead of a
 * plugin from the plugin home.
 */
const functionAnnotations = ["config.kubernetes.io/function", "config.k8s.io/function", "config.kubernetes.io/container"];

/**
 * The kustomize builtin plugins that a config may name (apiVersion: builtin). None of them runs
 * a program. The list was checked against kustomize v5's builtinhelpers.BuiltinPluginType and
 * its GeneratorFactories and TransformerFactories (the v5 layout with PrefixTransformer and
 * SuffixTransformer), and against the kustomize v5.5.0 in kubectl v1.32. It leaves out
 * HelmChartInflationGenerator, which runs helm. kustomize v5.5.0 fails to load
 * SortOrderTransformer and LegacyOrderTransformer as builtin plugins. SortOrderTransformer
 * stays listed, so that kustomize reports that error itself.
 */
const allowedBuiltinKinds = new Set([
  "AnnotationsTransformer",
  "ConfigMapGenerator",
  "HashTransformer",
  "IAMPolicyGenerator",
  "ImageTagTransformer",
  "LabelTransformer",
  "NamespaceTransformer",
  "PatchJson6902Transformer",
  "PatchStrategicMergeTransformer",
  "PatchTransformer",
  "PrefixTransformer",
  "SuffixTransformer",
  "PrefixSuffixTransformer",
  "ReplacementTransformer",
  "ReplicaCountTransformer",
  "SecretGenerator",
  "SortOrderTransformer",
  "ValueAddTransformer",
]);

/** A group such as kreveal.dev: letters, digits, dots and dashes, starting and ending with a letter or digit. */
const groupPattern = /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;
const namePattern = /^[A-Za-z0-9]+$/;

/**
 * Checks one plugin config (one YAML document from a generators, transformers or validators
 * entry) and returns the problems, each located at `location`. A config may name a kustomize
 * builtin plugin from allowedBuiltinKinds (apiVersion `builtin`) or a plugin whose launcher
 * exists in kreveal's plugin home. A KRM function config is accepted only when exec functions
 * are enabled. A List's items are checked one by one.
 */
export function checkPluginConfig(config: unknown, location: string, rules: PluginRules): KrevealError[] {
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    return [notAConfig(location)];
  }

  const fields = config as Record<string, unknown>;
  const { apiVersion, kind } = fields;
  if (hasMergeKey(fields)) {
    return [
      new KrevealError("CONFIG_INVALID", "the plugin config uses a YAML merge key (<<), which kustomize and kreveal may read differently", {
        location,
        fix: "Write the plugin config's fields out instead of merging them in with <<.",
      }),
    ];
  }

  if (typeof kind === "string" && kind.endsWith("List") && Array.isArray(fields.items)) {
    if (!isPathSafe(apiVersion, kind)) {
      return [notAllowed(apiVersion, kind, location)];
    }
    return fields.items.flatMap((item, index) => checkPluginConfig(item, `${location}.items[${index}]`, rules));
  }

  // kustomize v5 runs a builtin whenever the apiVersion parses to group "" and version
  // "builtin" (also "/builtin"), before it looks at function annotations.
  if (typeof apiVersion === "string" && apiVersion.replace(/^\//, "") === "builtin") {
    return apiVersion === "builtin" && typeof kind === "string" && allowedBuiltinKinds.has(kind) ? [] : [notAllowedBuiltin(apiVersion, kind, location)];
  }

  if (isFunctionConfig(fields)) {
    if (!rules.enableExec) {
      return [
        new KrevealError("CONFIG_INVALID", `the plugin config ${describeGvk(apiVersion, kind)} is a KRM function (config.kubernetes.io/function annotation), which the sidecar runs only when its operator sets KREVEAL_CMP_ENABLE_EXEC=true`, {
          location,
          fix: "Remove the function annotation so that kustomize runs kreveal's plugin of that kind, or ask the Argo CD operator to enable exec functions.",
        }),
      ];
    }
    return isPathSafe(apiVersion, kind) ? [] : [notAllowed(apiVersion, kind, location)];
  }

  return hasKrevealLauncher(apiVersion, kind, rules.pluginHome) ? [] : [notAllowed(apiVersion, kind, location)];
}

/**
 * Tells whether kreveal's plugin home has the launcher that kustomize would run for this
 * apiVersion and kind: `<home>/<group>/<version>/<lowercase kind>/<kind>`. The parts are checked
 * first, so that no `..` or `/` in them can lead the lookup out of the plugin home.
 */
function hasKrevealLauncher(apiVersion: unknown, kind: unknown, pluginHome: string): boolean {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !namePattern.test(kind)) {
    return false;
  }

  const parts = apiVersion.split("/");
  const [group = "", version = ""] = parts;
  if (parts.length !== 2 || !groupPattern.test(group) || !namePattern.test(version)) {
    return false;
  }
  const launcher = path.join(pluginHome, group, version, kind.toLowerCase(), kind);
  return statSync(launcher, { throwIfNoEntry: false })?.isFile() === true;
}

/**
 * Tells whether the plugin path that kustomize builds from apiVersion and kind stays inside the
 * plugin home: an optional group, a version and a kind, none of them containing `/` or `..`.
 */
function isPathSafe(apiVersion: unknown, kind: unknown): boolean {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !namePattern.test(kind)) {
    return false;
  }
  const parts = apiVersion.split("/");
  const version = parts.at(-1) ?? "";
  const group = parts.length === 2 ? (parts[0] ?? "") : "";
  return parts.length <= 2 && namePattern.test(version) && (parts.length === 1 || groupPattern.test(group));
}

function isFunctionConfig(fields: Record<string, unknown>): boolean {
  const metadata = fields.metadata;
  if (!isRecord(metadata)) {
    return false;
  }
  if (metadata.configFn !== undefined && metadata.configFn !== null) {
    return true;
  }
  const annotations = metadata.annotations;
  return isRecord(annotations) && functionAnnotations.some((name) => annotations[name] !== undefined && annotations[name] !== "");
}

/**
 * Tells whether a YAML merge key (<<) appears anywhere in the config. kyaml may expand it into
 * fields (an apiVersion, a function annotation) that this check, which reads YAML 1.2 without
 * merge keys, would not see.
 */
function hasMergeKey(value: unknown, depth = 0): boolean {
  if (depth > 50) {
    return true;
  }
  if (Array.isArray(value)) {
    return value.some((item) => hasMergeKey(item, depth + 1));
  }
  if (!isRecord(value)) {
    return false;
  }
  return "<<" in value || Object.values(value).some((item) => hasMergeKey(item, depth + 1));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeGvk(apiVersion: unknown, kind: unknown): string {
  return `${printable(apiVersion)} ${printable(kind)}`;
}

function notAllowed(apiVersion: unknown, kind: unknown, location: string): KrevealError {
  return new KrevealError("CONFIG_INVALID", `the plugin config names the plugin ${describeGvk(apiVersion, kind)}, which is not a kreveal or kustomize builtin plugin; the sidecar runs only those`, {
    location,
    fix: "Name a kreveal plugin (such as kreveal.dev/v1alpha1 SecretGenerator or viaduct.ai/v1 ksops) or a kustomize builtin (apiVersion: builtin, e.g. kind: LabelTransformer) in this plugin config.",
  });
}

function notAllowedBuiltin(apiVersion: string, kind: unknown, location: string): KrevealError {
  if (kind === "HelmChartInflationGenerator") {
    return new KrevealError("CONFIG_INVALID", "the plugin config names the kustomize builtin HelmChartInflationGenerator, which runs helm, and the sidecar does not let kustomize run helm", {
      location,
      fix: "Render the chart with kreveal's Helm source instead: point an Argo CD Application at a folder with Chart.yaml.",
    });
  }
  return new KrevealError("CONFIG_INVALID", `the plugin config names the plugin ${describeGvk(apiVersion, kind)}, which is not one of the kustomize builtins that the sidecar runs`, {
    location,
    fix: `Use apiVersion: builtin with one of these kinds: ${[...allowedBuiltinKinds].join(", ")}.`,
  });
}

function notAConfig(location: string): KrevealError {
  return new KrevealError("CONFIG_INVALID", "the plugin config is not a YAML map with apiVersion and kind", {
    location,
    fix: "Write each plugin config as a map with apiVersion, kind and metadata.name.",
  });
}
