import { KrevealError } from "../errors.js";
import { foldKey, printable } from "./kustomize-entries.js";

/**
 * The kustomization fields that make kustomize v5 run helm: helmCharts, helmGlobals and the
 * older helmChartInflationGenerator, folded like foldKey does. `--enable-alpha-plugins` turns
 * helm on even when `--enable-helm` is false, and helm would then read chart files through
 * unchecked symbolic links, receive the sidecar's environment and fetch any `repo:` URL.
 */
const helmFields = new Set(["helmcharts", "helmglobals", "helmchartinflationgenerator"]);

/**
 * The only fields that a folder of plugin configs may use besides `resources`, because they
 * cannot change a config's apiVersion, kind or annotations after the check. commonAnnotations is
 * not among them: it could add config.kubernetes.io/function and turn a checked config into a
 * container or exec function.
 */
const configFolderFields = new Set(["resources", "namespace", "nameprefix", "namesuffix", "labels", "commonlabels", "buildmetadata", "sortoptions", "metadata", "apiversion", "kind"]);

/** Returns a CONFIG_INVALID problem for each helm field of `kustomization`, read from `file`. */
export function checkHelmFields(kustomization: Record<string, unknown>, file: string): KrevealError[] {
  return Object.keys(kustomization)
    .filter((key) => helmFields.has(foldKey(key)))
    .map(
      (key) =>
        new KrevealError("CONFIG_INVALID", `the kustomization uses ${printable(key)}, which makes kustomize run helm, and the sidecar does not let kustomize run helm`, {
          location: `${file}: ${printable(key)}`,
          fix: "Render the chart with kreveal's Helm source instead: point an Argo CD Application at a folder with Chart.yaml, and remove the helm fields from the kustomization.",
        }),
    );
}

/**
 * Returns the problems of a folder listed under generators, transformers or validators: any
 * field besides configFolderFields, and labels with their own `fields`. Helm fields are left
 * to checkHelmFields.
 */
export function checkConfigFolderFields(kustomization: Record<string, unknown>, file: string): KrevealError[] {
  const problems: KrevealError[] = [];
  for (const [key, value] of Object.entries(kustomization)) {
    const field = foldKey(key);
    if (helmFields.has(field)) {
      continue;
    }

    if (!configFolderFields.has(field)) {
      problems.push(
        new KrevealError("CONFIG_INVALID", `this folder of plugin configs uses ${printable(key)}, which could change a plugin config after kreveal checked it`, {
          location: `${file}: ${printable(key)}`,
          fix: "In a folder listed under generators, transformers or validators, use only resources (local files and folders) and namespace, namePrefix, nameSuffix, labels, commonLabels, buildMetadata or sortOptions.",
        }),
      );
    } else if (field === "labels" && Array.isArray(value)) {
      value.forEach((label, index) => {
        if (typeof label === "object" && label !== null && "fields" in label) {
          problems.push(
            new KrevealError("CONFIG_INVALID", "labels with their own fields can write into any field of a plugin config", {
              location: `${file}: labels[${index}].fields`,
              fix: "Remove fields from the labels entry in this folder of plugin configs.",
            }),
          );
        }
      });
    }
  }
  return problems;
}

/**
 * Returns the string entries of a list field, with a problem for a value that is not a list and
 * for each entry that is not a string. kustomize reads the kustomization through Go's encoding/json, which matches field
 * names without regard to case, so every key that folds to `field` counts.
 */
export function listField(kustomization: Record<string, unknown>, field: string, file: string): { entries: [number, string][]; problems: KrevealError[] } {
  const entries: [number, string][] = [];
  const problems: KrevealError[] = [];
  for (const [key, value] of Object.entries(kustomization)) {
    if (foldKey(key) !== field || value === null || value === undefined) {
      continue;
    }
    if (!Array.isArray(value)) {
      problems.push(new KrevealError("INPUT_MALFORMED", `${field} is not a list`, { location: file, fix: `Write ${field} as a list of strings.` }));
      continue;
    }
    value.forEach((entry: unknown, index) => {
      if (typeof entry === "string") {
        entries.push([index, entry]);
      } else {
        problems.push(new KrevealError("INPUT_MALFORMED", "the entry is not a string", { location: `${file}: ${field}[${index}]`, fix: `Write each ${field} entry as a string.` }));
      }
    });
  }
  return { entries, problems };
}
