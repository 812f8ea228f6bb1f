import { spawn, type ChildProcess } from "node:child_process";

import { KrevealError } from "../errors.js";
import { requireProgram, withInputPipes, writeInput } from "./input-pipes.js";

/** A program and its arguments, such as kustomize build or helm template. */
export interface ToolCommand {
  /** The program: a path, or a name that is looked up on the PATH of `env`. */
  readonly program: string;
  readonly args: readonly string[];
  /** The command as named in messages, e.g. `kustomize build` or `helm template`. */
  readonly name: string;
}

/** Result of one run. Both streams are kept in memory and never written to disk. */
export interface ToolRun {
  /** The exit code, or null when the process ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** The result of a kustomize run. */
export type KustomizeRun = ToolRun;

export interface RunOptions {
  /** The child's working folder, or kreveal's own when unset. */
  readonly cwd?: string;
  /**
   * Contents handed to the child on pipes at fd 3, 4, ... in this order, which the child can open
   * as `/dev/fd/3`, `/dev/fd/4`, ... They stay in memory and never touch the disk.
   */
  readonly inputs?: readonly Uint8Array[];
  /** The fix shown when the program cannot be started. The default names kustomize and kubectl. */
  readonly startFix?: string;
}

const forwardedSignals: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Runs a tool and collects its stdout and stderr. The tool starts in a process group of its own,
 * so that on timeout one SIGKILL also stops the processes it started, such as kustomize plugins.
 * A plugin left running could keep the pipes open. A SIGINT, SIGTERM or SIGHUP sent to kreveal is
 * passed on to that group, because the group no longer receives the terminal's signals.
 *
 * Resolves once the streams are closed, or on timeout as soon as the tool has exited. Rejects
 * with TOOL_FAILED when the program cannot be started.
 */
export function runTool(command: ToolCommand, env: NodeJS.ProcessEnv, timeoutMs: number, options: RunOptions = {}): Promise<ToolRun> {
  const inputs = options.inputs ?? [];
  const startFix = options.startFix ?? "Check that the program on PATH is a working kustomize or kubectl.";
  let started: { program: string; args: readonly string[] } = command;
  if (inputs.length > 0) {
    try {
      requireProgram(command.program, command.name, { env, cwd: options.cwd, fix: startFix });
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    started = withInputPipes(command, inputs.length);
  }

  const child = spawn(started.program, started.args, {
    env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe", ...inputs.map(() => "pipe" as const)],
    detached: true,
  });
  for (const [index, input] of inputs.entries()) {
    const stream = child.stdio[3 + index];
    if (stream !== null && stream !== undefined && "write" in stream) {
      writeInput(stream, input);
    }
  }

  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));

  return new Promise((resolve, reject) => {
    let timedOut = false;
    let settled = false;

    const forwardSignal = (signal: NodeJS.Signals): void => {
      killGroup(child, "SIGKILL");
      cleanUp();
      process.kill(process.pid, signal);
    };
    const cleanUp = (): void => {
      clearTimeout(timer);
      for (const signal of forwardedSignals) {
        process.removeListener(signal, forwardSignal);
      }
    };
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null): void => {
      if (settled) {
        return;
      }
      settled = true;
      cleanUp();
      resolve({ exitCode, signal, timedOut, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr) });
    };

    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, "SIGKILL");
    }, timeoutMs);
    for (const signal of forwardedSignals) {
      process.on(signal, forwardSignal);
    }

    child.on("error", (error: NodeJS.ErrnoException) => {
      if (settled) {
        return;
      }
      settled = true;
      cleanUp();
      killGroup(child, "SIGKILL");
      reject(
        new KrevealError("TOOL_FAILED", `${command.name} could not be started (${error.code ?? "unknown error"})`, {
          location: command.program,
          fix: startFix,
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

/** Runs kustomize through runTool. The name stays for the callers that build kustomizations. */
export const runKustomize = runTool;

/** Sends `signal` to the child's process group, ignoring a group that is already gone. */
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
