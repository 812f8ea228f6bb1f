import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KrevealError } from "../../../plugin/errors.js";
import { yamlStore } from "../../../plugin/sops/stores/yaml.js";
import { comment, mapping, pair, str, type Branch, type Value } from "../../../plugin/sops/tree.js";
import { at, ENC, fixture, keys, textAt } from "./helpers.js";

function parse(text: string): ReturnType<typeof yamlStore.parse> {
  return yamlStore.parse(Buffer.from(text), "test.yaml");
}

function emit(branches: Branch[]): string {
  return Buffer.from(yamlStore.emit(branches)).toString("utf8");
}

describe("YAML store parsing fixtures", () => {
  it("reads sops/example.yaml", () => {
    const { branches, metadata } = yamlStore.parse(fixture("sops/example.yaml"), "example.yaml");
    assert.equal(branches.length, 1);
    const branch = branches[0];
    assert.deepEqual(keys(branch), ["myapp1", "app2", "number", "an_array", "somebooleans", "this", "somelist_unencrypted", "nested_unencrypted"]);
    assert.match(textAt(branch, "app2.db.user") ?? "", ENC);
    assert.match(textAt(branch, "number") ?? "", /type:float\]$/);
    assert.equal(textAt(branch, "nested_unencrypted.this.is.all"), "going to remain in clear text");

    const db = at(branch, "app2.db");
    assert.ok(db?.kind === "map");
    const dbComment = db.items.at(2);
    assert.ok(dbComment?.kind === "comment");
    assert.match(dbComment.text, ENC);

    assert.ok(metadata);
    assert.equal(metadata.lastmodified, "2025-08-06T18:55:05Z");
    assert.match(String(metadata.mac), ENC);
    assert.equal(metadata.unencrypted_suffix, "_unencrypted");
    assert.equal(metadata.version, "3.10.2");
    const pgp = metadata.pgp as { fp: string; enc: string }[];
    assert.deepEqual(pgp.map((key) => key.fp), ["FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4", "D7229043384BCC60326C6FB9D8720D957C3D3074"]);
    assert.ok(pgp[0]?.enc.startsWith("-----BEGIN PGP MESSAGE-----\n\n"));
  });

  it("reads the age recipients and unencrypted_regex of ksops files", () => {
    const { branches, metadata } = yamlStore.parse(fixture("ksops/test/krm/single/secret.enc.yaml"), "secret.enc.yaml");
    assert.equal(metadata?.unencrypted_regex, "^(apiVersion|metadata|kind|type)$");
    assert.deepEqual(metadata.age, []);
    assert.equal(textAt(branches[0], "kind"), "Secret");
  });

  it("reads the age lists of sops 3.7.1 files", () => {
    const { metadata } = yamlStore.parse(fixture("sops/_history/pr-1031-0b07dfbc5/example.yaml"), "example.yaml");
    const age = metadata?.age as { recipient: string }[];
    assert.deepEqual(age.map((key) => key.recipient.slice(0, 10)), ["age1yt3tfq", "age1tmaae3"]);
  });

  it("reads literal-block ENC values and a numeric version", () => {
    const { branches, metadata } = yamlStore.parse(fixture("sops/config/test_resources/example.yaml"), "example.yaml");
    const values = JSON.stringify(branches);
    assert.ok(!values.includes("ENC[AES256_GCM,data:\\n"));
    assert.equal(typeof metadata?.version, "string");
    assert.ok(metadata?.attention !== undefined);
  });

  it("places comments of comments.enc.yaml at the top level", () => {
    const { branches } = yamlStore.parse(fixture("sops/functional-tests/res/comments.enc.yaml"), "comments.enc.yaml");
    const kinds = (branches[0]).items.map((item) => (item.kind === "pair" ? item.key : "#"));
    assert.deepEqual(kinds, ["#", "lorem", "#", "dolor"]);
  });

  it("reports no metadata for a plain file", () => {
    const { metadata, branches } = yamlStore.parse(fixture("sops/functional-tests/res/plainfile.yaml"), "plainfile.yaml");
    assert.equal(metadata, undefined);
    assert.equal(textAt(branches[0], "hello"), "world");
  });

  it("removes the sops key from every document", () => {
    const { branches, metadata } = parse("a: 1\nsops:\n    mac: x\n---\nb: 2\nsops: {}\n");
    assert.equal(metadata?.mac, "x");
    assert.deepEqual(branches.map(keys), [["a"], ["b"]]);
  });
});

describe("YAML store typing", () => {
  it("types plain scalars by yaml.v3 rules", () => {
    const { branches } = parse("i: 0x10\no: 0777\nb: True\ny: yes\nf: 1.0\nn: ~\nt: 2024-01-01\nq: '5'\nl: |\n  x\ns: !!str 12\nbin: !!binary aGVsbG8=\nbig: 9007199254740993\n");
    const branch = branches[0];
    const expect: [string, Value][] = [
      ["i", { kind: "int", value: 16n }],
      ["o", { kind: "int", value: 511n }],
      ["b", { kind: "bool", value: true }],
      ["y", str("yes")],
      ["f", { kind: "float", value: 1 }],
      ["n", { kind: "null" }],
      ["t", { kind: "time", value: "2024-01-01T00:00:00Z" }],
      ["q", str("5")],
      ["l", str("x\n")],
      ["s", str("12")],
      ["bin", str("hello")],
      ["big", { kind: "int", value: 9007199254740993n }],
    ];
    for (const [key, value] of expect) {
      assert.deepEqual(at(branch, key), value, key);
    }
  });

  it("expands aliases and keeps << as a key", () => {
    const { branches } = parse("base: &b {x: 1}\ncopy: *b\nmerged:\n  <<: *b\n");
    const branch = branches[0];
    assert.deepEqual(at(branch, "copy"), at(branch, "base"));
    assert.deepEqual(at(branch, "merged.<<"), at(branch, "base"));
  });

  it("keeps an empty document as an empty branch", () => {
    const { branches } = parse("a: 1\n---\n---\nb: 2\n");
    assert.deepEqual(branches.map(keys), [["a"], [], ["b"]]);
  });

  it("marks end-of-line comments inline", () => {
    const { branches } = parse("# head\na: 1 # line\nb:\n  - x # item\n");
    const items = (branches[0]).items;
    assert.deepEqual(items[0], comment(" head"));
    assert.deepEqual(items[1], comment(" line", true));
  });
});

describe("YAML store rejections", () => {
  const cases: [string, string][] = [
    ["top-level sequence", "- a\n- b\n"],
    ["top-level scalar", "hello\n"],
    ["duplicate key", "a: 1\na: 2\n"],
    ["nested duplicate key", "a:\n  b: 1\n  b: 2\n"],
    ["integer key", "1: one\n"],
    ["null key", "~: x\n"],
    ["syntax error", "a: [1, 2\n"],
    ["invalid UTF-8", "a: \u00ff"],
  ];
  for (const [name, text] of cases) {
    it(`rejects a ${name}`, () => {
      const bytes = name === "invalid UTF-8" ? Buffer.from([0x61, 0x3a, 0x20, 0xff]) : Buffer.from(text);
      assert.throws(() => yamlStore.parse(bytes, "bad.yaml"), (error: unknown) => error instanceof KrevealError && error.code === "INPUT_MALFORMED" && error.location === "bad.yaml");
    });
  }

  it("accepts duplicate keys after the first document", () => {
    assert.doesNotThrow(() => parse("a: 1\n---\nb: 1\nb: 2\n"));
  });
});

describe("YAML store output", () => {
  it("writes every scalar type as yaml.v3 does", () => {
    // Expected text produced by Go yaml.v3 3.0.1 with SetIndent(4) from the same tree.
    const first = mapping([
      comment(" head"),
      pair("big", { kind: "int", value: 9007199254740993n }),
      pair("neg", { kind: "int", value: -42n }),
      pair("ratio", { kind: "float", value: 25.4 }),
      pair("large", { kind: "float", value: 1234568000 }),
      pair("whole", { kind: "float", value: 2 }),
      pair("inf", { kind: "float", value: Infinity }),
      pair("flag", { kind: "bool", value: true }),
      pair("when", { kind: "time", value: "2024-01-01T10:20:30.5Z" }),
      pair("nothing", { kind: "null" }),
      pair("empty", str("")),
      pair("words", { kind: "seq", items: ["y", "Yes", "off", "true", "1:20", "0777", "~", " padded ", "plain text"].map(str) }),
      comment("inline", true),
      pair("multi", str("line one\nline two\n")),
      pair("nochomp", str("a\nb")),
      pair("nested", mapping([pair("deep", { kind: "seq", items: [mapping([pair("x", { kind: "int", value: 1n })])] }), comment(" foot")])),
      pair("emoji", str("😀")),
    ]);
    const expected = [
      "# head",
      "big: 9007199254740993",
      "neg: -42",
      "ratio: 25.4",
      "large: 1.234568e+09",
      "whole: 2",
      "inf: .inf",
      "flag: true",
      "when: 2024-01-01T10:20:30.5Z",
      "nothing: null",
      'empty: ""',
      "words:",
      '    - "y"',
      '    - "Yes"',
      '    - "off"',
      '    - "true"',
      '    - "1:20"',
      '    - "0777"',
      '    - "~"',
      "    - ' padded '",
      "    - plain text",
      "multi: | #inline",
      "    line one",
      "    line two",
      "nochomp: |-",
      "    a",
      "    b",
      "nested:",
      "    deep:",
      "        - x: 1",
      "    # foot",
      'emoji: "\\U0001F600"',
      "---",
      "second: doc",
      "",
    ].join("\n");
    assert.equal(emit([first, mapping([pair("second", str("doc"))])]), expected);
  });

  it("writes format.enc.yaml's plaintext as sops does", () => {
    assert.equal(emit([mapping([pair("foo", str("bar"))])]), "foo: bar\n");
  });

  it("writes comments.yaml back with its comments", () => {
    const { branches } = yamlStore.parse(fixture("sops/functional-tests/res/comments.yaml"), "comments.yaml");
    const expected = `${fixture("sops/functional-tests/res/comments.yaml").toString("utf8").trimEnd()}\n`;
    assert.equal(emit(branches), expected);
  });

  it("writes an empty branch as {}", () => {
    assert.equal(emit([mapping()]), "{}\n");
  });

  it("drops the newline that starts a literal block, as yaml.v3 does", () => {
    assert.equal(emit([mapping([pair("k", str("\nlead"))])]), "k: |-\n    lead\n");
  });
});
