import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";

import { applyModifiers, parseModifiers } from "../../plugin/placeholders/modifiers.js";

function apply(value: unknown, ...fields: string[]): unknown {
  return applyModifiers(value, parseModifiers(fields, "<test>", "test"), "<test>");
}

describe("placeholder modifiers", () => {
  it("base64encode encodes UTF-8 text", () => {
    assert.equal(apply("pä ss", "base64encode"), Buffer.from("pä ss", "utf8").toString("base64"));
  });

  it("base64decode decodes", () => {
    assert.equal(apply("aGVsbG8=", "base64decode"), "hello");
  });

  it("base64decode rejects invalid base64", () => {
    assert.throws(() => apply("not base64!", "base64decode"), /base64decode found a value that is not valid base64/);
  });

  it("base64encode rejects a number", () => {
    assert.throws(() => apply(5, "base64encode"), /expects a string but the value is a number/);
  });

  it("jsonParse gives native values", () => {
    assert.deepEqual(apply('{"a":[1,2]}', "jsonParse"), { a: [1, 2] });
    assert.equal(apply("3", "jsonParse"), 3);
  });

  it("jsonParse error does not quote the value", () => {
    assert.throws(() => apply("s3cr3t{", "jsonParse"), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.doesNotMatch(error.message, /s3cr3t/);
      return true;
    });
  });

  it("yamlParse reads YAML", () => {
    assert.deepEqual(apply("a:\n  b: c\n", "yamlParse"), { a: { b: "c" } });
  });

  it("jsonPath follows keys and indexes", () => {
    const value = JSON.stringify({ credentials: { users: [{ name: "a" }, { name: "b" }] }, port: 80 });
    assert.equal(apply(value, "jsonPath {.credentials.users[1].name}"), "b");
    assert.equal(apply(value, "jsonPath .port"), "80");
    assert.equal(apply(value, "jsonPath $.credentials['users'][0]"), '{"name":"a"}');
  });

  it("jsonPath on a parsed object", () => {
    assert.equal(apply("key1: v1\n", "yamlParse", "jsonPath {.key1}", "base64encode"), Buffer.from("v1").toString("base64"));
  });

  it("jsonPath fails when nothing is found", () => {
    assert.throws(() => apply('{"a":1}', "jsonPath {.b}"), /found nothing/);
  });

  it("indent keeps relative indentation", () => {
    assert.equal(apply("a:\n  b: 1\n\nc: 2", "indent 4"), "a:\n      b: 1\n\n    c: 2");
  });

  it("sha256sum gives hex", () => {
    assert.equal(apply("abc", "sha256sum"), createHash("sha256").update("abc").digest("hex"));
  });

  it("default fills a missing value", () => {
    assert.equal(apply(undefined, "default none"), "none");
  });

  it("default runs the later modifiers", () => {
    assert.equal(apply(undefined, "base64decode", "default x", "base64encode"), "eA==");
  });

  it("default leaves a present value", () => {
    assert.equal(apply("real", "default none"), "real");
  });

  it("missing without default stays missing", () => {
    assert.equal(apply(undefined, "base64encode"), undefined);
  });

  it("modifiers chain left to right", () => {
    assert.equal(apply(Buffer.from('{"k":"v"}').toString("base64"), "base64decode", "jsonPath {.k}", "base64encode"), "dg==");
  });
});
