import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { isMap, isSeq } from "yaml";

import { KrevealError } from "../errors.js";
import { parseYamlStream } from "../formats/yaml-read.js";
import { runTool } from "../render/run-kustomize.js";
import type { SourceType } from "./app-settings.js";
import type { Deadline } from "./budget.js";
import { helmEnvironment } from "./child-env.js";
import { checkChartLinks, checkLocalDependencies } from "./chart-links.js";
import { helmProgram, helmStartFix } from "./helm.js";
import { detectSource } from "./source.js";

export interface InitOptions {
  /** The app folder (a real path). */
  readonly appDir: string;
  /**
   * The repository root (a real path) that symbolic links in the chart must stay inside. When
   * unset, the app folder is the limit, which is stricter.
   */
  readonly repoRoot?: string;
  /**
   * The environment for helm, without the Application's settings. helm gets it without the
   * sidecar's credentials too (helmEnvironment).
   */
  readonly env: NodeJS.ProcessEnv;
  readonly deadline: Deadline;
  /** The Application's `source` setting, `auto` when unset. */
  readonly source?: SourceType;
}

/** A chart dependency as Chart.yaml (apiVersion v2) or requirements.yaml (v1) declares it. */
interface Dependency {
  readonly name: string;
  readonly version: string;
  /** The `repository` field. helm reads a `file://` repository from a folder. */
  readonly repository: string | undefined;
  /** The field's place in the chart, such as `Chart.yaml: dependencies[0].repository`. */
  readonly repositoryField: string;
}

/**
 * `kreveal cmp init`: runs `helm dependency build` in a Helm chart whose dependencies are not all
 * in its charts/ folder, and does nothing for other sources. helm's stdout and stderr go to
 * kreveal's stderr, because Argo CD ignores the stdout of init. A failed helm is TOOL_FAILED.
 * Before helm runs, the symbolic links of the chart and of its `file://` dependencies are
 * checked, because helm packs every file they lead to into charts/ (see checkChartLinks).
 */
export async function runInit(options: InitOptions): Promise<void> {
  const { appDir, env, deadline } = options;
  if (!isHelmSource(appDir, options.source ?? "auto")) {
    return;
  }

  const dependencies = declaredDependencies(appDir);
  const missing = dependencies.filter((dependency) => !isPresent(appDir, dependency));
  if (missing.length === 0) {
    return;
  }

  const repoRoot = options.repoRoot ?? appDir;
  checkChartLinks(appDir, repoRoot);
  checkLocalDependencies(appDir, repoRoot, dependencies);

  process.stderr.write(`kreveal: note: running helm dependency build for ${missing.map((dependency) => dependency.name).join(", ")}\n`);
  const command = { program: helmProgram(env), args: ["dependency", "build"], name: "helm dependency build" };
  deadline.enter("helm dependency build");
  const run = await runTool(command, helmEnvironment(env), deadline.remainingMs(), { cwd: appDir, startFix: helmStartFix });

  process.stderr.write(run.stdout);
  process.stderr.write(run.stderr);
  if (run.timedOut) {
    throw new KrevealError("TIMEOUT", `helm dependency build did not finish within ${deadline.seconds} s (KREVEAL_CMP_TIMEOUT_SECONDS)`, {
      location: appDir,
      fix: "Vendor the chart's dependencies into its charts/ folder, or ask the Argo CD operator to raise KREVEAL_CMP_TIMEOUT_SECONDS.",
    });
  }
  if (run.exitCode !== 0) {
    const failure = run.exitCode === null ? `was killed by ${run.signal ?? "a signal"}` : `failed with exit status ${run.exitCode}`;
    throw new KrevealError("TOOL_FAILED", `helm dependency build ${failure}; its messages are above`, {
      location: appDir,
      fix: "Check the dependencies in Chart.yaml, or vendor them into the chart's charts/ folder so that no download is needed.",
    });
  }
}

/** Tells whether generate would build the folder as a Helm chart. A source without its file is left to generate to report. */
function isHelmSource(appDir: string, source: SourceType): boolean {
  try {
    return detectSource(appDir, source) === "helm";
  } catch {
    return false;
  }
}

/**
 * Reads the dependencies of Chart.yaml and of requirements.yaml together. Helm 3's chart loader
 * reads requirements.yaml into the chart metadata whatever the apiVersion, so a dependencies list
 * there replaces that of Chart.yaml. Checking only one file would leave the other unchecked.
 */
function declaredDependencies(appDir: string): Dependency[] {
  return [...readDependencies(path.join(appDir, "Chart.yaml")), ...readDependencies(path.join(appDir, "requirements.yaml"))];
}

function readDependencies(file: string): Dependency[] {
  if (statSync(file, { throwIfNoEntry: false })?.isFile() !== true) {
    return [];
  }

  const location = path.basename(file);
  const document = parseYamlStream(readFileSync(file, "utf8"), location).at(0);
  const list = isMap(document?.contents) ? document.contents.get("dependencies") : undefined;
  if (list === undefined || list === null) {
    return [];
  }
  if (!isSeq(list)) {
    throw new KrevealError("INPUT_MALFORMED", "dependencies is not a list", {
      location,
      fix: "Write dependencies as a list of entries with name, version and repository.",
    });
  }

  return list.items.map((item, index) => {
    const name = isMap(item) ? item.get("name") : undefined;
    const version = isMap(item) ? item.get("version") : undefined;
    const repository = isMap(item) ? item.get("repository") : undefined;
    if (typeof name !== "string" || name === "") {
      throw new KrevealError("INPUT_MALFORMED", "the dependency has no name", {
        location: `${location}: dependencies[${index}]`,
        fix: "Give every dependency a name, as helm requires.",
      });
    }
    return {
      name,
      version: typeof version === "string" || typeof version === "number" ? String(version) : "",
      repository: typeof repository === "string" ? repository : undefined,
      repositoryField: `${location}: dependencies[${index}].repository`,
    };
  });
}

/** Characters of a version range such as `~1.2.0`, `^2`, `>=1.0 <2.0` or `1.x`. */
const rangeCharacters = /[\s^~*xX<>=|,]/;

/**
 * Tells whether charts/ contains the dependency: a folder charts/NAME, or charts/NAME-VERSION.tgz.
 * For a version range or no version, any charts/NAME-<digit>...tgz counts, because helm names the
 * archive after the version it picked.
 */
function isPresent(appDir: string, dependency: Dependency): boolean {
  const charts = path.join(appDir, "charts");
  if (statSync(path.join(charts, dependency.name), { throwIfNoEntry: false })?.isDirectory() === true) {
    return true;
  }

  const exact = dependency.version.replace(/^v/, "");
  if (exact !== "" && !rangeCharacters.test(exact)) {
    const archives = [`${dependency.name}-${exact}.tgz`, `${dependency.name}-${dependency.version}.tgz`];
    return archives.some((archive) => statSync(path.join(charts, archive), { throwIfNoEntry: false })?.isFile() === true);
  }

  const prefix = `${dependency.name}-`;
  return archivesIn(charts).some((fileName) => fileName.startsWith(prefix) && /^[0-9]/.test(fileName.slice(prefix.length)));
}

/** Lists the .tgz files in the charts/ folder, or none when the folder is missing. */
function archivesIn(charts: string): string[] {
  try {
    return readdirSync(charts, { withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith(".tgz")).map((entry) => entry.name);
  } catch {
    return [];
  }
}
