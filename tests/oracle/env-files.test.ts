// Env files: kreveal's SecretGenerator against kustomize's built-in secretGenerator (kubectl's kustomize).
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { requireBundle, skipWithout } from "../e2e/support.js";
import { assertData, builtinSecret, assertHashedName, assertKrevealFailed, assertReferences, assertSameOutput, decodedData, runOracle } from "./oracle.js";

const skip = skipWithout("kubectl");

before(() => {
  if (skip === false) {
    requireBundle();
  }
});

const name = "app-secret";

/** Runs one env file through both generators and checks equal output, the hashed name and the references. */
function envCase(title: string, content: string | Uint8Array, expected: Record<string, string>): void {
  test(`env oracle: ${title}`, { skip }, () => {
    const result = runOracle({
      files: { "app.env": content },
      builtin: { name, envs: ["app.env"] },
      kreveal: { metadata: { name }, envs: ["app.env"] },
    });
    const resources = assertSameOutput(result);
    assertData(resources, expected);
    assertHashedName(resources, result, name);
    assertReferences(resources);
  });
}

envCase("plain pairs", "USER=admin\nPASSWORD=s3cret\n", { PASSWORD: "s3cret", USER: "admin" });

envCase("quotes kept", "DOUBLE=\"x y\"\nSINGLE='abc'\nMIXED=\"a'\nINNER=a\"b\"c\n", {
  DOUBLE: '"x y"',
  INNER: 'a"b"c',
  MIXED: "\"a'",
  SINGLE: "'abc'",
});

envCase("comments only at line start", "# a comment\n   # indented comment\n\t# tab-indented comment\nINLINE=v # kept\nHASH=#x\nMID=a#b\n", {
  HASH: "#x",
  INLINE: "v # kept",
  MID: "a#b",
});

envCase("equals signs in values", "URL=https://example.com/?a=b&c=d\nEQ==\nTWO=a==b\n", {
  EQ: "=",
  TWO: "a==b",
  URL: "https://example.com/?a=b&c=d",
});

envCase("empty values", "EMPTY=\nFLAG\n  INDENTED_EMPTY=\n", { EMPTY: "", FLAG: "", INDENTED_EMPTY: "" });

envCase("leading whitespace trimmed", "  A=1\n\tB= 2 \n\u00a0C=3\n\u3000D=4\n\v\fE=5\n", { A: "1", B: " 2 ", C: "3", D: "4", E: "5" });

envCase("UTF-8 BOM on line 1", "\ufeffA=1\nB=2\n", { A: "1", B: "2" });

envCase("CRLF line endings", "A=1\r\nB=2\r\nC=x\ry\r\nD=4\r", { A: "1", B: "2", C: "x\ry", D: "4" });

envCase("blank lines, no final newline", "\n\nA=1\n\n   \nB=2", { A: "1", B: "2" });

envCase("non-ASCII values", "GREETING=grüße ✓\nANGLE=<b&c>\n", { ANGLE: "<b&c>", GREETING: "grüße ✓" });

envCase("long value wrapped by kustomize", `LONG=${"x".repeat(200)}\nSHORT=y\n`, { LONG: "x".repeat(200), SHORT: "y" });

// kustomize's line scanner buffers 64 KiB including the `\n`, so 65535 bytes is the longest line both read.
envCase("longest readable line", `A=${"v".repeat(65533)}\nB=2\n`, { A: "v".repeat(65533), B: "2" });

test("env oracle: several env files", { skip }, () => {
  const result = runOracle({
    files: { "a.env": "A=1\n", "b.env": "B=2\n", "sub/c.env": "C=3\n" },
    builtin: { name, envs: ["a.env", "b.env", "sub/c.env"] },
    kreveal: { metadata: { name }, envs: ["a.env", "b.env", "sub/c.env"] },
  });
  const resources = assertSameOutput(result);
  assertData(resources, { A: "1", B: "2", C: "3" });
  assertHashedName(resources, result, name);
});

test("env oracle: duplicate key fails both", { skip }, () => {
  const result = runOracle({
    files: { "app.env": "A=first-value\nB=2\nA=second-value\n" },
    builtin: { name, envs: ["app.env"] },
    kreveal: { metadata: { name }, envs: ["app.env"] },
  });
  assert.notEqual(result.builtin.status, 0);
  assert.match(result.builtin.stderr, /illegally repeats the key `A`/);
  assertKrevealFailed(result.kreveal, [/envs\[0\] "app\.env" line 3: key "A" is already set by envs\[0\] "app\.env" line 1/], ["first-value", "second-value"]);
});

test("env oracle: invalid UTF-8 fails both", { skip }, () => {
  const result = runOracle({
    files: { "app.env": Buffer.from([...Buffer.from("OK=1\nBAD=hidden"), 0xff, 0x0a]) },
    builtin: { name, envs: ["app.env"] },
    kreveal: { metadata: { name }, envs: ["app.env"] },
  });
  assert.notEqual(result.builtin.status, 0);
  assert.match(result.builtin.stderr, /invalid utf8/);
  assertKrevealFailed(result.kreveal, [/envs\[0\] "app\.env": line 2 is not valid UTF-8/], ["hidden"]);
});

// The cases below differ on purpose. kustomize accepts keys that the Kubernetes API server
// rejects (IsConfigMapKey allows only letters, digits, '-', '_' and '.'), so the built-in's
// Secret would fail at apply time. kreveal fails at build time and names each key.

test("env oracle: export prefix rejected", { skip }, () => {
  const result = runOracle({
    files: { "app.env": "export BAR=1\n" },
    builtin: { name, envs: ["app.env"] },
    kreveal: { metadata: { name }, envs: ["app.env"] },
  });
  assert.deepEqual(Object.keys(decodedData(builtinSecret(result))), ["export BAR"]);
  assertKrevealFailed(result.kreveal, [/envs\[0\] "app\.env" line 1: invalid Secret key: key "export BAR" may contain only/]);
});

test("env oracle: spaces around equals rejected", { skip }, () => {
  const result = runOracle({
    files: { "app.env": "BAZ = q \n" },
    builtin: { name, envs: ["app.env"] },
    kreveal: { metadata: { name }, envs: ["app.env"] },
  });
  assert.deepEqual(decodedData(builtinSecret(result)), { "BAZ ": Buffer.from(" q ") });
  assertKrevealFailed(result.kreveal, [/envs\[0\] "app\.env" line 1: invalid Secret key: key "BAZ " may contain only/]);
});

test("env oracle: line without equals rejected", { skip }, () => {
  // A line without "=" becomes a key with an empty value in both. When that text is not a valid
  // key it may be a value pasted without its key, so kreveal's message leaves it out.
  const result = runOracle({
    files: { "app.env": "OK=1\npasted secret value\n" },
    builtin: { name, envs: ["app.env"] },
    kreveal: { metadata: { name }, envs: ["app.env"] },
  });
  assert.deepEqual(Object.keys(decodedData(builtinSecret(result))), ["OK", "pasted secret value"]);
  assertKrevealFailed(result.kreveal, [/envs\[0\] "app\.env" line 2: invalid Secret key: the line has no "="/], ["pasted secret value"]);
});

test("env oracle: line starting with equals rejected", { skip }, () => {
  // kustomize reads an empty key and skips the line, so the value is lost without a word.
  const result = runOracle({
    files: { "app.env": "A=1\n=orphan-value\n" },
    builtin: { name, envs: ["app.env"] },
    kreveal: { metadata: { name }, envs: ["app.env"] },
  });
  assert.deepEqual(decodedData(builtinSecret(result)), { A: Buffer.from("1") });
  assertKrevealFailed(result.kreveal, [/envs\[0\] "app\.env": line 2 starts with "=", so it has no key/], ["orphan-value"]);
});

test("env oracle: over-long line rejected", { skip }, () => {
  // kustomize's line scanner gives up on a line of 65536 bytes or more, and kustomize ignores the
  // scanner's error: that line and every line after it are silently dropped.
  const result = runOracle({
    files: { "app.env": `A=1\nLONG=${"v".repeat(65531)}\nB=2\n` },
    builtin: { name, envs: ["app.env"] },
    kreveal: { metadata: { name }, envs: ["app.env"] },
  });
  assert.deepEqual(decodedData(builtinSecret(result)), { A: Buffer.from("1") });
  assertKrevealFailed(result.kreveal, [/envs\[0\] "app\.env": line 2 is 65536 bytes long; the maximum is 65535/], ["vvvvvvvv"]);
});
