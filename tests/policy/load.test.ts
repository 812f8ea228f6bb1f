import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { describe, it } from "node:test";

import { loadTenantPolicy } from "../../plugin/policy/load.js";
import { caughtError, listErrors, TWO_TEAMS, writePolicy } from "./support.js";

describe("tenant policy loader", () => {
  it("reads a valid YAML file", () => {
    const file = writePolicy(TWO_TEAMS);
    const policy = loadTenantPolicy(file);

    assert.equal(policy.file, file);
    assert.deepEqual([...policy.projects.keys()], ["team-a", "team-b"]);
    const teamA = policy.projects.get("team-a");
    assert.equal(teamA?.vaultRole, "team-a-role");
    assert.deepEqual(teamA.backends.get("vault")?.paths, ["secret/data/team-a", "secret/team-a"]);
    assert.deepEqual(teamA.backends.get("vault")?.prefixes, [["secret", "data", "team-a"], ["secret", "team-a"]]);
    assert.deepEqual(teamA.backends.get("sops")?.prefixes, [["apps", "team-a"]]);
    assert.equal(policy.projects.get("team-b")?.backends.has("vault"), false);
  });

  it("reads a valid JSON file", () => {
    const content = { apiVersion: "kreveal.dev/v1alpha1", kind: "TenantPolicy", projects: { ops: { sops: { paths: ["."] } } } };
    const policy = loadTenantPolicy(writePolicy(JSON.stringify(content), "policy.json"));

    assert.deepEqual(policy.projects.get("ops")?.backends.get("sops")?.prefixes, [[]]);
    assert.equal(policy.projects.get("ops")?.vaultRole, undefined);
  });

  it("reads the file once per process", () => {
    const file = writePolicy(TWO_TEAMS);
    const first = loadTenantPolicy(file);
    writeFileSync(file, "not: [valid");

    assert.equal(loadTenantPolicy(file), first);
  });

  it("rejects an unknown field with its path", async () => {
    const file = writePolicy(TWO_TEAMS.replace("      role: team-a-role", "      rolee: team-a-role"));
    const error = await caughtError(() => loadTenantPolicy(file));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.location, `${file}: projects.team-a.vault.rolee`);
    assert.match(error.message, /unknown field/);
    assert.match(error.fix ?? "", /TenantPolicy fields/);
  });

  it("rejects unknown backend and top-level field", async () => {
    const file = writePolicy(`${TWO_TEAMS.replace("  team-b:\n", "  team-b:\n    k8s:\n      paths: [x]\n")}extra: true\n`);
    const error = await caughtError(() => loadTenantPolicy(file));

    const locations = listErrors(error).map((each) => each.location);
    assert.deepEqual(locations.sort(), [`${file}: extra`, `${file}: projects.team-b.k8s`]);
    assert.ok(listErrors(error).every((each) => each.code === "CONFIG_INVALID"));
  });

  it("rejects wrong kind and missing paths", async () => {
    const file = writePolicy("apiVersion: kreveal.dev/v1alpha1\nkind: Policy\nprojects:\n  team-a:\n    sops: {}\n");
    const errors = listErrors(await caughtError(() => loadTenantPolicy(file)));

    const byLocation = new Map(errors.map((each) => [each.location, each.message]));
    assert.equal(byLocation.get(`${file}: kind`), 'must be "TenantPolicy"');
    assert.equal(byLocation.get(`${file}: projects.team-a.sops.paths`), "is required");
  });

  it("rejects a path prefix with dot segments", async () => {
    const file = writePolicy(TWO_TEAMS.replace("paths: [apps/team-b]", "paths: [apps/../team-b]"));
    const error = await caughtError(() => loadTenantPolicy(file));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.location, `${file}: projects.team-b.sops.paths[0]`);
  });

  it('rejects "." as a Vault prefix', async () => {
    const file = writePolicy(TWO_TEAMS.replace("paths: [secret/data/team-a, /secret/team-a/]", 'paths: ["."]'));
    const error = await caughtError(() => loadTenantPolicy(file));

    assert.equal(error.location, `${file}: projects.team-a.vault.paths[0]`);
    assert.match(error.message, /not a valid Vault path prefix/);
  });

  it("rejects bad YAML with its position", async () => {
    const file = writePolicy("apiVersion: kreveal.dev/v1alpha1\nprojects: [unclosed\n");
    const error = await caughtError(() => loadTenantPolicy(file));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.location, file);
    assert.match(error.message, /^invalid YAML at line \d+, column \d+ .* in the tenant policy file$/);
  });

  it("rejects several documents", async () => {
    const file = writePolicy(`${TWO_TEAMS}---\n${TWO_TEAMS}`);
    const error = await caughtError(() => loadTenantPolicy(file));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.match(error.message, /contains 2 YAML documents/);
  });

  it("rejects an empty file", async () => {
    const file = writePolicy("# nothing yet\n");
    const error = await caughtError(() => loadTenantPolicy(file));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.location, `${file}: (top level)`);
  });

  it("rejects a missing file", async () => {
    const file = `${writePolicy(TWO_TEAMS)}.missing`;
    const error = await caughtError(() => loadTenantPolicy(file));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.location, file);
    assert.match(error.message, /cannot be read \(ENOENT\)/);
  });

  it("rejects a relative path", async () => {
    const error = await caughtError(() => loadTenantPolicy("policy.yaml"));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.match(error.message, /must be an absolute path/);
  });
});
