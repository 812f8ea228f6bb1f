import { KrevealError } from "../errors.js";

/** Default time budget of one `kreveal cmp init` and `kreveal cmp generate` together, in seconds. */
export const defaultBudgetSeconds = 50;

/** The stages of init and generate that can run out of time, as named in the TIMEOUT message. */
export type BudgetStage = "helm dependency build" | "kustomize build" | "helm template" | "directory read" | "placeholder resolution";

/**
 * The commands that a budget covers, as named in the TIMEOUT message: "init and generate" when
 * generate continues the budget that init started.
 */
export type BudgetScope = "init" | "generate" | "init and generate";

/**
 * The time budget of one run, fixed when it starts. Every child process gets only the time
 * that is left, and the stage that is running is recorded so that a TIMEOUT error can name it.
 */
export class Deadline {
  /** The whole budget in seconds, as set by KREVEAL_CMP_TIMEOUT_SECONDS. */
  readonly seconds: number;
  /** The time (Date.now()) at which the budget is spent. */
  readonly endsAt: number;
  readonly scope: BudgetScope;
  private currentStage: BudgetStage | undefined;

  /** Starts a budget of `seconds` at the time `startedAt` (Date.now() by default). */
  constructor(seconds: number, startedAt: number = Date.now(), scope: BudgetScope = "generate") {
    this.seconds = seconds;
    this.endsAt = startedAt + seconds * 1000;
    this.scope = scope;
  }

  /** Milliseconds left, never below zero. */
  remainingMs(now: number = Date.now()): number {
    return Math.max(0, this.endsAt - now);
  }

  expired(now: number = Date.now()): boolean {
    return this.remainingMs(now) === 0;
  }

  /** The stage that is running now, if any. */
  get stage(): BudgetStage | undefined {
    return this.currentStage;
  }

  /** Records that `stage` starts, and throws the TIMEOUT error if the budget is already spent. */
  enter(stage: BudgetStage): void {
    this.currentStage = stage;
    if (this.expired()) {
      throw this.timeoutError(stage);
    }
  }

  /** Creates the TIMEOUT error for `stage`, by default the stage that is running. */
  timeoutError(stage: BudgetStage | undefined = this.currentStage): KrevealError {
    const during = stage === undefined ? "" : `: ${stage} was still running`;
    return new KrevealError("TIMEOUT", `${this.scope} did not finish within ${this.seconds} s (KREVEAL_CMP_TIMEOUT_SECONDS)${during}`, {
      fix: "Make the source build faster, or ask the Argo CD operator to raise KREVEAL_CMP_TIMEOUT_SECONDS in the sidecar and the repo server's timeout with it.",
    });
  }
}

const maxBudgetSeconds = 3600;

/** Reads KREVEAL_CMP_TIMEOUT_SECONDS: a whole number of seconds from 1 to 3600, 50 when unset or empty. */
export function readBudgetSeconds(env: NodeJS.ProcessEnv): number {
  const text = env.KREVEAL_CMP_TIMEOUT_SECONDS?.trim() ?? "";
  if (text === "") {
    return defaultBudgetSeconds;
  }

  const seconds = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(seconds >= 1 && seconds <= maxBudgetSeconds)) {
    throw new KrevealError("CONFIG_INVALID", `the value ${JSON.stringify(text)} is not a whole number of seconds from 1 to ${maxBudgetSeconds}`, {
      location: "KREVEAL_CMP_TIMEOUT_SECONDS",
      fix: `Set it in the sidecar's environment to a number of seconds below the repo server's timeout, e.g. ${defaultBudgetSeconds}.`,
    });
  }
  return seconds;
}
