import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

import { repoRoot } from "./paths.js";

export const kreveal = path.join(repoRoot, "dist/kreveal.js");

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the bundled `kreveal` with the given environment added to a clean one. */
export function runKreveal(args: readonly string[], env: Record<string, string>, options: { cwd?: string; input?: string } = {}): CommandResult {
  if (!existsSync(kreveal)) {
    throw new Error(`${kreveal} is missing: run "npm run build" first`);
  }

  const result = spawnSync(process.execPath, [kreveal, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: { PATH: process.env.PATH ?? "", ...env },
    input: options.input ?? "",
    encoding: "utf8",
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
