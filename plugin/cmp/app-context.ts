import { realpathSync } from "node:fs";

import { findPluginHome } from "../render/plugin-home.js";
import { readAppIdentity, readAppSettings, type AppIdentity, type AppSettings } from "./app-settings.js";
import { Deadline, readBudgetSeconds } from "./budget.js";
import { childEnvironment } from "./child-env.js";
import { runInit } from "./init.js";
import { readInitStart, recordInitStart } from "./init-start.js";
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

/** The cmp command that prepares the app. */
export type CmpCommand = "init" | "generate";

/**
 * Reads the budget, the Application's identity and settings, and the folders. Also sets
 * KREVEAL_REPO_ROOT in `env` (kreveal's own process.env), so that generator inputs and `sops:`
 * placeholders stay inside the repository copy that Argo CD sent.
 *
 * Argo CD's request deadline covers init and generate together, so one budget covers both. init
 * starts it here and records its start in the app folder (see initStartFile in init-start.ts).
 * generate continues it when that record is recent, and otherwise starts its own budget here.
 */
export function prepareApp(env: NodeJS.ProcessEnv, command: CmpCommand = "generate"): AppContext {
  const now = Date.now();
  const seconds = readBudgetSeconds(env);

  // process.cwd() is the real working folder, while $PWD may name it through a link.
  const appDir = realpathSync.native(process.cwd());
  const deadline = startBudget(command, seconds, appDir, now);

  const app = readAppIdentity(env);
  const { settings, warnings } = readAppSettings(env);
  const repoRoot = deriveRepoRoot(appDir, env.ARGOCD_APP_SOURCE_PATH, env);
  env.KREVEAL_REPO_ROOT = repoRoot;
  const childEnv = childEnvironment(env, { KREVEAL_REPO_ROOT: repoRoot, KUSTOMIZE_PLUGIN_HOME: findPluginHome() });
  return { deadline, app, settings, warnings, appDir, repoRoot, childEnv };
}

/**
 * Starts init's budget and records its start, or continues a recent one in generate. Throws
 * when init cannot record its start (see recordInitStart).
 */
function startBudget(command: CmpCommand, seconds: number, appDir: string, now: number): Deadline {
  if (command === "init") {
    recordInitStart(appDir, now);
    return new Deadline(seconds, now, "init");
  }

  const initStartedAt = readInitStart(appDir, seconds, now);
  if (initStartedAt === undefined) {
    return new Deadline(seconds, now, "generate");
  }
  return new Deadline(seconds, initStartedAt, "init and generate");
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
 * `kreveal cmp init`: starts the budget that generate continues, and prepares a Helm chart's
 * dependencies (see runInit). It prints no warnings about ignored settings, because generate,
 * which runs next, prints them.
 */
export async function initApp(): Promise<void> {
  const context = prepareApp(process.env, "init");

  const { appDir, repoRoot, childEnv, deadline, settings } = context;
  await withinBudget(context, () => runInit({ appDir, repoRoot, env: childEnv, deadline, source: settings.source }));
}
