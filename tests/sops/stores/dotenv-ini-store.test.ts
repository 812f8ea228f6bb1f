import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KrevealError } from "../../../plugin/errors.js";
import { dotenvStore } from "../../../plugin/sops/stores/dotenv.js";
import { unflattenMetadata } from "../../../plugin/sops/stores/flatten.js";
import { iniStore } from "../../../plugin/sops/stores/ini.js";
import { comment, mapping, pair, str } from "../../../plugin/sops/tree.js";
import { at, ENC, fixture, keys, textAt } from "./helpers.js";

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("utf8");
}

describe("dotenv store", () => {
  it("reads format.enc.env with its untrimmed key", () => {
    const { branches, metadata } = dotenvStore.parse(fixture("sops/functional-tests/res/format.enc.env"), "format.enc.env");
    assert.deepEqual(keys(branches[0]), ["foo "]);
    assert.match(textAt(branches[0], "foo ") ?? "", /^ENC\[/);
    assert.equal(metadata?.lastmodified, "2026-05-22T20:15:29Z");
    const pgp = metadata.pgp as { enc: string; created_at: string }[];
    assert.ok(pgp[0]?.enc.startsWith("-----BEGIN PGP MESSAGE-----\n\nwcBM"));
  });

  it("reads the ksops env fixture", () => {
    const { branches, metadata } = dotenvStore.parse(fixture("ksops/test/krm/envs/secret.enc.env"), "secret.enc.env");
    assert.ok(keys(branches[0]).length > 0);
    assert.equal(metadata?.unencrypted_regex, "^(apiVersion|metadata|kind|type)$");
  });

  it("keeps comments, CR and escaped newlines", () => {
    const { branches } = dotenvStore.parse(Buffer.from("#c\nA=1\\n2\r\n\nB==x\n"), "x.env");
    const branch = branches[0];
    assert.deepEqual(branch.items[0], comment("c"));
    assert.equal(textAt(branch, "A"), "1\n2\r");
    assert.equal(textAt(branch, "B"), "=x");
  });

  it("names the line without =", () => {
    assert.throws(() => dotenvStore.parse(Buffer.from("A=1\nBROKEN\n"), "x.env"), (error: unknown) => error instanceof KrevealError && error.message.includes("line 2"));
  });

  it("writes values as sops does", () => {
    const branch = mapping([
      comment(" note"),
      pair("foo ", str(" bar")),
      pair("ML", str("a\nb")),
      pair("N", { kind: "int", value: 9007199254740993n }),
      pair("F", { kind: "float", value: 2 }),
      pair("G", { kind: "float", value: 1234568000 }),
      pair("B", { kind: "bool", value: true }),
      pair("E", str("")),
    ]);
    assert.equal(text(dotenvStore.emit([branch])), "# note\nfoo = bar\nML=a\\nb\nN=9007199254740993\nF=2.0\nG=1.234568E+09\nB=true\nE=\n");
  });

  it("rejects nested values", () => {
    assert.throws(() => dotenvStore.emit([mapping([pair("M", mapping())])]), KrevealError);
  });
});

describe("INI store", () => {
  it("reads format.enc.ini and the 3.13.1 multi-line form alike", () => {
    const escaped = iniStore.parse(fixture("sops/functional-tests/res/format.enc.ini"), "format.enc.ini");
    const multiLine = iniStore.parse(fixture("sops/functional-tests/res/format-2.enc.ini"), "format-2.enc.ini");
    for (const document of [escaped, multiLine]) {
      const branch = document.branches[0];
      assert.deepEqual(keys(branch), ["DEFAULT", "foo"]);
      assert.match(textAt(branch, "foo.bar") ?? "", ENC);
      const pgp = document.metadata?.pgp as { enc: string; fp: string }[];
      assert.equal(pgp[0]?.fp, "FBC7B9E2A4F9289AC0C1D4843D16CEE4A27381B4");
      assert.ok(pgp[0]?.enc.startsWith("-----BEGIN PGP MESSAGE-----\n\nwcBM"));
      assert.ok(pgp[0]?.enc.endsWith("-----END PGP MESSAGE-----"));
    }
  });

  it("puts a section comment first and a key comment after its key", () => {
    const { branches } = iniStore.parse(fixture("sops/example.ini"), "example.ini");
    const branch = branches[0];
    assert.deepEqual(keys(branch), ["DEFAULT", "name", "address", "phoneNumbers", "not private"]);
    const name = at(branch, "name");
    assert.equal(name?.kind === "map" ? name.items[0]?.kind : undefined, "comment");
    assert.equal(textAt(branch, "not private.notsecret_unencrypted"), "hi there!");

    const { branches: commented } = iniStore.parse(Buffer.from("a = 1\n[s]\n; about k\nk = v ; inline\n"), "x.ini");
    const section = at(commented[0], "s");
    assert.deepEqual(section?.kind === "map" ? section.items : [], [pair("k", str("v")), comment("about k")]);
    assert.equal(textAt(commented[0], "DEFAULT.a"), "1");
  });

  it("allows duplicate section names", () => {
    const { branches } = iniStore.parse(Buffer.from("[a]\nx = 1\n[a]\ny = 2\n"), "x.ini");
    assert.deepEqual(keys(branches[0]), ["DEFAULT", "a", "a"]);
  });

  it("writes go-ini style with aligned =", () => {
    const branch = mapping([
      pair("DEFAULT", mapping()),
      pair("foo", mapping([pair("bar", str("baz"))])),
    ]);
    assert.equal(text(iniStore.emit([branch])), "[foo]\nbar = baz\n");

    const aligned = mapping([
      pair("name", mapping([comment("about name"), pair("firstName", str("John")), pair("age", { kind: "float", value: 25.4 }), comment("after age")])),
      pair("other", mapping([pair("k", str(" padded")), pair("h", str("a#b"))])),
    ]);
    assert.equal(text(iniStore.emit([aligned])), "; about name\n[name]\nfirstName = John\n; after age\nage       = 25.4\n\n[other]\nk = \" padded\"\nh = `a#b`\n");
  });

  it("writes the sopssecretgenerator plaintext without the old trailing blank line", () => {
    const branch = mapping([pair("DEFAULT", mapping()), pair("section", mapping([pair("var", str("secret"))]))]);
    assert.equal(text(iniStore.emit([branch])), "[section]\nvar = secret\n");
  });
});

describe("metadata unflattening", () => {
  it("builds lists and maps from flat keys", () => {
    const flat = new Map([
      ["lastmodified", "2024-01-01T00:00:00Z"],
      ["pgp__list_0__map_fp", "AAA"],
      ["pgp__list_0__map_created_at", "t"],
      ["pgp__list_1__map_fp", "BBB"],
      ["key_groups__list_1__map_age__list_0__map_recipient", "age1x"],
      ["kms__list_0__map_context__map_role_name", "admin"],
    ]);
    assert.deepEqual(unflattenMetadata(flat), {
      lastmodified: "2024-01-01T00:00:00Z",
      pgp: [{ fp: "AAA", created_at: "t" }, { fp: "BBB" }],
      key_groups: [{ age: [{ recipient: "age1x" }] }],
      kms: [{ context: { role_name: "admin" } }],
    });
  });
});
