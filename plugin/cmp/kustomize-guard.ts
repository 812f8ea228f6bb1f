import path from "node:path";

import { KrevealError, KrevealErrors } from "../errors.js";
import { foldKey, isRemoteReference, parseInlineEntry, printable, readKustomization, readYamlValues, resolveEntry } from "./kustomize-entries.js";
import { checkPluginConfig, type PluginRules } from "./plugin-config-rules.js";
import { kustomizationFiles } from "./source.js";

export interface GuardOptions extends PluginRules {
  /** The app folder with the kustomization, a real path. */
  readonly appDir: string;
  /** The repository root, a real path. Every local entry must stay inside it. */
  readonly repoRoot: string;
  /** KREVEAL_CMP_ALLOW_REMOTE_BASES=true: remote entries pass unchecked. */
  readonly allowRemoteBases: boolean;
}

/** Fields whose entries are bases: local folders are walked, local files are plain resources. */
const baseFields = ["resources", "bases", "components"];
/** Fields whose entries are plugin configs, or files and folders that supply them. */
const pluginFields = ["generators", "transformers", "validators"];
/**
 * The only fields that a folder of plugin configs may use besides `resources`, because they
 * cannot change a config's apiVersion, kind or annotations after the check.
 */
const configFolderFields = new Set(["resources", "namespace", "nameprefix", "namesuffix", "labels", "commonlabels", "commonannotations", "buildmetadata", "sortoptions", "metadata", "apiversion", "kind"]);

type Mode = "build" | "configs";

/**
 * Checks, before kustomize runs, every plugin config that the app's kustomization can reach: the
 * generators, transformers and validators of the app's kustomization and of every local base
 * and component below it. kustomize builds a legacy exec plugin's path from the config's
 * apiVersion and kind with filepath.Join, so `..` in them would run any program on the sidecar,
 * with its Vault token and keys in the environment. Only kustomize builtins and kreveal's own
 * plugins pass. Remote entries are rejected unless `allowRemoteBases` is set, because their
 * content cannot be checked. Throws CONFIG_INVALID, INPUT_MALFORMED, FILE_NOT_FOUND or
 * PATH_OUTSIDE_ROOT errors, all problems together.
 */
export function checkKustomizationTree(options: GuardOptions): void {
  const walk = new TreeWalk(options);
  walk.visitFolder(options.appDir, "build");

  const { problems } = walk;
  if (problems.length === 1) {
    throw problems[0];
  }
  if (problems.length > 1) {
    throw new KrevealErrors(problems);
  }
}

class TreeWalk {
  readonly problems: KrevealError[] = [];
  private readonly visited = new Set<string>();

  constructor(private readonly options: GuardOptions) {}

  /** Checks the kustomization files in `folder` (a real path), as a build or as a folder of plugin configs. */
  visitFolder(folder: string, mode: Mode): void {
    const key = `${mode}:${folder}`;
    if (this.visited.has(key)) {
      return;
    }
    this.visited.add(key);

    for (const name of kustomizationFiles) {
      const entry = this.attempt(() => resolveEntry(name, folder, this.options.repoRoot, this.relative(path.join(folder, name))));
      if (entry?.type !== "file") {
        continue;
      }
      for (const kustomization of this.attempt(() => readKustomization(entry.realPath, this.relative(entry.realPath))) ?? []) {
        if (mode === "build") {
          this.checkBuild(kustomization, folder, this.relative(entry.realPath));
        } else {
          this.checkConfigFolder(kustomization, folder, this.relative(entry.realPath));
        }
      }
    }
  }

  private checkBuild(kustomization: Record<string, unknown>, folder: string, file: string): void {
    for (const field of baseFields) {
      for (const [index, entry] of this.listField(kustomization, field, file)) {
        const location = `${file}: ${field}[${index}]`;
        const resolved = this.attempt(() => resolveEntry(entry, folder, this.options.repoRoot, location));
        // A missing base is left to kustomize, which fails on it without fetching or running anything.
        if (resolved?.type === "folder") {
          this.visitFolder(resolved.realPath, "build");
        } else if (resolved?.type === "remote") {
          this.rejectUnlessRemoteAllowed(entry, resolved.type, location);
        }
      }
    }

    for (const field of pluginFields) {
      for (const [index, entry] of this.listField(kustomization, field, file)) {
        const location = `${file}: ${field}[${index}]`;
        const inline = this.attempt(() => parseInlineEntry(entry, location));
        if (inline !== undefined) {
          inline.forEach((config, document) => this.checkConfig(config, inline.length === 1 ? `${location} (inline)` : `${location} (inline, document ${document + 1})`));
          continue;
        }
        this.checkConfigSource(entry, folder, location, true);
      }
    }
  }

  /** Checks a folder listed under generators, transformers or validators, whose kustomization may only gather config files. */
  private checkConfigFolder(kustomization: Record<string, unknown>, folder: string, file: string): void {
    for (const [key, value] of Object.entries(kustomization)) {
      if (!configFolderFields.has(foldKey(key))) {
        this.problems.push(
          new KrevealError("CONFIG_INVALID", `this folder of plugin configs uses ${printable(key)}, which could change a plugin config after kreveal checked it`, {
            location: `${file}: ${printable(key)}`,
            fix: "In a folder listed under generators, transformers or validators, use only resources (local files and folders) and namespace, namePrefix, nameSuffix, labels, commonLabels, commonAnnotations, buildMetadata or sortOptions.",
          }),
        );
      } else if (foldKey(key) === "labels" && Array.isArray(value)) {
        value.forEach((label, index) => {
          if (typeof label === "object" && label !== null && "fields" in label) {
            this.problems.push(
              new KrevealError("CONFIG_INVALID", "labels with their own fields can write into any field of a plugin config", {
                location: `${file}: labels[${index}].fields`,
                fix: "Remove fields from the labels entry in this folder of plugin configs.",
              }),
            );
          }
        });
      }
    }

    for (const [index, entry] of this.listField(kustomization, "resources", file)) {
      this.checkConfigSource(entry, folder, `${file}: resources[${index}]`, false);
    }
  }

  /** Checks a path entry that supplies plugin configs: a file of configs, a folder, or a remote reference. */
  private checkConfigSource(entry: string, folder: string, location: string, remoteMayPass: boolean): void {
    const resolved = this.attempt(() => resolveEntry(entry, folder, this.options.repoRoot, location));
    if (resolved === undefined) {
      return;
    }

    switch (resolved.type) {
      case "file":
        this.checkConfigFile(resolved.realPath, location);
        return;
      case "folder":
        this.visitFolder(resolved.realPath, "configs");
        return;
      case "remote":
      case "missing":
        if (remoteMayPass || resolved.type === "missing") {
          this.rejectUnlessRemoteAllowed(entry, resolved.type, location);
        } else {
          this.problems.push(
            new KrevealError("CONFIG_INVALID", `the entry ${printable(entry)} is a remote reference, and a folder of plugin configs may list only local files and folders`, {
              location,
              fix: "Copy the plugin configs into the repository and list them by relative path.",
            }),
          );
        }
        return;
      case "inline":
        return;
    }
  }

  private checkConfigFile(file: string, location: string): void {
    const configs = this.attempt(() => readYamlValues(file, this.relative(file)));
    configs?.forEach((config, document) => {
      const where = configs.length === 1 ? `${location} (${this.relative(file)})` : `${location} (${this.relative(file)}, document ${document + 1})`;
      this.checkConfig(config, where);
    });
  }

  private checkConfig(config: unknown, location: string): void {
    this.problems.push(...checkPluginConfig(config, location, this.options));
  }

  private rejectUnlessRemoteAllowed(entry: string, type: "remote" | "missing", location: string): void {
    if (type === "missing") {
      this.problems.push(
        new KrevealError("FILE_NOT_FOUND", `the entry ${printable(entry)} is not a file or folder in the repository`, {
          location,
          fix: "Correct the path, relative to the kustomization's folder.",
        }),
      );
      return;
    }
    if (this.options.allowRemoteBases && isRemoteReference(entry) && !/\s/.test(entry)) {
      return;
    }
    this.problems.push(
      new KrevealError("CONFIG_INVALID", `the entry ${printable(entry)} is a remote reference, and kreveal cannot check the plugin configs in a remote base`, {
        location,
        fix: "Copy the base into the repository and list it by relative path, or ask the Argo CD operator to set KREVEAL_CMP_ALLOW_REMOTE_BASES=true in the sidecar.",
      }),
    );
  }

  /**
   * Returns the string entries of a list field. kustomize reads the kustomization through Go's
   * encoding/json, which matches field names without regard to case, so every key that folds
   * to `field` counts.
   */
  private listField(kustomization: Record<string, unknown>, field: string, file: string): [number, string][] {
    const entries: [number, string][] = [];
    for (const [key, value] of Object.entries(kustomization)) {
      if (foldKey(key) !== field || value === null || value === undefined) {
        continue;
      }
      if (!Array.isArray(value)) {
        this.problems.push(new KrevealError("INPUT_MALFORMED", `${field} is not a list`, { location: file, fix: `Write ${field} as a list of strings.` }));
        continue;
      }
      value.forEach((entry: unknown, index) => {
        if (typeof entry === "string") {
          entries.push([index, entry]);
        } else {
          this.problems.push(new KrevealError("INPUT_MALFORMED", "the entry is not a string", { location: `${file}: ${field}[${index}]`, fix: `Write each ${field} entry as a string.` }));
        }
      });
    }
    return entries;
  }

  /** Runs `step`; a KrevealError is recorded as a problem so that the walk goes on. */
  private attempt<T>(step: () => T): T | undefined {
    try {
      return step();
    } catch (error) {
      if (error instanceof KrevealError) {
        this.problems.push(error);
        return undefined;
      }
      throw error;
    }
  }

  private relative(file: string): string {
    return path.relative(this.options.repoRoot, file) || ".";
  }
}
