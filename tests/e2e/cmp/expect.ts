import assert from "node:assert/strict";

import type { Manifest } from "./manifests.js";
import type { SidecarRun } from "./sidecar.js";

/** Asserts that init and generate succeeded and Argo CD parsed the output; returns the manifests. */
export function expectManifests(run: SidecarRun): Manifest[] {
  assert.equal(run.init?.exitCode ?? 0, 0, `init failed: ${run.init?.stderr ?? ""}`);
  assert.equal(run.generate?.exitCode, 0, `generate failed: ${run.generate?.stderr ?? ""}`);
  assert.equal(run.failure, undefined, run.failure);
  assert.ok(run.manifests !== undefined);
  return run.manifests;
}

/**
 * Asserts that generate failed closed: a non-zero exit, nothing on stdout, and `code` on stderr.
 * Returns stderr.
 */
export function expectFailure(run: SidecarRun, code: RegExp): string {
  assert.ok(run.generate !== undefined, `init failed before generate ran: ${run.init?.stderr ?? ""}`);
  assert.notEqual(run.generate.exitCode, 0, `generate succeeded:\n${run.generate.stdout}`);
  assert.equal(run.generate.stdout, "", "generate printed manifests although it failed");
  assert.ok(run.failure !== undefined);
  assert.match(run.generate.stderr, code);
  return run.generate.stderr;
}

/** Asserts that none of `values` appears in `text` (stderr must never reveal a secret). */
export function expectNoneOf(text: string, values: readonly string[]): void {
  for (const value of values) {
    assert.ok(!text.includes(value), `the output reveals a value it must not contain (${value.length} characters)`);
  }
}
