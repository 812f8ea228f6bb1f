import { readdirSync, readFileSync } from "node:fs";

import type { Deadline } from "./budget.js";

/**
 * Extra time after the deadline before the watchdog steps in. A stage that watches the deadline
 * itself (a child run with the remaining time as its timeout) reports the TIMEOUT within this
 * time, with the child's stderr. So the watchdog acts only for a stage that hangs.
 */
const graceMs = 500;

export interface Watchdog {
  stop(): void;
}

/**
 * Starts the timer that enforces the budget even when a stage hangs. When it fires, it kills
 * every process that kreveal started (each child's whole process group) and writes the TIMEOUT
 * error naming the running stage to stderr. It then exits with status 1, so nothing reaches stdout.
 * The timer is unref'd: it never keeps a finished run alive.
 */
export function startWatchdog(deadline: Deadline): Watchdog {
  const timer = setTimeout(() => {
    killDescendants(process.pid);
    process.stderr.write(`kreveal: ${deadline.timeoutError().describe()}\n`);
    process.exit(1);
  }, deadline.remainingMs() + graceMs);
  timer.unref();

  return {
    stop() {
      clearTimeout(timer);
    },
  };
}

/**
 * Sends SIGKILL to every descendant of `root`, and to the process group of each one that leads a
 * group of its own. kustomize and helm run detached, so their plugins share their group.
 *
 * NOTE: descendants are found through /proc, so this works on Linux only, where the sidecar runs.
 * Elsewhere the watchdog still exits, and a child that already had its own timeout is stopped by it.
 */
export function killDescendants(root: number): void {
  const parents = readParents();
  const descendants: number[] = [];
  const queue = [root];

  while (queue.length > 0) {
    const parent = queue.shift();
    for (const [pid, info] of parents) {
      if (info.parent === parent && !descendants.includes(pid)) {
        descendants.push(pid);
        queue.push(pid);
      }
    }
  }

  for (const pid of descendants) {
    const group = parents.get(pid)?.group;
    if (group === pid) {
      signal(-pid);
    }
    signal(pid);
  }
}

interface ProcessInfo {
  readonly parent: number;
  readonly group: number;
}

/** Reads the parent and process group of every process from /proc, or none where there is no /proc. */
function readParents(): Map<number, ProcessInfo> {
  const processes = new Map<number, ProcessInfo>();
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return processes;
  }

  for (const name of names) {
    if (!/^\d+$/.test(name)) {
      continue;
    }
    try {
      // The fields after the command name, which is in brackets and may contain spaces: state, ppid, pgrp.
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      processes.set(Number(name), { parent: Number(fields[1]), group: Number(fields[2]) });
    } catch {
      // The process ended while the list was read.
    }
  }
  return processes;
}

function signal(target: number): void {
  try {
    process.kill(target, "SIGKILL");
  } catch {
    // Already gone, or not ours to signal.
  }
}
