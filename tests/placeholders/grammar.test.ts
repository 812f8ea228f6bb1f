import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { KrevealError } from "../../plugin/errors.js";
import { scanPlaceholders, type Placeholder, type ScanMode } from "../../plugin/placeholders/grammar.js";

/** The placeholders found in the text, as scheme, path, key, version and modifier names. */
function found(text: string, mode: ScanMode = {}): string[] | undefined {
  return scanPlaceholders(text, mode, "test")
    ?.filter((segment): segment is Placeholder => typeof segment !== "string")
    .map((p) => [p.scheme, p.path, p.key, p.version ?? "-", ...p.modifiers.map((m) => m.name)].join(" "));
}

describe("placeholder grammar", () => {
  const table: [string, string[] | undefined][] = [
    ["<vault:secret/data/app#password>", ["vault secret/data/app password -"]],
    ["<vault:secret/data/app#password#3>", ["vault secret/data/app password 3"]],
    ["<vault:secret/data/app#password | base64encode | indent 4>", ["vault secret/data/app password - base64encode indent"]],
    ["<vault:kv/app#pw|sha256sum>", ["vault kv/app pw - sha256sum"]],
    ["<sops:secrets/app.enc.yaml#db.password>", ["sops secrets/app.enc.yaml db.password -"]],
    ["<path:secret/data/app#password>", ["vault secret/data/app password -"]],
    ["<path:secret/data/app#password#2>", ["vault secret/data/app password 2"]],
    ["user=<vault:a#u> pass=<vault:a#p>", ["vault a u -", "vault a p -"]],
    ["<vault:a#b # c>", ["vault a b c"]],
    ["the <name> of the resource", undefined],
    ["<vault:secret/app>", undefined],
    ["< path:a#b>", undefined],
    ["<vault:a#b#c#d>", undefined],
    ["<other:a#b>", undefined],
    ["<vault:a\n#b>", undefined],
    ["<br>", undefined],
    ["plain text", undefined],
  ];
  for (const [text, expected] of table) {
    it(`reads ${JSON.stringify(text)}`, () => {
      assert.deepEqual(found(text), expected);
    });
  }

  it("keeps literal text between placeholders", () => {
    const segments = scanPlaceholders("a <vault:p#k> b <vault:p#j>!", {}, "test");
    assert.deepEqual(segments?.map((segment) => (typeof segment === "string" ? segment : segment.text)), ["a ", "<vault:p#k>", " b ", "<vault:p#j>", "!"]);
  });

  it("rejects an unknown modifier", () => {
    assert.throws(() => scanPlaceholders("<vault:p#k | rot13>", {}, "spec.x"), (error: unknown) => {
      assert.ok(error instanceof KrevealError);
      assert.equal(error.code, "PLACEHOLDER_INVALID");
      assert.equal(error.location, "spec.x");
      assert.match(error.message, /unknown modifier "rot13"/);
      return true;
    });
  });

  it("rejects indent without a number", () => {
    assert.throws(() => scanPlaceholders("<vault:p#k | indent>", {}, "x"), /indent takes one whole number/);
  });

  it("rejects a jsonPath filter", () => {
    assert.throws(() => scanPlaceholders("<vault:p#k | jsonPath {.items[?(@.a)]}>", {}, "x"), /jsonPath "\{\.items\[\?\(@\.a\)\]\}" is not supported/);
  });

  it("reads <KEY> with the AVP path annotation", () => {
    assert.deepEqual(found("<username>:< password | base64encode >", { avpPath: "secret/app", avpVersion: "2" }), [
      "vault secret/app username 2",
      "vault secret/app password 2 base64encode",
    ]);
  });

  it("keeps inline paths under the annotation", () => {
    assert.deepEqual(found("<path:kv/other#key>", { avpPath: "secret/app", avpVersion: "2" }), ["vault kv/other key -"]);
  });

  it("reads the default modifier's value", () => {
    const [placeholder] = scanPlaceholders("<vault:p#k | default two words>", {}, "x") ?? [];
    assert.ok(typeof placeholder === "object");
    assert.deepEqual(placeholder.modifiers, [{ name: "default", value: "two words" }]);
  });
});
