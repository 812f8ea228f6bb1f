// Literals and files: kreveal's SecretGenerator against kustomize's built-in secretGenerator (kubectl's kustomize).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { before, test } from "node:test";

import { ksopsKey, parseStream, requireBundle, skipWithout } from "../e2e/support.js";
import { fixture } from "../support/paths.js";
import { assertData, assertHashedName, assertKrevealFailed, assertReferences, assertSameOutput, builtinSecret, decodedData, runOracle, type OracleCase } from "./oracle.js";

const skip = skipWithout("kubectl");

before(() => {
  if (skip === false) {
    requireBundle();
  }
});

const name = "app-secret";

/** Runs the same sources through both generators and checks equal output, the hashed name and the references. */
function sourceCase(title: string, sources: Record<string, unknown>, files: OracleCase["files"], expected: Record<string, string | Uint8Array>): void {
  test(`source oracle: ${title}`, { skip }, () => {
    const result = runOracle({ files, builtin: { name, ...sources }, kreveal: { metadata: { name }, ...sources } });
    const resources = assertSameOutput(result);
    assertData(resources, expected);
    assertHashedName(resources, result, name);
    assertReferences(resources);
  });
}

sourceCase(
  "literals with quotes",
  { literals: ["SINGLE='abc'", 'DOUBLE="d e"', "MIXED='x\"", 'LONE="', "EMPTY=", 'EMPTY_QUOTED=""', "DOUBLED='it''s'", "EQ=a=b"] },
  {},
  { DOUBLE: "d e", DOUBLED: "it''s", EMPTY: "", EMPTY_QUOTED: "", EQ: "a=b", LONE: '"', MIXED: "'x\"", SINGLE: "abc" },
);

sourceCase("literals with newlines and symbols", { literals: ["MULTI=line1\nline2\n", "ANGLE=<vault:kv/app#x>", "UNICODE=grüße ✓"] }, {}, {
  ANGLE: "<vault:kv/app#x>",
  MULTI: "line1\nline2\n",
  UNICODE: "grüße ✓",
});

sourceCase("files keyed by basename", { files: ["config/app.json", "tls.crt"] }, { "config/app.json": '{"debug": false}\n', "tls.crt": "CERT\n" }, {
  "app.json": '{"debug": false}\n',
  "tls.crt": "CERT\n",
});

sourceCase(
  "files with key=path",
  { files: ["settings=config/app.json", "ca.pem=certs/ca.crt"] },
  { "config/app.json": "{}\n", "certs/ca.crt": "CA\r\nLINE\r\n" },
  { "ca.pem": "CA\r\nLINE\r\n", settings: "{}\n" },
);

const everyByte = Uint8Array.from({ length: 256 }, (_, index) => index);
const shortBinary = Uint8Array.from([0, 255, 128, 10, 13, 0xc3]);
sourceCase("binary files byte for byte", { files: ["all.bin", "short.bin", "empty.bin"] }, { "all.bin": everyByte, "short.bin": shortBinary, "empty.bin": "" }, {
  "all.bin": everyByte,
  "empty.bin": "",
  "short.bin": shortBinary,
});

// kustomize breaks base64 of 70 characters or more into lines of 70, each ending in "\n", and
// hashes that text. 51 bytes encode to 68 characters, 52 to 72, 105 to exactly 140 (two lines).
const lengths = [51, 52, 105, 106, 1000];
sourceCase(
  "base64 line-break boundaries",
  { literals: lengths.map((length) => `L${length}=${"z".repeat(length)}`), files: ["big.txt"] },
  { "big.txt": "q".repeat(5000) },
  { ...Object.fromEntries(lengths.map((length) => [`L${length}`, "z".repeat(length)])), "big.txt": "q".repeat(5000) },
);

sourceCase(
  "envs, literals and files together",
  { envs: ["app.env"], literals: ["FROM_LITERAL=2"], files: ["from-file.txt"] },
  { "app.env": "FROM_ENV=1\n", "from-file.txt": "3" },
  { FROM_ENV: "1", FROM_LITERAL: "2", "from-file.txt": "3" },
);

test("source oracle: SOPS inputs equal plaintext", { skip }, () => {
  // kreveal reads SOPS-encrypted copies of the files that the built-in reads in plaintext.
  const result = runOracle({
    files: { "settings.yaml": "username: admin\npassword: 1f2d1e2e67df\n", "secret.env": "password=1f2d1e2e67df\nusername=admin\n" },
    builtin: { name, files: ["settings.yaml"], envs: ["secret.env"] },
    kreveal: { metadata: { name }, files: ["settings.yaml=secret.enc.yaml"], envs: ["secret.enc.env"] },
    env: { KREVEAL_PGP_KEY_FILE: ksopsKey },
    krevealFiles: {
      "secret.enc.yaml": readFileSync(fixture("ksops/test/krm/file/secret.enc.yaml")),
      "secret.enc.env": readFileSync(fixture("ksops/test/krm/envs/secret.enc.env")),
    },
  });
  const resources = assertSameOutput(result);
  assertData(resources, { password: "1f2d1e2e67df", "settings.yaml": "username: admin\npassword: 1f2d1e2e67df\n", username: "admin" });
  assertHashedName(resources, result, name);
});

test("source oracle: duplicate key across sources fails both", { skip }, () => {
  const result = runOracle({
    files: { "app.env": "A=env-value\n", A: "file-value" },
    builtin: { name, envs: ["app.env"], literals: ["A=literal-value"], files: ["A"] },
    kreveal: { metadata: { name }, envs: ["app.env"], literals: ["A=literal-value"], files: ["A"] },
  });
  assert.notEqual(result.builtin.status, 0);
  assert.match(result.builtin.stderr, /illegally repeats the key `A`/);
  assertKrevealFailed(
    result.kreveal,
    [/literals\[0\]: key "A" is already set by envs\[0\] "app\.env" line 1/, /files\[0\] "A": key "A" is already set by envs\[0\] "app\.env" line 1/],
    ["env-value", "literal-value", "file-value"],
  );
});

test("source oracle: malformed entries fail both", { skip }, () => {
  for (const [field, entry, builtinMessage, krevealMessage] of [
    ["literals", "NO_SEPARATOR", /invalid literal source/, /literals\[0\]: must be KEY=VALUE with a non-empty KEY/],
    ["literals", "=no-key", /invalid literal source/, /literals\[0\]: must be KEY=VALUE with a non-empty KEY/],
    ["files", "=a.txt", /missing key name/, /files\[0\]: "=a\.txt" has no key before "="/],
    ["files", "k=", /missing file path/, /files\[0\]: "k=" has no path after "="/],
    ["files", "a=b=c", /contains '='/, /files\[0\]: "a=b=c" has more than one "="/],
    ["files", "missing.txt", /missing\.txt/, /files\[0\] "missing\.txt": no such file/],
  ] as const) {
    const result = runOracle({ builtin: { name, [field]: [entry] }, kreveal: { metadata: { name }, [field]: [entry] } });
    assert.notEqual(result.builtin.status, 0, `built-in accepted ${field}: ${entry}`);
    assert.match(result.builtin.stderr, builtinMessage);
    assertKrevealFailed(result.kreveal, [krevealMessage]);
  }
});

// The cases below differ on purpose. The Kubernetes API server accepts only Secret keys made of
// letters, digits, '-', '_' and '.', and rejects ".", ".." and keys starting with "..". kustomize
// does not check keys, so the built-in's Secret would fail at apply time. kreveal fails at build
// time and names the key.

test("source oracle: invalid literal keys rejected", { skip }, () => {
  const literals = ["a b=1", "c/d=2", "..x=3", ".=4"];
  const result = runOracle({ builtin: { name, literals }, kreveal: { metadata: { name }, literals } });
  assert.deepEqual(Object.keys(decodedData(builtinSecret(result))).sort(), [".", "..x", "a b", "c/d"]);
  assertKrevealFailed(result.kreveal, [
    /literals\[0\]: invalid Secret key: key "a b" may contain only/,
    /literals\[1\]: invalid Secret key: key "c\/d" may contain only/,
    /literals\[2\]: invalid Secret key: key "\.\.x" must not be/,
    /literals\[3\]: invalid Secret key: key "\." must not be/,
  ]);
});

test("source oracle: invalid file key rejected", { skip }, () => {
  const result = runOracle({ files: { "my file.txt": "x" }, builtin: { name, files: ["my file.txt"] }, kreveal: { metadata: { name }, files: ["my file.txt"] } });
  assert.deepEqual(Object.keys(decodedData(builtinSecret(result))), ["my file.txt"]);
  assertKrevealFailed(result.kreveal, [/files\[0\] "my file\.txt": invalid Secret key: key "my file\.txt" may contain only/]);
});

test("source oracle: files beside the kustomization folder", { skip }, () => {
  // kustomize's load restrictor keeps the built-in inside the kustomization folder. kreveal reads
  // any path inside the repository (the folder with .git), so shared files can live in one place.
  const result = runOracle({
    repoFiles: { "shared/ca.crt": "CA\n" },
    builtin: { name, files: ["../shared/ca.crt"] },
    kreveal: { metadata: { name }, files: ["../shared/ca.crt"] },
  });
  assert.notEqual(result.builtin.status, 0);
  assert.match(result.builtin.stderr, /security; file .* is not in or below/);
  assert.equal(result.kreveal.status, 0, result.kreveal.stderr);
  assertData(parseStream(result.kreveal.stdout), { "ca.crt": "CA\n" });
});
