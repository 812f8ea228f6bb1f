import { spawn, type ChildProcess } from "node:child_process";

import { KrevealError } from "../errors.js";
import type { KustomizeCommand } from "./kustomize-command.js";

/** Result of one kustomize run. Both streams are kept in memory and never written to disk. */
export interface KustomizeRun {
  /** The exit code, or null when the process ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

const forwardedSignals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Runs kustomize and collects its stdout and stderr. kustomize starts in a process group of its
 * own, so that on timeout one SIGKILL also stops the plugin processes it started. A plugin left
 * running could keep the pipes open. A SIGINT, SIGTERM or SIGHUP sent to kreveal is passed on to
 * that group, because the group no longer receives the terminal's signals.
 *
 * Resolves once the streams are closed, or on timeout as soon as kustomize has exited.
 */
export function runKustomize(command: KustomizeCommand, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<KustomizeRun> {
  const child = spawn(command.program, command.args, { env, stdio: ["ignore", "pipe", "pipe"], detached: true });

  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));

  return new Promise((resolve, reject) => {
    let timedOut = false;

    const forwardSignal = (signal: NodeJS.Signals): void => {
      killGroup(child, "SIGKILL");
      removeHandlers();
      process.kill(process.pid, signal);
    };
    const removeHandlers = (): void => {
      clearTimeout(timer);
      for (const signal of forwardedSignals) {
        process.removeListener(signal, forwardSignal);
      }
    };
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      removeHandlers();
      resolve({ exitCode, signal, timedOut, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
    };

    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, "SIGKILL");
    }, timeoutMs);
    for (const signal of forwardedSignals) {
      process.on(signal, forwardSignal);
    }

    child.on("error", (error) => {
      removeHandlers();
      killGroup(child, "SIGKILL");
      reject(
        new KrevealError("FILE_NOT_FOUND", `${command.name} could not be started`, {
          location: command.program,
          fix: "Check that the program on PATH is a working kustomize or kubectl.",
          cause: error,
        }),
      );
    });
    child.on("exit", (exitCode, signal) => {
      if (timedOut) {
        finish(exitCode, signal);
      }
    });
    child.on("close", finish);
  });
}

/** Sends `signal` to the child's process group; a group that is already gone is fine. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) {
    return;
  }

  try {
    process.kill(-child.pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") {
      throw error;
    }
  }
}
