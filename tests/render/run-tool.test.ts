import assert from "node:assert/strict";
import { realpathSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { KrevealError } from "../../plugin/errors.js";
import { runTool } from "../../plugin/render/run-kustomize.js";
import { tempDir } from "../support/paths.js";
import { writeProgram } from "./support.js";

const env = { PATH: process.env.PATH ?? "" };

test("runTool: inputs piped at fd 3, 4", async () => {
  const bin = tempDir("kreveal-bin-");
  // The program opens each input by path, as helm --values /dev/fd/3 does, after a pause so that
  // kreveal has written and closed its end before the open.
  const program = writeProgram(bin, "reader", 'sleep 0.2\nfor fd in 3 4; do if [ -p /dev/fd/$fd ]; then echo pipe; fi; cat /dev/fd/$fd; echo; done\npwd\n');
  const cwd = realpathSync.native(tempDir("kreveal-cwd-"));

  const run = await runTool({ program, args: [], name: "reader" }, env, 10_000, { cwd, inputs: [Buffer.from("first input"), Buffer.from("second input")] });

  assert.equal(run.exitCode, 0, run.stderr.toString());
  assert.equal(run.stdout.toString(), `pipe\nfirst input\npipe\nsecond input\n${cwd}\n`);
});

test("runTool: arguments reach the program unchanged", async () => {
  const bin = tempDir("kreveal-bin-");
  const program = writeProgram(bin, "echo-args", 'printf "%s|" "$0" "$@"\ncat /dev/fd/3\n');
  const args = ["with space", "$HOME", "'quote'", "-x"];

  const run = await runTool({ program, args, name: "echo-args" }, env, 10_000, { inputs: [Buffer.from("input")] });

  assert.equal(run.exitCode, 0, run.stderr.toString());
  assert.equal(run.stdout.toString(), `${program}|with space|$HOME|'quote'|-x|input`);
});

test("runTool: child closing an input early", async () => {
  const bin = tempDir("kreveal-bin-");
  const program = writeProgram(bin, "early", "head -c 3 /dev/fd/3\nexit 4\n");
  const large = Buffer.alloc(4 * 1024 * 1024, "x");

  const run = await runTool({ program, args: [], name: "early" }, env, 10_000, { inputs: [large, large] });

  assert.equal(run.exitCode, 4);
  assert.equal(run.stdout.toString(), "xxx");
});

test("runTool: missing program is TOOL_FAILED", async () => {
  const emptyPath = { PATH: tempDir("kreveal-empty-bin-") };
  for (const inputs of [[], [Buffer.from("input")]]) {
    await assert.rejects(runTool({ program: "no-such-tool", args: [], name: "no-such-tool run" }, emptyPath, 10_000, { inputs, startFix: "Install it." }), (error) => {
      assert.ok(error instanceof KrevealError);
      assert.equal(error.code, "TOOL_FAILED");
      assert.match(error.message, /no-such-tool run could not be started \(ENOENT\)/);
      assert.equal(error.fix, "Install it.");
      return true;
    });
  }
});

test("runTool: absolute program path with inputs", async () => {
  const bin = tempDir("kreveal-bin-");
  writeProgram(bin, "tool", "cat /dev/fd/3\n");
  const run = await runTool({ program: path.join(bin, "tool"), args: [], name: "tool" }, { PATH: "/usr/bin:/bin" }, 10_000, { inputs: [Buffer.from("ok")] });
  assert.equal(run.exitCode, 0, run.stderr.toString());
  assert.equal(run.stdout.toString(), "ok");
});
