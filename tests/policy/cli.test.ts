import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";

import { isolatedEnv, runKreveal, tempRepo } from "../e2e/support.js";
import { TWO_TEAMS, writePolicy } from "./support.js";

let repo = "";
let policyFile = "";

before(() => {
  repo = tempRepo();
  policyFile = writePolicy(TWO_TEAMS);
  const secret = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  password: <vault:secret/data/team-b/db#password>\n";
  writeFileSync(path.join(repo, "secret.yaml"), secret);
});

describe("kreveal resolve with a tenant policy", () => {
  it("denies a path of another project", () => {
    // No VAULT_ADDR: a read that got past the policy would fail with CONFIG_INVALID instead.
    const env = isolatedEnv({ KREVEAL_POLICY_FILE: policyFile, ARGOCD_APP_PROJECT_NAME: "team-a" });
    const result = runKreveal(["resolve", "secret.yaml"], { cwd: repo, env });

    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.equal(
      result.stderr,
      [
        'kreveal: Secret/app: stringData.password: Argo CD project "team-a" may not read vault path "secret/data/team-b/db": projects.team-a.vault.paths allows only secret/data/team-a, secret/team-a [POLICY_DENIED]',
        "  fix: Ask the Argo CD operator to allow the path in the kreveal policy (KREVEAL_POLICY_FILE), or read a path the project owns.",
        "",
      ].join("\n"),
    );
  });

  it("denies every read without a project", () => {
    const env = isolatedEnv({ KREVEAL_POLICY_FILE: policyFile });
    const result = runKreveal(["resolve", "secret.yaml"], { cwd: repo, env });

    assert.equal(result.status, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /no Argo CD project: ARGOCD_APP_PROJECT_NAME is not set \[POLICY_DENIED\]/);
  });
});
