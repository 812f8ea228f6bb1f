import path from "node:path";

import type { Document } from "yaml";

import { KrevealError } from "../errors.js";
import { parseYamlStream } from "../formats/yaml-read.js";
import { runTool, type ToolCommand } from "../render/run-kustomize.js";
import type { AppIdentity, AppSettings } from "./app-settings.js";
import type { Deadline } from "./budget.js";
import { helmEnvironment } from "./child-env.js";
import { checkChartLinks } from "./chart-links.js";
import { listValuesFiles, readValuesFiles } from "./helm-values.js";

export interface HelmOptions {
  /** The chart folder (a real path), which is also helm's working folder. */
  readonly appDir: string;
  /** The repository root (a real path) that values files must stay inside. */
  readonly repoRoot: string;
  readonly app: AppIdentity;
  readonly settings: AppSettings;
  /**
   * The environment for helm, which gets it without the sidecar's credentials (helmEnvironment).
   * KREVEAL_HELM is read from it too.
   */
  readonly env: NodeJS.ProcessEnv;
  readonly deadline: Deadline;
}

/** helm's own rule for release names: a DNS-1123 subdomain of at most 53 characters. */
const releaseNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const maxReleaseNameLength = 53;

/** The fix shown when the helm program cannot be started. */
export const helmStartFix = "Install helm 3 in the sidecar image, or set KREVEAL_HELM to the helm program's absolute path.";

/**
 * Runs `helm template` on the chart in the app folder and returns the rendered documents. The
 * values files are read and their placeholders resolved first, so that chart functions such as
 * b64enc see the real values. Each file reaches helm through a pipe at fd 3, 4, ..., never a
 * file. helm's stderr is passed on to kreveal's stderr. A failed helm is TOOL_FAILED, and a run
 * past the deadline is TIMEOUT (helm's process group is killed). A symbolic link in the chart
 * that leaves the repository is PATH_OUTSIDE_ROOT, found before helm runs (see checkChartLinks).
 */
export async function templateChart(options: HelmOptions): Promise<Document[]> {
  const { appDir, repoRoot, app, settings, env, deadline } = options;
  const release = releaseName(app, settings);
  const program = helmProgram(env);
  checkChartLinks(appDir, repoRoot);

  const files = listValuesFiles(appDir, settings.valuesFiles);
  const values = await readValuesFiles({ appDir, repoRoot, files, deadline });

  deadline.enter("helm template");
  const command: ToolCommand = { program, args: helmTemplateArgs(release, app, values.length), name: "helm template" };
  const run = await runTool(command, helmEnvironment(env), deadline.remainingMs(), {
    cwd: appDir,
    inputs: values,
    startFix: helmStartFix,
  });

  process.stderr.write(run.stderr);
  if (run.timedOut) {
    throw deadline.timeoutError("helm template");
  }
  if (run.exitCode !== 0) {
    const failure = run.exitCode === null ? `was killed by ${run.signal ?? "a signal"}` : `failed with exit status ${run.exitCode}`;
    throw new KrevealError("TOOL_FAILED", `helm template ${failure}; its messages are above`, {
      location: appDir,
      fix: "Fix the chart or its values as helm's messages say.",
    });
  }

  const documents = parseYamlStream(run.stdout.toString("utf8"), "helm template output");
  return documents.filter((document) => document.contents !== null);
}

/**
 * Builds the arguments of `helm template`. The caller passes a release name that releaseName()
 * has checked, so it cannot start with "-" and be read as a flag. Every other value follows its
 * flag as a separate argument, which helm's flag parser takes as that flag's value.
 */
export function helmTemplateArgs(release: string, app: AppIdentity, valuesCount: number): string[] {
  const args = ["template", release, "."];
  if (app.namespace !== "") {
    args.push("--namespace", app.namespace);
  }
  args.push("--include-crds");
  if (app.kubeVersion !== "") {
    args.push("--kube-version", app.kubeVersion);
  }
  for (const apiVersion of app.kubeApiVersions) {
    args.push("--api-versions", apiVersion);
  }
  for (let index = 0; index < valuesCount; index++) {
    args.push("--values", `/dev/fd/${3 + index}`);
  }
  return args;
}

/** Returns the release name: the `release-name` setting, else the Application's name. */
function releaseName(app: AppIdentity, settings: AppSettings): string {
  const setting = settings.releaseName ?? "";
  const fromSetting = setting !== "";
  const name = fromSetting ? setting : app.name;
  const source = fromSetting ? "the release-name setting" : "ARGOCD_APP_NAME";

  if (name === "") {
    throw new KrevealError("CONFIG_INVALID", "no Helm release name: ARGOCD_APP_NAME is not set and the release-name setting is empty", {
      location: "release-name",
      fix: "Set the release-name parameter of the Application, or run kreveal cmp generate from Argo CD, which sets ARGOCD_APP_NAME.",
    });
  }
  if (name.length > maxReleaseNameLength || !releaseNamePattern.test(name)) {
    throw new KrevealError("CONFIG_INVALID", `invalid Helm release name "${name}" from ${source}`, {
      location: fromSetting ? "release-name" : "ARGOCD_APP_NAME",
      fix: `Use at most ${maxReleaseNameLength} lowercase letters, digits, "-" and ".", starting and ending with a letter or digit, in the release-name parameter.`,
    });
  }
  return name;
}

/**
 * Returns the helm program: KREVEAL_HELM when set, else `helm`, which spawn looks up on the PATH
 * of `env`. A relative path is rejected, because it would start from the app folder and so run a
 * program that the repository provides.
 */
export function helmProgram(env: NodeJS.ProcessEnv): string {
  const configured = env.KREVEAL_HELM;
  if (configured === undefined || configured === "") {
    return "helm";
  }
  if (configured.includes("/") && !path.isAbsolute(configured)) {
    throw new KrevealError("CONFIG_INVALID", `KREVEAL_HELM must be an absolute path or a program name on PATH, not the relative path "${configured}"`, {
      location: "KREVEAL_HELM",
      fix: "Set KREVEAL_HELM in the sidecar's environment to an absolute path such as /usr/local/bin/helm.",
    });
  }
  return configured;
}
