import { realpathSync } from "node:fs";

import { findPluginHome } from "../render/plugin-home.js";
import { readAppIdentity, readAppSettings, type AppIdentity, type AppSettings } from "./app-settings.js";
import { Deadline, readBudgetSeconds } from "./budget.js";
import { childEnvironment } from "./child-env.js";
import { runInit } from "./init.js";
import { deriveRepoRoot } from "./repo-root.js";
import { startWatchdog } from "./watchdog.js";

/** The app's budget, identity, settings and folders, shared by the cmp commands. */
export interface AppContext {
  readonly deadline: Deadline;
  readonly app: AppIdentity;
  readonly settings: AppSettings;
  /** Warnings about ignored settings, without the `kreveal: warning: ` prefix. */
  readonly warnings: readonly string[];
  /** The app folder (the working folder), a real path. */
  readonly appDir: string;
  /** The root of the repository copy that Argo CD sent, a real path. */
  readonly repoRoot: string;
  /** The environment for child processes, without the Application's settings. */
  readonly childEnv: NodeJS.ProcessEnv;
}

/**
 * Reads the budget, the Application's identity and settings, and the folders, and sets
 * KREVEAL_REPO_ROOT in `env` (kreveal's own process.env) so that generator inputs and `sops:`
 * placeholders stay inside the repository copy that Argo CD sent. The deadline starts here.
 */
export function prepareApp(env: NodeJS.ProcessEnv): AppContext {
  const deadline = new Deadline(readBudgetSeconds(env));
  const app = readAppIdentity(env);
  const { settings, warnings } = readAppSettings(env);

  // process.cwd() is the real working folder, while $PWD may name it through a link.
  const appDir = realpathSync.native(process.cwd());
  const repoRoot = deriveRepoRoot(appDir, env.ARGOCD_APP_SOURCE_PATH, env);
  env.KREVEAL_REPO_ROOT = repoRoot;
  const childEnv = childEnvironment(env, { KREVEAL_REPO_ROOT: repoRoot, KUSTOMIZE_PLUGIN_HOME: findPluginHome() });
  return { deadline, app, settings, warnings, appDir, repoRoot, childEnv };
}

/**
 * Runs `body` under the context's budget: a watchdog kills kreveal's children and exits with
 * status 1 if the body is still running after the deadline.
 */
export async function withinBudget<T>(context: AppContext, body: () => Promise<T>): Promise<T> {
  const watchdog = startWatchdog(context.deadline);
  try {
    return await body();
  } finally {
    watchdog.stop();
  }
}

/**
 * `kreveal cmp init`: prepares a Helm chart's dependencies (see runInit). It prints no warnings
 * about ignored settings, because generate, which runs next, prints them.
 */
export async function initApp(): Promise<void> {
  const context = prepareApp(process.env);
  await withinBudget(context, () =>
    runInit({ appDir: context.appDir, env: context.childEnv, deadline: context.deadline, source: context.settings.source }),
  );
}
