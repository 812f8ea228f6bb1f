import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KrevealError } from "../../../plugin/errors.js";
import { binaryStore } from "../../../plugin/sops/stores/binary.js";
import { jsonStore } from "../../../plugin/sops/stores/json.js";
import { comment, mapping, pair, str, type Branch } from "../../../plugin/sops/tree.js";
import { at, ENC, fixture, keys, textAt } from "./helpers.js";

function emit(branch: Branch): string {
  return Buffer.from(jsonStore.emit([branch])).toString("utf8");
}

describe("JSON store parsing", () => {
  it("reads sops/example.json", () => {
    const { branches, metadata } = jsonStore.parse(fixture("sops/example.json"), "example.json");
    const branch = branches[0];
    assert.deepEqual(keys(branch), ["firstName", "lastName", "age", "address", "phoneNumbers", "anEmptyValue"]);
    assert.match(textAt(branch, "age") ?? "", /type:float\]$/);
    assert.equal(textAt(branch, "anEmptyValue"), "");
    assert.match(String(metadata?.lastmodified), /^\d{4}-\d{2}-\d{2}T/);
    assert.match(String(metadata?.mac), ENC);
    assert.equal((metadata?.pgp as unknown[]).length, 2);
    assert.equal(metadata?.kms, null);
  });

  it("reads old metadata with kms entries", () => {
    const { metadata } = jsonStore.parse(fixture("sops/stores/ini/test_resources/example.json"), "example.json");
    const kms = metadata?.kms as { arn: string }[];
    assert.ok(kms.length > 0);
    assert.ok(kms.every((entry) => typeof entry.arn === "string"));
  });

  it("keeps key order, duplicates and exact integers", () => {
    const { branches } = jsonStore.parse(Buffer.from('{"b": 1, "10": 2, "a": 9007199254740993, "a": 1.5, "e": 1e2, "n": null, "s": "\\u00e9\\n"}'), "x.json");
    const branch = branches[0];
    assert.deepEqual(keys(branch), ["b", "10", "a", "a", "e", "n", "s"]);
    assert.deepEqual(at(branch, "a"), { kind: "int", value: 9007199254740993n });
    assert.deepEqual(branch.items[3], pair("a", { kind: "float", value: 1.5 }));
    assert.deepEqual(at(branch, "e"), { kind: "float", value: 100 });
    assert.deepEqual(at(branch, "n"), { kind: "null" });
    assert.equal(textAt(branch, "s"), "é\n");
  });

  it("treats integers beyond int64 as floats", () => {
    const { branches } = jsonStore.parse(Buffer.from('{"x": 9223372036854775808}'), "x.json");
    assert.deepEqual(at(branches[0], "x"), { kind: "float", value: 9223372036854775808 });
  });

  for (const [name, text] of [["array", "[1]"], ["string", '"x"'], ["truncated", '{"a": '], ["trailing text", '{"a": 1} x'], ["bad escape", '{"a": "\\q"}'], ["empty", ""]] as const) {
    it(`rejects ${name}`, () => {
      assert.throws(() => jsonStore.parse(Buffer.from(text), "bad.json"), (error: unknown) => error instanceof KrevealError && error.code === "INPUT_MALFORMED");
    });
  }
});

describe("JSON store output", () => {
  it("writes Go's MarshalIndent layout with a tab", () => {
    const branch = mapping([
      pair("z", { kind: "int", value: 9007199254740993n }),
      pair("dup", str("one")),
      pair("dup", str("two")),
      comment("dropped"),
      pair("f", { kind: "float", value: 1e21 }),
      pair("small", { kind: "float", value: 0.0000001 }),
      pair("ratio", { kind: "float", value: 25.4 }),
      pair("ok", { kind: "bool", value: false }),
      pair("none", { kind: "null" }),
      pair("empty", str("")),
      pair("list", { kind: "seq", items: [{ kind: "int", value: 1n }, mapping(), { kind: "seq", items: [] }] }),
    ]);
    const expected = '{\n\t"z": 9007199254740993,\n\t"dup": "one",\n\t"dup": "two",\n\t"f": 1e+21,\n\t"small": 1e-7,\n\t"ratio": 25.4,\n\t"ok": false,\n\t"none": null,\n\t"empty": "",\n\t"list": [\n\t\t1,\n\t\t{},\n\t\t[]\n\t]\n}\n';
    assert.equal(emit(branch), expected);
  });

  it("escapes HTML characters and controls like Go", () => {
    const branch = mapping([pair("<k>", str("a&b <c> \u2028\u2029 \b\f\n\r\t \u0001 \"q\" \\ é"))]);
    assert.equal(emit(branch), '{\n\t"\\u003ck\\u003e": "a\\u0026b \\u003cc\\u003e \\u2028\\u2029 \\b\\f\\n\\r\\t \\u0001 \\"q\\" \\\\ é"\n}\n');
  });

  it("writes format.enc.json's plaintext as sops does", () => {
    assert.equal(emit(mapping([pair("foo", str("bar"))])), '{\n\t"foo": "bar"\n}\n');
    assert.equal(emit(mapping()), "{}\n");
  });

  it("rejects NaN, which JSON cannot hold", () => {
    assert.throws(() => emit(mapping([pair("x", { kind: "float", value: Number.NaN })])), KrevealError);
  });
});

describe("binary store", () => {
  it("reads the JSON envelope", () => {
    const { branches, metadata } = binaryStore.parse(fixture("sops/example.txt"), "example.txt");
    assert.deepEqual(keys(branches[0]), ["data"]);
    assert.match(textAt(branches[0], "data") ?? "", ENC);
    assert.ok(metadata?.mac);
  });

  it("writes the data bytes exactly", () => {
    assert.equal(Buffer.from(binaryStore.emit([mapping([pair("data", str("secret\n"))])])).toString("utf8"), "secret\n");
    const raw = new Uint8Array([0, 255, 10, 128]);
    assert.deepEqual(Buffer.from(binaryStore.emit([mapping([pair("data", { kind: "bytes", value: raw })])])), Buffer.from(raw));
  });

  it("rejects a tree without data", () => {
    assert.throws(() => binaryStore.emit([mapping([pair("other", str("x"))])]), KrevealError);
  });
});
