import assert from "node:assert/strict";
import { test } from "node:test";

import { goJsonMarshal, goJsonString } from "../../plugin/generators/go-json.js";
import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";

// Suffixes from kustomize's own hasher tests, KSOPS's expected output and kubectl v5.5.0 runs.
const vectors: readonly { name: string; resource: Record<string, unknown>; suffix: string }[] = [
  { name: "ConfigMap without data", resource: { kind: "ConfigMap" }, suffix: "6ct58987ht" },
  { name: "ConfigMap with an empty value", resource: { kind: "ConfigMap", data: { one: "" } }, suffix: "9g67k2htb6" },
  { name: "ConfigMap with numbers", resource: { kind: "ConfigMap", data: { two: 2, one: "", three: 3 } }, suffix: "7757f9kkct" },
  { name: "ConfigMap with binaryData", resource: { kind: "ConfigMap", data: { one: "" }, binaryData: { two: "" } }, suffix: "698h7c7t9m" },
  { name: "Secret with type only", resource: { kind: "Secret", type: "my-type" }, suffix: "5gmgkf8578" },
  {
    name: "Secret with data and stringData",
    resource: { kind: "Secret", type: "my-type", data: { one: "" }, stringData: { two: 2 } },
    suffix: "c4h4264gdb",
  },
  {
    name: "KSOPS hash case",
    resource: {
      kind: "Secret",
      type: "Opaque",
      data: { password: "MWYyZDFlMmU2N2Rm", username: "YWRtaW4=" },
      stringData: { application: "kustomize-sops" },
    },
    suffix: "h55dbmfg7b",
  },
  { name: "Secret name is not hashed", resource: { kind: "Secret", metadata: { name: "pre-short" }, type: "Opaque", data: { a: "Yg==" } }, suffix: "k695gkmbtk" },
  {
    name: "placeholder with angle brackets",
    resource: { kind: "Secret", type: "Opaque", stringData: { password: "<vault:kv/data/app#password>" } },
    suffix: "788d2dbh8t",
  },
  { name: "Secret without type", resource: { kind: "Secret", stringData: { a: "<b&c>" } }, suffix: "gc94g44kmb" },
  { name: "ConfigMap with one value", resource: { kind: "ConfigMap", data: { a: "b" } }, suffix: "4h2mbtbbt6" },
];

for (const vector of vectors) {
  test(`kustomize hash: ${vector.name}`, () => {
    assert.equal(kustomizeHashSuffix(vector.resource), vector.suffix);
  });
}

test("kustomize hash: pre-image escapes like Go", () => {
  const preImage = goJsonMarshal({
    type: "Opaque",
    name: "",
    kind: "Secret",
    data: "",
    stringData: { password: "<vault:kv/data/app#password>" },
  });
  assert.equal(preImage, '{"data":"","kind":"Secret","name":"","stringData":{"password":"\\u003cvault:kv/data/app#password\\u003e"},"type":"Opaque"}');
});

test("kustomize hash: data null and empty differ", () => {
  const absent = kustomizeHashSuffix({ kind: "Secret", type: "Opaque" });
  const empty = kustomizeHashSuffix({ kind: "Secret", type: "Opaque", data: {} });
  const nulled = kustomizeHashSuffix({ kind: "Secret", type: "Opaque", data: null });
  assert.notEqual(absent, empty);
  assert.notEqual(absent, nulled);
  assert.notEqual(empty, nulled);
});

test("kustomize hash: other kinds rejected", () => {
  assert.throws(() => kustomizeHashSuffix({ kind: "Deployment" }), TypeError);
});

test("go json: string escapes", () => {
  assert.equal(goJsonString('a"b\\c\n\r\t'), '"a\\"b\\\\c\\n\\r\\t"');
  assert.equal(goJsonString("\u0001\u001f"), '"\\u0001\\u001f"');
  assert.equal(goJsonString("<>&"), '"\\u003c\\u003e\\u0026"');
  assert.equal(goJsonString("\u2028\u2029"), '"\\u2028\\u2029"');
  assert.equal(goJsonString("\ud800"), '"\ufffd"');
  assert.equal(goJsonString("é😀"), '"é😀"');
});

test("go json: keys sorted by bytes", () => {
  // U+FF61 sorts before U+1F600 in UTF-8 byte order, but after its surrogates in UTF-16 order.
  assert.equal(goJsonMarshal({ "😀": 1, "｡": 2, b: 3, B: 4 }), '{"B":4,"b":3,"｡":2,"😀":1}');
});

test("go json: numbers", () => {
  assert.equal(goJsonMarshal([1, 1.5, 1e21, 1e-7, 0.000001, -0]), "[1,1.5,1e+21,1e-7,0.000001,-0]");
});
