import assert from "node:assert/strict";

export interface FailedRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface FailureExpectation {
  /** Text that must appear in stderr to name the file or manifest, e.g. `db.enc.yaml`. */
  readonly names: string;
  /** The error code printed in brackets. */
  readonly code: string;
  /** The key path or field that stderr must name, when there is one. */
  readonly keyPath?: string;
  /** Plaintext values that must appear nowhere in the output. */
  readonly secrets: readonly string[];
}

/** Checks that a run failed closed: non-zero exit, empty stdout, a located message, no secret. */
export function assertFailedClosed(result: FailedRun, expected: FailureExpectation): void {
  assert.notEqual(result.status, 0, "exit status");
  assert.equal(result.stdout, "", "stdout must stay empty");
  assert.ok(result.stderr.includes(expected.names), `stderr names ${expected.names}:\n${result.stderr}`);
  assert.ok(result.stderr.includes(`[${expected.code}]`), `stderr carries [${expected.code}]:\n${result.stderr}`);
  if (expected.keyPath !== undefined) {
    assert.ok(result.stderr.includes(expected.keyPath), `stderr names ${expected.keyPath}:\n${result.stderr}`);
  }
  for (const secret of expected.secrets) {
    assert.ok(!result.stderr.includes(secret), "stderr must not contain a secret value");
  }
}
