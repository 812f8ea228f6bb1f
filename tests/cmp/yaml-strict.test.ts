import assert from "node:assert/strict";
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { parseAllDocuments } from "yaml";

import { checkKustomizationTree } from "../../plugin/cmp/kustomize-guard.js";
import { checkYamlKeys, checkYamlText, decodeUtf8 } from "../../plugin/cmp/yaml-strict.js";
import { KrevealError, KrevealErrors } from "../../plugin/errors.js";
import { pluginHome } from "../e2e/support.js";
import { tempDir } from "../support/paths.js";

/** Runs checkYamlText and returns its error, or undefined when the text passes. */
function textProblem(text: string): KrevealError | undefined {
  try {
    checkYamlText(text, "k.yaml");
    return undefined;
  } catch (error) {
    assert.ok(error instanceof KrevealError, String(error));
    return error;
  }
}

function assertRejected(text: string, message: RegExp): void {
  const problem = textProblem(text);
  assert.ok(problem !== undefined, `${JSON.stringify(text)} passed`);
  assert.equal(problem.code, "CONFIG_INVALID");
  assert.equal(problem.location, "k.yaml");
  assert.match(problem.message, message);
  assert.ok(problem.fix !== undefined);
  assert.notEqual(problem.fix, "");
}

test("hidden line breaks are rejected", () => {
  for (const [character, name] of [
    ["\u0085", "U\\+0085 \\(NEXT LINE\\)"],
    ["\u2028", "U\\+2028 \\(LINE SEPARATOR\\)"],
    ["\u2029", "U\\+2029 \\(PARAGRAPH SEPARATOR\\)"],
  ]) {
    assertRejected(`resources: [cm.yaml]\n# see docs${character}generators: [notes.yaml]\n`, new RegExp(`${name} at line 2, column 11, which kustomize reads as a line break`));
  }
});

test("byte-order marks are rejected", () => {
  assertRejected("\ufeffresources: [cm.yaml]\n", /byte-order mark \(U\+FEFF\) at line 1, column 1/);
  assertRejected("resources: [cm.yaml]\n\ufeffnamePrefix: x-\n", /byte-order mark \(U\+FEFF\) at line 2, column 1/);
});

test("control characters are rejected", () => {
  const cases: [string, string][] = [
    ["\u0000", "U+0000"],
    ["\u0001", "U+0001"],
    ["\u000b", "U+000B"],
    ["\u000c", "U+000C"],
    ["\u001b", "U+001B"],
    ["\u007f", "U+007F"],
    ["\u0080", "U+0080"],
    ["\u009f", "U+009F"],
    ["\ufffe", "U+FFFE"],
    ["\uffff", "U+FFFF"],
    ["\ud800", "U+D800"],
  ];
  for (const [character, code] of cases) {
    const problem = textProblem(`kind: Label${character}Transformer\n`);
    assert.ok(problem !== undefined, `${code} passed`);
    assert.ok(problem.message.includes(`${code} at line 1, column 12`), problem.message);
  }
});

test("lone carriage return is rejected", () => {
  assertRejected("resources: [cm.yaml] # c\rnamePrefix: x-\n", /carriage return \(U\+000D\) without a line feed after it at line 1, column 25/);
  assertRejected("a: 1\r", /carriage return/);
});

test("invalid UTF-8 names the position", () => {
  const bad: [number[], string][] = [
    [[0xff], "line 2, column 4"],
    [[0xc3], "line 2, column 4"],
    [[0xc0, 0x80], "line 2, column 4"],
    [[0xed, 0xa0, 0x80], "line 2, column 4"],
  ];
  for (const [bytes, position] of bad) {
    const file = Uint8Array.from([...Buffer.from("a: 1\nb: "), ...bytes, 0x0a]);
    assert.throws(
      () => decodeUtf8(file, "k.yaml"),
      (error: unknown) => {
        assert.ok(error instanceof KrevealError, String(error));
        assert.equal(error.code, "CONFIG_INVALID");
        assert.ok(error.message.includes(position), `${error.message} does not name ${position}`);
        assert.equal(error.location, "k.yaml");
        return true;
      },
      `${bytes.join(",")} was accepted`,
    );
  }
  assert.equal(decodeUtf8(Buffer.from("name: é ✓ 😀\n"), "k.yaml"), "name: é ✓ 😀\n");
  assert.equal(decodeUtf8(Buffer.from("\ufeffa: 1\n"), "k.yaml"), "\ufeffa: 1\n");
});

test("UTF-16 files are rejected", () => {
  const text = "resources: [cm.yaml]\n";
  const withMark = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
  assert.throws(() => decodeUtf8(withMark, "k.yaml"), /not valid UTF-8/);
  const withoutMark = decodeUtf8(Buffer.from(text, "utf16le"), "k.yaml");
  assertRejected(withoutMark, /U\+0000 at line 1, column 2/);
});

test("risky YAML constructs are rejected", () => {
  const cases: [string, RegExp][] = [
    ["%YAML 1.1\n---\nkind: K\n", /directive .* at line 1, column 1/],
    ["%TAG ! tag:x,2000:\n---\nkind: K\n", /directive/],
    ["kind: K\n%FOO bar\n", /directive .* at line 2, column 1/],
    ["kind: !!str K\n", /tag \(!\) at line 1, column 7/],
    ["kind: !x K\n", /tag \(!\)/],
    ["--- !x\nkind: K\n", /tag \(!\)/],
    ["kind: &k K\n", /anchor \(&\) at line 1, column 7/],
    ["kind: K\nother: *k\n", /alias \(\*\) at line 2, column 8/],
    ["generators: [*g]\n", /alias/],
    ["? kind\n: K\n", /explicit YAML key \(\?\) at line 1, column 1/],
    ["{? kind : K}\n", /explicit YAML key/],
    ["kind: K\n...\n", /document end marker \(\.\.\.\) at line 2, column 1/],
    ["a:\n\tb: 1\n", /tab .* at line 2, column 1/],
    ["kind:\tK\n", /tab .* at line 1, column 6/],
    ["resources:\n-\tcm.yaml\n", /tab .* at line 2, column 2/],
    ["kind: K\t# note\n", /tab/],
    ["note: some\n \ttext\n", /tab .* at line 2, column 2/],
  ];
  for (const [text, message] of cases) {
    assertRejected(text, message);
  }
});

test("ordinary kustomizations pass", () => {
  const texts = [
    "",
    "# only a comment\n",
    "resources:\r\n- cm.yaml\r\n# a comment, with & * ! ? % and a\ttab\r\n",
    "resources: ['https://github.com/x/y//base?ref=v1&depth=1', \"quoted & *star !bang %pct\"]\n",
    "namePrefix: x-  # trailing comment\nnameSuffix: \"-\\u2028\"\n",
    "patches:\n- patch: |\n    - op: add\n    \tpath: /x\n  target: {kind: Deployment}\n",
    "configMapGenerator:\n- name: c\n  literals: [greeting=héllo ✓ 😀, \"k=v\\tw\"]\n",
    "apiVersion: builtin\nkind: LabelTransformer\n---\napiVersion: builtin\nkind: LabelTransformer\n",
    "description: >\n  folded text\n  on two lines\nlist: [a, b, {c: d}]\n",
    "a: \"line one\n  line two\"\n",
  ];
  for (const text of texts) {
    assert.equal(textProblem(text)?.message, undefined, JSON.stringify(text));
  }
});

test("list and map keys are rejected", () => {
  for (const text of ["[a, b]: c\n", "x: {{a: 1}: b}\n"]) {
    const documents = parseAllDocuments(text);
    assert.throws(() => checkYamlKeys(documents, text, "k.yaml"), /list or map as a map key at line/, text);
  }
  const plain = "a: 1\n'b': {c: [d]}\n";
  assert.doesNotThrow(() => checkYamlKeys(parseAllDocuments(plain), plain, "k.yaml"));
});

/** Writes `files` into a new repository and returns the guard's problems for apps/x. */
function guardProblems(files: Record<string, string>): KrevealError[] {
  const root = realpathSync(tempDir("kreveal-strict-"));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  try {
    checkKustomizationTree({ appDir: path.join(root, "apps/x"), repoRoot: root, pluginHome, enableExec: false, allowRemoteBases: false });
    return [];
  } catch (error) {
    return error instanceof KrevealErrors ? [...error.errors] : [error as KrevealError];
  }
}

const hiddenKind = "apiVersion: builtin\n# a\u2028kind: ../../bin/sh\u2028metadata: {name: x}\u2028z: \"\nkind: LabelTransformer\n# b\u2028\"\n";
const labels = "apiVersion: builtin\nkind: LabelTransformer\nmetadata: {name: l}\nlabels: {a: b}\n";

test("guard checks every file it reads", () => {
  const cases: [Record<string, string>, string, RegExp][] = [
    [{ "apps/x/Kustomization": "resources: []\n# x\u2028generators: [g.yaml]\n" }, "apps/x/Kustomization", /U\+2028 \(LINE SEPARATOR\) at line 2, column 4/],
    [{ "apps/x/kustomization.yml": "resources: []\r# x\n" }, "apps/x/kustomization.yml", /carriage return/],
    [{ "apps/x/kustomization.yaml": "resources: [base]\n", "apps/x/base/kustomization.yaml": "\ufeffresources: []\n" }, "apps/x/base/kustomization.yaml", /byte-order mark/],
    [{ "apps/x/kustomization.yaml": "generators: [gen.yaml]\n", "apps/x/gen.yaml": hiddenKind }, "apps/x/gen.yaml", /U\+2028 \(LINE SEPARATOR\) at line 2, column 4/],
    [{ "apps/x/kustomization.yaml": "generators: [configs]\n", "apps/x/configs/kustomization.yaml": "resources: [gen.yaml]\n", "apps/x/configs/gen.yaml": hiddenKind }, "apps/x/configs/gen.yaml", /U\+2028/],
    [{ "apps/x/kustomization.yaml": 'generators: ["apiVersion: builtin\\u2028kind: ../../bin/sh"]\n' }, "apps/x/kustomization.yaml: generators[0]", /the entry contains U\+2028 \(LINE SEPARATOR\) at line 1, column 20/],
    [{ "apps/x/kustomization.yaml": "generators:\n- |\n  apiVersion: !!str builtin\n  kind: LabelTransformer\n" }, "apps/x/kustomization.yaml: generators[0]", /the entry uses a YAML tag/],
  ];
  for (const [files, location, message] of cases) {
    const found = guardProblems(files);
    assert.equal(found.length, 1, `${location}: ${found.map((problem) => problem.describe()).join("\n")}`);
    assert.equal(found[0]?.code, "CONFIG_INVALID");
    assert.equal(found[0]?.location, location);
    assert.match(found[0]?.message ?? "", message);
  }
});

test("guard passes clean CRLF files", () => {
  const files = { "apps/x/kustomization.yaml": "# labels\r\ntransformers:\r\n- labels.yaml\r\n", "apps/x/labels.yaml": labels.replace(/\n/g, "\r\n") };
  assert.deepEqual(guardProblems(files), []);
});
