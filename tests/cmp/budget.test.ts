import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import { Deadline, readBudgetSeconds } from "../../plugin/cmp/budget.js";
import { KrevealError } from "../../plugin/errors.js";
import { waitForExit } from "../render/support.js";
import { tempDir } from "../support/paths.js";

test("deadline counts down", () => {
  const deadline = new Deadline(10, 1_000_000);
  assert.equal(deadline.remainingMs(1_000_000), 10_000);
  assert.equal(deadline.remainingMs(1_004_000), 6_000);
  assert.equal(deadline.remainingMs(1_020_000), 0);
  assert.equal(deadline.expired(1_009_999), false);
  assert.equal(deadline.expired(1_010_000), true);
});

test("timeout error names the stage", () => {
  const deadline = new Deadline(7);
  deadline.enter("kustomize build");
  const error = deadline.timeoutError();
  assert.equal(error.code, "TIMEOUT");
  assert.equal(error.message, "generate did not finish within 7 s (KREVEAL_CMP_TIMEOUT_SECONDS): kustomize build was still running");
});

test("enter after the deadline throws TIMEOUT", () => {
  const deadline = new Deadline(1, Date.now() - 5_000);
  assert.throws(
    () => deadline.enter("placeholder resolution"),
    (error: unknown) => {
      assert.ok(error instanceof KrevealError, String(error));
      assert.equal(error.code, "TIMEOUT");
      assert.match(error.message, /placeholder resolution was still running/);
      return true;
    },
  );
});

test("budget seconds: default and range", () => {
  assert.equal(readBudgetSeconds({}), 50);
  assert.equal(readBudgetSeconds({ KREVEAL_CMP_TIMEOUT_SECONDS: "" }), 50);
  assert.equal(readBudgetSeconds({ KREVEAL_CMP_TIMEOUT_SECONDS: "1" }), 1);
  assert.equal(readBudgetSeconds({ KREVEAL_CMP_TIMEOUT_SECONDS: " 3600 " }), 3600);
  for (const value of ["0", "3601", "-1", "1.5", "ten", "1e2"]) {
    assert.throws(
      () => readBudgetSeconds({ KREVEAL_CMP_TIMEOUT_SECONDS: value }),
      (error: unknown) => {
        assert.ok(error instanceof KrevealError, `${value}: ${String(error)}`);
        assert.equal(error.code, "CONFIG_INVALID", value);
        assert.equal(error.location, "KREVEAL_CMP_TIMEOUT_SECONDS", value);
        return true;
      },
      value,
    );
  }
});

test("watchdog kills a hung stage's children", async () => {
  const records = tempDir("kreveal-watchdog-");
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "hung-stage.js");

  const started = Date.now();
  const result = spawnSync(process.execPath, [script, records], { encoding: "utf8", timeout: 30_000 });
  const elapsed = Date.now() - started;

  assert.equal(result.status, 1, result.stderr);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^kreveal: generate did not finish within 1 s \(KREVEAL_CMP_TIMEOUT_SECONDS\): placeholder resolution was still running \[TIMEOUT\]$/m);
  assert.ok(elapsed < 10_000, `the hung stage ran ${elapsed} ms`);
  for (const name of ["leader.pid", "member.pid"]) {
    const pid = Number(readFileSync(path.join(records, name), "utf8").trim());
    assert.ok(await waitForExit(pid, 5_000), `process ${name} (${pid}) still runs`);
  }
});
