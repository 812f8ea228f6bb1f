import { writeSync } from "node:fs";

/**
 * Writes one warning line on stderr: `kreveal: warning: LOCATION: MESSAGE`. Compatibility kinds
 * use it for input that their original tool accepts without a word, so that a migration keeps
 * working and the user still learns about the problem. Messages never contain secret values.
 * It writes to the file descriptor directly because `process.stderr` loads Node's stream
 * machinery, which costs start-up time (see entries/stdio.ts).
 */
export function warn(location: string, message: string): void {
  writeSync(2, `kreveal: warning: ${location}: ${message}\n`);
}
