import assert from "node:assert/strict";
import { test } from "node:test";

import { helmEnvironment } from "../../plugin/cmp/child-env.js";

test("helm env drops the sidecar's credentials", () => {
  const env = {
    PATH: "/usr/bin",
    HOME: "/home/argocd",
    VAULT_ADDR: "https://vault.example",
    VAULT_TOKEN: "hvs.token",
    VAULT_SECRET_ID: "secret-id",
    VAULT_ROLE_ID: "role-id",
    SOPS_AGE_KEY: "AGE-SECRET-KEY-1TEST",
    SOPS_AGE_KEY_FILE: "/keys/age.txt",
    SOPS_AGE_KEY_CMD: "cat /keys/age.txt",
    KREVEAL_AGE_KEY_PASSPHRASE: "pass",
    KREVEAL_PGP_KEY_FILE: "/keys/key.asc",
    KREVEAL_VAULT_ROLE: "team-a",
    KREVEAL_VAULT_CONFIG: "/etc/vault.json",
    KREVEAL_HELM: "/usr/local/bin/helm",
    KREVEAL_REPO_ROOT: "/repo",
    ARGOCD_APP_NAME: "billing",
  };

  assert.deepEqual(helmEnvironment(env), {
    PATH: "/usr/bin",
    HOME: "/home/argocd",
    VAULT_ADDR: "https://vault.example",
    KREVEAL_HELM: "/usr/local/bin/helm",
    KREVEAL_REPO_ROOT: "/repo",
    ARGOCD_APP_NAME: "billing",
  });
});

test("helm env leaves the input alone", () => {
  const env = { VAULT_TOKEN: "hvs.token" };
  helmEnvironment(env);
  assert.equal(env.VAULT_TOKEN, "hvs.token");
});
