import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { needsQuotes, readsBackAsString, resolvePlainScalar } from "../../../plugin/formats/yaml-scalars.js";

// Expected types and values are what Go yaml.v3 3.0.1 decodes into interface{}.
const RESOLVED: [string, string, string | number | boolean | null][] = [
  ["0x10", "int", "16"],
  ["0o17", "int", "15"],
  ["0777", "int", "511"],
  ["08", "float", 8],
  ["1_000", "int", "1000"],
  ["+5", "int", "5"],
  ["-0b101", "int", "-5"],
  ["0x_1F", "int", "31"],
  ["9223372036854775807", "int", "9223372036854775807"],
  ["9223372036854775808", "int", "9223372036854775808"],
  ["18446744073709551616", "float", 18446744073709551616],
  ["-9223372036854775809", "float", -9223372036854775808],
  ["1e3", "float", 1000],
  ["1.", "float", 1],
  ["+.5", "float", 0.5],
  [".5", "float", 0.5],
  [".inf", "float", Infinity],
  ["-.Inf", "float", -Infinity],
  ["yes", "str", "yes"],
  ["on", "str", "on"],
  ["True", "bool", true],
  ["TRUE", "bool", true],
  ["tRue", "str", "tRue"],
  ["~", "null", null],
  ["Null", "null", null],
  ["", "null", null],
  ["2024-01-01", "time", "2024-01-01T00:00:00Z"],
  ["2024-02-30", "str", "2024-02-30"],
  ["<<", "str", "<<"],
  ["1:20", "str", "1:20"],
  ["._5", "str", "._5"],
];

describe("yaml.v3 plain scalar typing", () => {
  for (const [text, kind, expected] of RESOLVED) {
    it(`types ${JSON.stringify(text)} as ${kind}`, () => {
      const resolved = resolvePlainScalar(text);
      assert.equal(resolved.kind, kind);
      if (resolved.kind === "int") {
        assert.equal(resolved.value.toString(), expected);
      } else if (resolved.kind !== "null") {
        assert.equal(resolved.value, expected);
      }
    });
  }

  it("reads NaN", () => {
    const resolved = resolvePlainScalar(".NaN");
    assert.ok(resolved.kind === "float");
    assert.ok(Number.isNaN(resolved.value));
  });

  it("treats YAML 1.1 words as needing quotes on output", () => {
    for (const word of ["y", "Y", "yes", "No", "on", "OFF", "1:20"]) {
      assert.equal(readsBackAsString(word), false, word);
    }
    assert.equal(readsBackAsString("hello"), true);
  });
});

describe("needsQuotes", () => {
  const quoted = ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "on", "off", "true", "False", "~", "null", "NULL", "0123", "0x1f", "1e3", "1_000", ".5", "1:20", "2024-01-01", "+1", "-.inf", ".NaN", "", " a", "a ", "- a", "#x", "a: b", "a #b", "[x", "{x", "*ref", "&anchor", "!tag", "|", ">", "'q", '"q', "%x", "@x", "`x", "---", "a\nb", "tab\there", "\u2028", "12", "-5", "3.14"];
  for (const text of quoted) {
    it(`quotes ${JSON.stringify(text)}`, () => {
      assert.equal(needsQuotes(text), true);
    });
  }

  const plain = ["hello", "a b", "kustomize-sops", "a#b", "a:b", "é", "ENC[AES256_GCM,data:x,type:str]", "v1", "my-secret", "https://example.com/x"];
  for (const text of plain) {
    it(`leaves ${JSON.stringify(text)} plain`, () => {
      assert.equal(needsQuotes(text), false);
    });
  }
});
