import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

import { KrevealError } from "../errors.js";
import { readSmallRegularFile } from "../files/small-file.js";

/**
 * The file in the app folder where `kreveal cmp init` records when it started, as milliseconds
 * since the epoch in decimal. Argo CD's request deadline covers init and generate together, so
 * generate continues init's budget instead of starting a new one. The file contains only that
 * number, no secret. Its name starts with "." so that the plain-folder reader skips it, and
 * discover never reads it because it has no manifest extension.
 */
export const initStartFile = ".kreveal-cmp-started";

/**
 * How much older than the budget a recorded start may be before generate ignores it as stale. A
 * start inside this margin leaves no time, so generate fails at once with TIMEOUT, as Argo CD
 * would have stopped the request. Argo CD sends a fresh repository copy with each request, so an
 * older file was committed or left over from a manual run.
 */
export const staleMarginMs = 10_000;

/** The largest file read back: a millisecond time has 13 digits until the year 2286. */
const maxFileBytes = 32;

/**
 * Writes `startedAt` to the start file in `appDir`, replacing any copy that the repository
 * contains. The old entry is removed first, even a committed folder of that name with everything
 * in it, and then the new file is created exclusively. rmSync removes a symbolic link itself,
 * never what it points to. The exclusive create fails on a link, so a committed link is never
 * followed. Throws TOOL_FAILED when the file cannot be written, because generate would then
 * start a second full budget and run past the operator's limit.
 */
export function recordInitStart(appDir: string, startedAt: number): void {
  const file = path.join(appDir, initStartFile);
  try {
    rmSync(file, { recursive: true, force: true });
    const fd = openSync(file, "wx", 0o644);
    try {
      writeSync(fd, `${Math.trunc(startedAt)}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    throw new KrevealError("TOOL_FAILED", `init could not record its start time in ${initStartFile} (${code}), so generate could not continue init's time budget`, {
      location: appDir,
      fix: "Make the app folder in the sidecar writable, and remove any entry named .kreveal-cmp-started from the repository.",
      cause: error,
    });
  }
}

/**
 * Reads the time that init recorded in `appDir`. Returns undefined, without an error, in four
 * cases: there is no such regular file, it contains anything but a whole number, the time lies
 * after `now`, or the time is older than the budget plus staleMarginMs.
 */
export function readInitStart(appDir: string, budgetSeconds: number, now: number = Date.now()): number | undefined {
  const text = readSmallRegularFile(path.join(appDir, initStartFile), maxFileBytes)?.toString("latin1");
  if (text === undefined || !/^\d{1,16}$/.test(text.trim())) {
    return undefined;
  }

  const startedAt = Number(text.trim());
  if (startedAt > now || now - startedAt > budgetSeconds * 1000 + staleMarginMs) {
    return undefined;
  }
  return startedAt;
}

