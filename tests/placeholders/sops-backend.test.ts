import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";

import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { parse } from "yaml";

import { KrevealError } from "../../plugin/errors.js";
import { parseYamlStream } from "../../plugin/formats/yaml-read.js";
import { stringifyDocument } from "../../plugin/formats/yaml-write.js";
import { sopsBackend } from "../../plugin/placeholders/backends/sops.js";
import { resolvePlaceholders } from "../../plugin/placeholders/resolve.js";
import { tempDir } from "../support/paths.js";
import { ageWrapper, writeSops } from "../support/sops-writer.js";
import { caught } from "./support.js";

let repo = "";
let app = "";

before(async () => {
  const identity = await generateX25519Identity();
  const home = tempDir("kreveal-home-");
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = path.join(home, ".config");
  process.env.GNUPGHOME = path.join(home, ".gnupg");
  delete process.env.SOPS_AGE_KEY;
  delete process.env.SOPS_AGE_KEY_CMD;
  delete process.env.KREVEAL_REPO_ROOT;
  const keyFile = path.join(home, "keys.txt");
  writeFileSync(keyFile, `${identity}\n`);
  process.env.SOPS_AGE_KEY_FILE = keyFile;

  repo = tempDir("kreveal-repo-");
  mkdirSync(path.join(repo, ".git"));
  app = path.join(repo, "app");
  mkdirSync(path.join(app, "secrets"), { recursive: true });
  const plaintext = "db:\n  password: 'p#ss: \"x\"'\n  port: 5432\nhosts:\n  - a.example\n  - b.example\n";
  const encrypted = await writeSops({ store: "yaml", plaintext, groups: [[ageWrapper(await identityToRecipient(identity))]] });
  writeFileSync(path.join(app, "secrets/app.enc.yaml"), encrypted);
  writeFileSync(path.join(app, "plain.yaml"), "db:\n  password: x\n");
  writeFileSync(path.join(repo, "..", `${path.basename(repo)}-outside.enc.yaml`), encrypted);
});

const context = () => ({ signal: new AbortController().signal, deadline: Date.now() + 10_000, cwd: app });

async function resolveIn(text: string): Promise<Record<string, unknown>> {
  const documents = parseYamlStream(text, "test");
  await resolvePlaceholders(documents, { cwd: app });
  return parse(documents.map((document) => stringifyDocument(document)).join("")) as Record<string, unknown>;
}

describe("sops backend", () => {
  it("reads values by dotted key path", async () => {
    const data = await sopsBackend.read("secrets/app.enc.yaml", undefined, context());
    assert.equal(data["db.password"], 'p#ss: "x"');
    assert.equal(data["db.port"], 5432);
    assert.equal(data["hosts.1"], "b.example");
    assert.deepEqual(data.db, { password: 'p#ss: "x"', port: 5432 });
  });

  it("resolves sops placeholders through the registry", async () => {
    const output = await resolveIn("kind: Secret\nmetadata: {name: s}\nstringData:\n  pw: <sops:secrets/app.enc.yaml#db.password>\n  host: <sops:secrets/app.enc.yaml#hosts.0>\n");
    assert.deepEqual(output.stringData, { pw: 'p#ss: "x"', host: "a.example" });
  });

  it("reports a missing key", async () => {
    const error = await caught(() => resolveIn("kind: Secret\nmetadata: {name: s}\nstringData:\n  pw: <sops:secrets/app.enc.yaml#db.user>\n"));
    assert.equal(error.code, "PLACEHOLDER_MISSING");
    assert.equal(error.location, "Secret/s: stringData.pw");
    assert.doesNotMatch(error.describe(), /p#ss/);
  });

  it("treats a missing file as missing", async () => {
    const output = await resolveIn("kind: Secret\nmetadata: {name: s}\nstringData:\n  pw: <sops:secrets/none.enc.yaml#a | default fallback>\n");
    assert.deepEqual(output.stringData, { pw: "fallback" });
  });

  it("rejects a file outside the repository", async () => {
    const outside = `../../${path.basename(repo)}-outside.enc.yaml`;
    await assert.rejects(sopsBackend.read(outside, undefined, context()), (error: unknown) => {
      assert.ok(error instanceof KrevealError);
      assert.equal(error.code, "PATH_OUTSIDE_ROOT");
      return true;
    });
  });

  it("rejects a plain file", async () => {
    await assert.rejects(sopsBackend.read("plain.yaml", undefined, context()), (error: unknown) => {
      assert.ok(error instanceof KrevealError);
      assert.equal(error.code, "SOPS_METADATA_MISSING");
      return true;
    });
  });

  it("rejects a version", async () => {
    await assert.rejects(sopsBackend.read("secrets/app.enc.yaml", "2", context()), /SOPS files have no versions/);
  });
});
