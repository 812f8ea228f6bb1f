import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";

import { generateX25519Identity, identityToRecipient } from "age-encryption";
import { parse } from "yaml";

import { createInputReader } from "../../plugin/files/input-reader.js";
import { parseYamlStream } from "../../plugin/formats/yaml-read.js";
import { stringifyDocument } from "../../plugin/formats/yaml-write.js";
import { resolvePlaceholders } from "../../plugin/placeholders/resolve.js";
import { isolateKeys } from "../support/key-env.js";
import { tempDir } from "../support/paths.js";
import { ageWrapper, writeSops } from "../support/sops-writer.js";
import { caughtError, TWO_TEAMS, writePolicy } from "./support.js";

let repo = "";
let policyFile = "";
let identity = "";

before(async () => {
  identity = await generateX25519Identity();
  isolateKeys({ SOPS_AGE_KEY: identity });
  delete process.env.KREVEAL_REPO_ROOT;
  policyFile = writePolicy(TWO_TEAMS);

  repo = tempDir("kreveal-policy-repo-");
  mkdirSync(path.join(repo, ".git"));
  for (const team of ["team-a", "team-b"]) {
    mkdirSync(path.join(repo, "apps", team), { recursive: true });
    const encrypted = await writeSops({ store: "dotenv", plaintext: `PASSWORD=${team}-password\n`, groups: [[ageWrapper(await identityToRecipient(identity))]] });
    writeFileSync(path.join(repo, "apps", team, "db.enc.env"), encrypted);
    writeFileSync(path.join(repo, "apps", team, "plain.env"), `USER=${team}\n`);
  }
  // A name inside team-a's folder whose real file is team-b's.
  symlinkSync(path.join(repo, "apps/team-b/db.enc.env"), path.join(repo, "apps/team-a/borrowed.enc.env"));
});

const teamA = () => ({ ...process.env, KREVEAL_POLICY_FILE: policyFile, ARGOCD_APP_PROJECT_NAME: "team-a" });
const readerIn = (folder: string, env: NodeJS.ProcessEnv) => createInputReader({ cwd: path.join(repo, folder), root: repo }, env);
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString("utf8");

describe("input reader with a tenant policy", () => {
  it("decrypts a SOPS file inside sops.paths", async () => {
    const reader = readerIn("apps/team-a", teamA());

    assert.equal(text(await reader.read("envs[0]", "db.enc.env")), "PASSWORD=team-a-password\n");
    assert.equal((await reader.readEncrypted("files[0]", "db.enc.env")).branches.length, 1);
  });

  it("denies a SOPS file outside sops.paths", async () => {
    const reader = readerIn("apps/team-a", teamA());

    for (const read of [() => reader.read("envs[0]", "../team-b/db.enc.env"), () => reader.readEncrypted("files[0]", "../team-b/db.enc.env")]) {
      const error = await caughtError(read);
      assert.equal(error.code, "POLICY_DENIED");
      assert.match(error.location ?? "", /"\.\.\/team-b\/db\.enc\.env"$/);
      assert.equal(error.message, 'Argo CD project "team-a" may not read sops file "apps/team-b/db.enc.env": projects.team-a.sops.paths allows only apps/team-a');
    }
  });

  it("checks a symbolic link's real path", async () => {
    const error = await caughtError(() => readerIn("apps/team-a", teamA()).read("envs[0]", "borrowed.enc.env"));

    assert.equal(error.code, "POLICY_DENIED");
    assert.match(error.message, /sops file "apps\/team-b\/db\.enc\.env"/);
  });

  it("denies before decrypting", async () => {
    // Without any age key, a decryption attempt would fail with KEY_NOT_AVAILABLE.
    isolateKeys();
    try {
      const error = await caughtError(() => readerIn("apps/team-a", teamA()).read("envs[0]", "../team-b/db.enc.env"));
      assert.equal(error.code, "POLICY_DENIED");
    } finally {
      isolateKeys({ SOPS_AGE_KEY: identity });
    }
  });

  it("reads plain files without a rule", async () => {
    const reader = readerIn("apps/team-a", teamA());

    assert.equal(text(await reader.read("envs[0]", "../team-b/plain.env")), "USER=team-b\n");
  });

  it("denies SOPS without a sops entry", async () => {
    const policy = writePolicy("apiVersion: kreveal.dev/v1alpha1\nkind: TenantPolicy\nprojects:\n  vault-only:\n    vault:\n      paths: [secret/x]\n");
    const env = { ...process.env, KREVEAL_POLICY_FILE: policy, ARGOCD_APP_PROJECT_NAME: "vault-only" };
    const error = await caughtError(() => readerIn("apps/team-a", env).read("envs[0]", "db.enc.env"));

    assert.equal(error.code, "POLICY_DENIED");
    assert.match(error.message, /projects\.vault-only has no sops entry$/);
  });

  it("reads every file without a policy", async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, ARGOCD_APP_PROJECT_NAME: "team-a" };
    delete env.KREVEAL_POLICY_FILE;

    assert.equal(text(await readerIn("apps/team-a", env).read("envs[0]", "../team-b/db.enc.env")), "PASSWORD=team-b-password\n");
  });
});

describe("sops placeholders with a tenant policy", () => {
  async function resolveIn(folder: string, manifest: string): Promise<unknown> {
    const documents = parseYamlStream(manifest, "test input");
    await resolvePlaceholders(documents, { cwd: path.join(repo, folder), env: process.env });
    return documents.map((document) => parse(stringifyDocument(document)) as unknown)[0];
  }

  it("reads inside and denies outside sops.paths", async () => {
    process.env.KREVEAL_POLICY_FILE = policyFile;
    process.env.ARGOCD_APP_PROJECT_NAME = "team-a";
    try {
      assert.deepEqual(await resolveIn("apps/team-a", "value: <sops:db.enc.env#PASSWORD>\n"), { value: "team-a-password" });

      const error = await caughtError(() => resolveIn("apps/team-a", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  v: <sops:../team-b/db.enc.env#PASSWORD>\n"));
      assert.equal(error.code, "POLICY_DENIED");
      assert.match(error.message, /may not read sops file "apps\/team-b\/db\.enc\.env"/);
    } finally {
      delete process.env.KREVEAL_POLICY_FILE;
      delete process.env.ARGOCD_APP_PROJECT_NAME;
    }
  });
});
