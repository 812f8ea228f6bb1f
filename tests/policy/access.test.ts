import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { projectPolicy } from "../../plugin/policy/access.js";
import { isBelowPrefix, pathSegments } from "../../plugin/policy/paths.js";
import { caughtError, TWO_TEAMS, writePolicy } from "./support.js";

const file = writePolicy(TWO_TEAMS);
const teamA = projectPolicy(file, { ARGOCD_APP_PROJECT_NAME: "team-a" });

describe("policy path matching", () => {
  it("splits paths and trims slashes", () => {
    assert.deepEqual(pathSegments("/secret/team-a/db/"), ["secret", "team-a", "db"]);
    assert.deepEqual(pathSegments("secret"), ["secret"]);
  });

  it("rejects empty and dot segments", () => {
    for (const path of ["", "/", "secret//team-a", "secret/./team-a", "secret/team-a/..", "../secret"]) {
      assert.equal(pathSegments(path), undefined, path);
    }
  });

  it("matches prefixes per segment", () => {
    assert.equal(isBelowPrefix(["secret", "team-a"], ["secret", "team-a"]), true);
    assert.equal(isBelowPrefix(["secret", "team-a", "db"], ["secret", "team-a"]), true);
    assert.equal(isBelowPrefix(["secret", "team-ab"], ["secret", "team-a"]), false);
    assert.equal(isBelowPrefix(["secret"], ["secret", "team-a"]), false);
    assert.equal(isBelowPrefix(["anything"], []), true);
  });
});

describe("backend read check", () => {
  it("allows paths at and below a prefix", () => {
    for (const path of ["secret/team-a", "secret/team-a/db", "/secret/data/team-a/db/", "secret/data/team-a/nested/deep"]) {
      assert.equal(teamA.checkBackendRead("vault", path), undefined, path);
    }
  });

  it("denies a string-prefix sibling", () => {
    const denied = teamA.checkBackendRead("vault", "secret/team-ab");

    assert.equal(denied?.code, "POLICY_DENIED");
    assert.equal(denied.message, 'Argo CD project "team-a" may not read vault path "secret/team-ab": projects.team-a.vault.paths allows only secret/data/team-a, secret/team-a');
    assert.equal(denied.fix, "Ask the Argo CD operator to allow the path in the kreveal policy (KREVEAL_POLICY_FILE), or read a path the project owns.");
  });

  it("denies dot segments leaving a prefix", () => {
    for (const path of ["secret/team-a/../team-b/db", "secret/team-a/./db", "secret/team-a//db"]) {
      const denied = teamA.checkBackendRead("vault", path);
      assert.equal(denied?.code, "POLICY_DENIED", path);
      assert.match(denied.message, /empty, "\." or "\.\." segment/);
    }
  });

  it("denies a backend without entry", () => {
    const teamB = projectPolicy(file, { ARGOCD_APP_PROJECT_NAME: "team-b" });
    const denied = teamB.checkBackendRead("vault", "secret/team-b/db");

    assert.equal(denied?.code, "POLICY_DENIED");
    assert.equal(denied.message, 'Argo CD project "team-b" may not read vault path "secret/team-b/db": projects.team-b has no vault entry');
  });

  it("denies a project missing from the policy", () => {
    for (const project of ["team-c", "constructor", "__proto__"]) {
      const denied = projectPolicy(file, { ARGOCD_APP_PROJECT_NAME: project }).checkBackendRead("sops", "secrets/app.enc.yaml");
      assert.equal(denied?.code, "POLICY_DENIED", project);
      assert.match(denied.message, /the tenant policy has no projects\..* entry$/, project);
    }
  });

  it("denies every read without a project", () => {
    for (const env of [{}, { ARGOCD_APP_PROJECT_NAME: "" }]) {
      const policy = projectPolicy(file, env);
      const denied = policy.checkBackendRead("vault", "secret/team-a/db");
      assert.equal(policy.project, undefined);
      assert.equal(denied?.code, "POLICY_DENIED");
      assert.equal(denied.message, 'reading vault path "secret/team-a/db" is denied because there is no Argo CD project: ARGOCD_APP_PROJECT_NAME is not set');
    }
  });

  it("checks only the entry for sops placeholders", () => {
    assert.equal(teamA.checkBackendRead("sops", "../anything/at/all.enc.yaml"), undefined);
  });
});

describe("sops file check", () => {
  it("allows files below sops.paths", () => {
    teamA.checkSopsFile("apps/team-a/db.enc.yaml", "files[0]");
    teamA.checkSopsFile("apps/team-a/deep/nested/db.enc.yaml", "files[0]");
  });

  it("denies files outside sops.paths", async () => {
    const error = await caughtError(() => teamA.checkSopsFile("apps/team-ab/db.enc.yaml", 'files[0] "../team-ab/db.enc.yaml"'));

    assert.equal(error.code, "POLICY_DENIED");
    assert.equal(error.location, 'files[0] "../team-ab/db.enc.yaml"');
    assert.equal(error.message, 'Argo CD project "team-a" may not read sops file "apps/team-ab/db.enc.yaml": projects.team-a.sops.paths allows only apps/team-a');
  });

  it('allows the whole repository with "."', () => {
    const ops = projectPolicy(writePolicy("apiVersion: kreveal.dev/v1alpha1\nkind: TenantPolicy\nprojects:\n  ops:\n    sops:\n      paths: [.]\n"), { ARGOCD_APP_PROJECT_NAME: "ops" });

    ops.checkSopsFile("top.enc.yaml", "files[0]");
    ops.checkSopsFile("apps/team-b/db.enc.yaml", "files[0]");
  });

  it("denies every file with an empty list", async () => {
    const closed = projectPolicy(writePolicy("apiVersion: kreveal.dev/v1alpha1\nkind: TenantPolicy\nprojects:\n  closed:\n    sops:\n      paths: []\n"), {
      ARGOCD_APP_PROJECT_NAME: "closed",
    });
    const error = await caughtError(() => closed.checkSopsFile("top.enc.yaml", "files[0]"));

    assert.match(error.message, /projects\.closed\.sops\.paths is empty$/);
  });
});

describe("project Vault role", () => {
  it("returns the role and its field", () => {
    assert.deepEqual(teamA.vaultRole(), { role: "team-a-role", field: "projects.team-a.vault.role" });
  });

  it("returns nothing without a role", () => {
    assert.equal(projectPolicy(file, { ARGOCD_APP_PROJECT_NAME: "team-b" }).vaultRole(), undefined);
    assert.equal(projectPolicy(file, {}).vaultRole(), undefined);
  });
});
