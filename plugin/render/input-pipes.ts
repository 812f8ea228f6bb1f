import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";
import type { Writable } from "node:stream";

import { KrevealError } from "../errors.js";
import { findOnPath } from "./kustomize-command.js";

/** A program and its arguments. */
interface Command {
  readonly program: string;
  readonly args: readonly string[];
}

/**
 * Wraps `command` so that it finds `count` inputs on real pipes at fd 3, 4, ... Node's stdio
 * "pipe" is a socketpair, and on Linux opening /dev/fd/N of a socket fails with ENXIO. So a child
 * that opens `/dev/fd/3` by path (helm --values /dev/fd/3) cannot read it. A named FIFO does not
 * work either: opening a FIFO for reading waits for a writer, and the writer may already have
 * written everything and closed it. Node has no call that creates an anonymous pipe, so
 * `/bin/sh` creates them. For each input, one `cat` copies the socket at fd N into a pipe. The
 * pipe's read end is then moved to fd N before the shell runs the program with `exec`. The data
 * stays in memory, and the exit status is the program's own.
 *
 * NOTE: this needs /bin/sh and cat in the image.
 */
export function withInputPipes(command: Command, count: number): Command {
  let script = 'exec "$0" "$@"';
  for (let fd = count + 2; fd >= 3; fd--) {
    // The left side copies the socket into the pipe. The right side makes the pipe fd N and
    // gives the program an empty stdin again.
    script = `cat <&${fd} | { exec ${fd}<&0 </dev/null; ${script}; }`;
  }
  return { program: "/bin/sh", args: ["-c", script, command.program, ...command.args] };
}

/**
 * Writes `input` to one of the child's stdio streams and closes it. A child that exits or closes
 * the stream before reading everything makes the write fail with EPIPE or ECONNRESET. That error
 * is dropped here, because the child's exit status reports the failure.
 */
export function writeInput(stream: Writable, input: Uint8Array): void {
  stream.on("error", () => {
    stream.destroy();
  });
  stream.end(input);
}

/**
 * Checks that `program` can be run, as spawn would find it on the PATH of `env`. A program run
 * through withInputPipes starts from the shell, whose "not found" is only an exit status of 127.
 * So this check gives the same TOOL_FAILED error as a direct spawn would.
 */
export function requireProgram(program: string, name: string, options: { env: NodeJS.ProcessEnv; cwd: string | undefined; fix: string }): void {
  const found = program.includes("/") ? isExecutableFile(path.resolve(options.cwd ?? process.cwd(), program)) : findOnPath(program, options.env.PATH) !== undefined;
  if (!found) {
    throw new KrevealError("TOOL_FAILED", `${name} could not be started (ENOENT)`, { location: program, fix: options.fix });
  }
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
