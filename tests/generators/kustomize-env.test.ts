import assert from "node:assert/strict";
import { test } from "node:test";

import { KrevealError } from "../../plugin/errors.js";
import { parseKustomizeEnv } from "../../plugin/generators/kustomize-env.js";

function parse(text: string | Uint8Array): [string, string][] {
  const bytes = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  return parseKustomizeEnv(bytes, "test.env").map((pair) => [pair.key, pair.value]);
}

test("env file: kustomize v5 cases", () => {
  // The cases checked against kubectl v5.5.0's built-in secretGenerator.
  const text = ["FOO", "export BAR=1", "BAZ = q ", 'Q="x y"', "C=v # c", "E=", "   # indented comment", ""].join("\n");
  assert.deepEqual(parse(text), [
    ["FOO", ""],
    ["export BAR", "1"],
    ["BAZ ", " q "],
    ["Q", '"x y"'],
    ["C", "v # c"],
    ["E", ""],
  ]);
});

test("env file: split at the first equals sign", () => {
  assert.deepEqual(parse("URL=https://example.com/?a=b=c\n"), [["URL", "https://example.com/?a=b=c"]]);
});

test("env file: leading whitespace trimmed", () => {
  assert.deepEqual(parse("  \tA=1\n\u00a0B=2\n\u3000C=3\n"), [
    ["A", "1"],
    ["B", "2"],
    ["C", "3"],
  ]);
});

test("env file: BOM stripped on line 1 only", () => {
  assert.deepEqual(parse("\ufeffA=1\n\ufeffB=2\n"), [
    ["A", "1"],
    ["\ufeffB", "2"],
  ]);
});

test("env file: CR before LF dropped", () => {
  assert.deepEqual(parse("A=1\r\nB=2\r\nC=3\r"), [
    ["A", "1"],
    ["B", "2"],
    ["C", "3"],
  ]);
});

test("env file: CR inside a line kept", () => {
  assert.deepEqual(parse("A=1\r2\n"), [["A", "1\r2"]]);
});

test("env file: blank and comment lines skipped", () => {
  assert.deepEqual(parse("\n\n# A=1\n   \nB=2"), [["B", "2"]]);
});

test("env file: line numbers", () => {
  const pairs = parseKustomizeEnv(Buffer.from("# c\n\nA=1\nB\n"), "test.env");
  assert.deepEqual(
    pairs.map((pair) => [pair.key, pair.line, pair.keyIsWholeLine]),
    [
      ["A", 3, false],
      ["B", 4, true],
    ],
  );
});

test("env file: empty key rejected", () => {
  assert.throws(
    () => parse("A=1\n=secret-value\n"),
    (error: unknown) => {
      assert.ok(error instanceof KrevealError);
      assert.equal(error.code, "CONFIG_INVALID");
      assert.match(error.message, /line 2/);
      assert.doesNotMatch(error.describe(), /secret-value/);
      return true;
    },
  );
});

test("env file: invalid UTF-8 rejected", () => {
  assert.throws(
    () => parse(Buffer.from([0x41, 0x3d, 0xff, 0x0a])),
    (error: unknown) => error instanceof KrevealError && /line 1 is not valid UTF-8/.test(error.message),
  );
});

test("env file: longest line kustomize reads", () => {
  const value = "v".repeat(65533);
  assert.deepEqual(parse(`A=${value}\nB=2`), [
    ["A", value],
    ["B", "2"],
  ]);
  assert.deepEqual(parse(`A=${"v".repeat(65532)}\r\n`), [["A", "v".repeat(65532)]]);
});

test("env file: longer line rejected", () => {
  // kustomize v5.5 silently drops such a line and every line after it.
  for (const [text, length] of [
    [`A=1\nB=${"v".repeat(65534)}\nC=3\n`, 65536],
    [`A=1\nB=${"v".repeat(65533)}\r\n`, 65536],
    [`A=1\nB=${"v".repeat(65534)}`, 65536],
  ] as const) {
    assert.throws(
      () => parse(text),
      (error: unknown) => {
        assert.ok(error instanceof KrevealError);
        assert.equal(error.code, "CONFIG_INVALID");
        assert.equal(error.message, `line 2 is ${length} bytes long; the maximum is 65535`);
        assert.doesNotMatch(error.describe(), /vvvv/);
        return true;
      },
    );
  }
});
