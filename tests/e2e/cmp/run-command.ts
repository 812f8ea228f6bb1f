import { spawn } from "node:child_process";

export interface CommandResult {
  /** The exit code, or null when the process ended by a signal. */
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

export interface CommandOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/** Milliseconds between SIGTERM and SIGKILL when the deadline passes, as in argocd-cmp-server. */
const killGraceMs = 5_000;

/**
 * Runs `argv[0]` directly (no shell) with an empty stdin, in a new process group. When the
 * deadline passes the group gets SIGTERM and, 5 s later, SIGKILL, as the sidecar does.
 * Resolves when the process has exited and its output streams are closed.
 */
export function runCommand(argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
  if (argv.length === 0) {
    throw new Error("the plugin command is empty");
  }
  const [program, ...args] = argv as [string, ...string[]];

  const started = Date.now();
  const child = spawn(program, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"], detached: true, shell: false });
  child.stdin.end();

  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));

  return new Promise((resolve, reject) => {
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;

    const deadline = setTimeout(() => {
      timedOut = true;
      signalGroup(child.pid, "SIGTERM");
      killTimer = setTimeout(() => signalGroup(child.pid, "SIGKILL"), killGraceMs);
    }, options.timeoutMs);

    child.on("error", (error) => {
      clearTimeout(deadline);
      reject(error);
    });
    child.on("close", (exitCode, signal) => {
      clearTimeout(deadline);
      clearTimeout(killTimer);
      resolve({
        exitCode,
        signal,
        timedOut,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        durationMs: Date.now() - started,
      });
    });
  });
}

/** Signals a whole process group. A group that has already exited is skipped. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) {
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") {
      throw error;
    }
  }
}
