import assert from "node:assert/strict";
import { test } from "node:test";

import { KrevealError } from "../../plugin/errors.js";
import { parseGodotenv } from "../../plugin/generators/ksops/godotenv.js";

/** Parses and returns the variables as a map, later keys winning, as KSOPS stores them. */
function parse(text: string): Record<string, string> {
  return Object.fromEntries(parseGodotenv(text, "test.env").map((variable) => [variable.key, variable.value]));
}

function parseError(text: string): KrevealError {
  try {
    parseGodotenv(text, "test.env");
  } catch (error) {
    assert.ok(error instanceof KrevealError);
    return error;
  }
  assert.fail("the parse succeeded");
}

test("godotenv: plain lines and separators", () => {
  assert.deepEqual(parse("A=1\nB=2"), { A: "1", B: "2" });
  assert.deepEqual(parse("  A = 1  \n"), { A: "1" });
  assert.deepEqual(parse("A: 1\nB:2\n"), { A: "1", B: "2" });
  assert.deepEqual(parse("A=b=c\n"), { A: "b=c" });
  assert.deepEqual(parse("A=\nB=\n"), { A: "", B: "" });
  assert.deepEqual(parse("A.b_C9=x\n"), { "A.b_C9": "x" });
});

test("godotenv: export prefix", () => {
  assert.deepEqual(parse("export A=1\nexport\tB=2\n"), { A: "1", B: "2" });
  assert.deepEqual(parse("exporter=1\n"), { exporter: "1" });
});

test("godotenv: comments and blank lines", () => {
  assert.deepEqual(parse("# first\n\n   # indented\nA=1\n\n"), { A: "1" });
  assert.deepEqual(parse("A=1 # note\n"), { A: "1" });
  assert.deepEqual(parse("A=1\t# note\n"), { A: "1" });
  assert.deepEqual(parse("A=1#not-a-comment\n"), { A: "1#not-a-comment" });
  assert.deepEqual(parse("A=#x\n"), { A: "#x" });
  // The search runs from the line end, so only the last ` #` starts the comment.
  assert.deepEqual(parse("A=a #b #c\n"), { A: "a #b" });
});

test("godotenv: single quotes are literal", () => {
  assert.deepEqual(parse("A='x y # z'\n"), { A: "x y # z" });
  assert.deepEqual(parse("B=1\nA='$B \\n'\n"), { A: "$B \\n", B: "1" });
});

test("godotenv: double quotes and escapes", () => {
  assert.deepEqual(parse('A="a\\nb\\rc"\n'), { A: "a\nb\rc" });
  assert.deepEqual(parse('A="a\\tb"\n'), { A: "atb" });
  assert.deepEqual(parse('A="q\\"x"\n'), { A: 'q"x' });
  assert.deepEqual(parse('A="two\nlines"\nB=2\n'), { A: "two\nlines", B: "2" });
  assert.deepEqual(parse('A="x" # note\nB=1\n'), { A: "x", B: "1" });
  assert.deepEqual(parse('A="back\\\\slash"\n'), { A: "back\\slash" });
  // godotenv trims every quote at the ends, so an escaped quote before the closing one is lost.
  assert.deepEqual(parse('A="x\\""\n'), { A: "x\\" });
});

test("godotenv: variable expansion", () => {
  assert.deepEqual(parse("A=x\nB=${A}y\nC=$A\nD=$UNKNOWN-z\n"), { A: "x", B: "xy", C: "x", D: "-z" });
  assert.deepEqual(parse('A=x\nB="$A ${A}"\n'), { A: "x", B: "x x" });
  assert.deepEqual(parse("A=x\nB=\\$A\n"), { A: "x", B: "$A" });
  assert.deepEqual(parse('A=x\nB="\\$A"\n'), { A: "x", B: "$A" });
  assert.deepEqual(parse("a=x\nB=$a\n"), { a: "x", B: "$a" });
  assert.deepEqual(parse("A=x\nB=$(A)\n"), { A: "x", B: "x)" });
  // Keys defined later are not visible yet, and the process environment is never read.
  process.env.KREVEAL_GODOTENV_TEST = "from-env";
  assert.deepEqual(parse("B=$A$KREVEAL_GODOTENV_TEST\nA=x\n"), { A: "x", B: "" });
});

test("godotenv: line endings and separators", () => {
  assert.deepEqual(parse("A=1\r\nB=2\r\n"), { A: "1", B: "2" });
  assert.deepEqual(parse("A=1\n---\nB=2\n"), { A: "1", B: "2" });
});

test("godotenv: later keys listed after earlier", () => {
  const variables = parseGodotenv("A=1\nB=2\nA=3\n", "test.env");
  assert.deepEqual(
    variables.map((variable) => [variable.key, variable.value, variable.line]),
    [
      ["A", "1", 1],
      ["B", "2", 2],
      ["A", "3", 3],
    ],
  );
});

test("godotenv: blanks inside a key are kept", () => {
  assert.deepEqual(parse("A B=1\n"), { "A B": "1" });
});

test("godotenv: errors name the line only", () => {
  const missing = parseError("A=1\nsecret-looking-text\n");
  assert.equal(missing.location, "test.env");
  assert.match(missing.message, /line 2 has a key with a character other than/);
  assert.doesNotMatch(missing.message, /secret-looking-text/);

  assert.match(parseError("A=1\nNOEQUALS\nB=2\n").message, /line 2 has no "=" or ":"/);
  assert.match(parseError("A=1\nLAST").message, /line 2 has no "=" or ":"/);
  assert.match(parseError('A="hunter2\n').message, /line 1 has a quoted value without its closing quote/);
  assert.doesNotMatch(parseError('A="hunter2\n').message, /hunter2/);
  assert.match(parseError("\uFEFFA=1\n").message, /line 1 has a key with a character other than/);
});
