import path from "node:path";

import { KrevealError, KrevealErrors } from "../errors.js";
import { inlineResourceProblem } from "./inline-resources.js";
import { checkConfigFolderFields, checkHelmFields, listField } from "./kustomization-fields.js";
import { isRemoteReference, namesLocalPath, parseInlineEntry, printable, readKustomization, readYamlValues, resolveEntry, type KustomizationEntry } from "./kustomize-entries.js";
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

type Mode = "build" | "configs";

/**
 * Checks every plugin config that the app's kustomization can reach, before kustomize runs. These
 * are the generators, transformers and validators of the app's kustomization and of every local
 * base and component below it. kustomize builds a legacy exec plugin's path from the config's
 * apiVersion and kind with filepath.Join. So `..` in them would run any program on the sidecar,
 * with its Vault token and keys in the environment. Only kustomize builtins that run no program
 * and kreveal's own plugins pass, and helm fields are rejected. Remote entries are rejected
 * unless `allowRemoteBases` is set, because their content cannot be checked. Throws
 * CONFIG_INVALID, INPUT_MALFORMED, FILE_NOT_FOUND or PATH_OUTSIDE_ROOT errors, all problems
 * together.
 *
 * TODO: URLs in fields that only load data (patches[].path, generator files, configurations,
 * crds, openapi.path) are not checked, so a repository can still make kustomize send HTTP requests.
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
        this.problems.push(...checkHelmFields(kustomization, this.relative(entry.realPath)));
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
      for (const [index, entry] of this.stringEntries(kustomization, field, file)) {
        const location = `${file}: ${field}[${index}]`;
        const resolved = this.attempt(() => resolveEntry(entry, folder, this.options.repoRoot, location));
        // A missing base is left to kustomize, which fails on it without fetching or running anything.
        if (resolved?.type === "folder") {
          this.visitFolder(resolved.realPath, "build");
        }
        if (resolved?.type === "remote" || (resolved?.type !== "missing" && resolved?.looksRemote === true)) {
          this.rejectUnlessRemoteAllowed(entry, "remote", location);
        }
      }
    }

    for (const field of pluginFields) {
      for (const [index, entry] of this.stringEntries(kustomization, field, file)) {
        this.checkPluginEntry(entry, folder, `${file}: ${field}[${index}]`);
      }
    }
  }

  /**
   * Checks a generators, transformers or validators entry in both readings that kustomize may
   * use: as inline plugin configs, and as a file or folder of the entry's literal name.
   * kustomize takes the path reading whenever its resource factory rejects the inline reading,
   * for example for a config without metadata.name.
   */
  private checkPluginEntry(entry: string, folder: string, location: string): void {
    const before = this.problems.length;
    const inline = this.attempt(() => parseInlineEntry(entry, location));
    if (inline === undefined) {
      if (this.problems.length === before) {
        this.checkConfigSource(entry, folder, location, true);
      }
      return;
    }

    inline.forEach((config, document) => this.checkConfig(config, inline.length === 1 ? `${location} (inline)` : `${location} (inline, document ${document + 1})`));
    if (this.problems.length > before) {
      return;
    }

    const inlineProblem = inlineResourceProblem(inline);
    if (inlineProblem === undefined) {
      // kustomize reads the entry inline, but a file of the same name is checked as well.
      if (namesLocalPath(entry, folder, this.options.repoRoot)) {
        this.checkConfigSource(entry, folder, location, true);
      }
      return;
    }

    const resolved = this.attempt(() => resolveEntry(entry, folder, this.options.repoRoot, location));
    if (resolved?.type === "missing") {
      this.problems.push(
        new KrevealError("CONFIG_INVALID", `kustomize does not accept the inline plugin config as a resource (${inlineProblem}), so it would read the entry as a file name`, {
          location,
          fix: "Give every inline plugin config apiVersion, kind and metadata.name, or list the file of the config by its name.",
        }),
      );
    } else if (resolved !== undefined) {
      this.checkResolvedSource(entry, resolved, location, true);
    }
  }

  /** Checks a folder listed under generators, transformers or validators, whose kustomization may only gather config files. */
  private checkConfigFolder(kustomization: Record<string, unknown>, folder: string, file: string): void {
    this.problems.push(...checkConfigFolderFields(kustomization, file));

    for (const [index, entry] of this.stringEntries(kustomization, "resources", file)) {
      this.checkConfigSource(entry, folder, `${file}: resources[${index}]`, false);
    }
  }

  /** Checks a path entry that supplies plugin configs: a file of configs, a folder, or a remote reference. */
  private checkConfigSource(entry: string, folder: string, location: string, remoteMayPass: boolean): void {
    const resolved = this.attempt(() => resolveEntry(entry, folder, this.options.repoRoot, location));
    if (resolved !== undefined) {
      this.checkResolvedSource(entry, resolved, location, remoteMayPass);
    }
  }

  /**
   * Checks a resolved plugin-config source. A local file or folder whose name also looks remote
   * is checked locally and treated as remote too, because kustomize may fetch it instead.
   */
  private checkResolvedSource(entry: string, resolved: KustomizationEntry, location: string, remoteMayPass: boolean): void {
    if (resolved.type === "file") {
      this.checkConfigFile(resolved.realPath, location);
    } else if (resolved.type === "folder") {
      this.visitFolder(resolved.realPath, "configs");
    }

    const remote = resolved.type === "remote" || (resolved.type !== "missing" && resolved.looksRemote);
    if (resolved.type === "missing" || (remote && remoteMayPass)) {
      this.rejectUnlessRemoteAllowed(entry, resolved.type === "missing" ? "missing" : "remote", location);
    } else if (remote) {
      this.problems.push(
        new KrevealError("CONFIG_INVALID", `the entry ${printable(entry)} is a remote reference, and a folder of plugin configs may list only local files and folders`, {
          location,
          fix: "Copy the plugin configs into the repository and list them by relative path.",
        }),
      );
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

  private stringEntries(kustomization: Record<string, unknown>, field: string, file: string): [number, string][] {
    const { entries, problems } = listField(kustomization, field, file);
    this.problems.push(...problems);
    return entries;
  }

  /** Runs `step` and records a KrevealError that it throws as a problem, so that the walk goes on. */
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

  /** Returns `file` relative to the repository root, JSON-quoted when it has control characters. */
  private relative(file: string): string {
    const relative = path.relative(this.options.repoRoot, file) || ".";
    const hasControl = Array.from(relative).some((character) => character < " " || character === "\u007f");
    return hasControl ? JSON.stringify(relative) : relative;
  }
}
