import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { isolatedEnv, parseStream, pluginHome, requireBundle, run, skipWithout } from "../e2e/support.js";
import { copyKsopsCase, ksopsCases, ksopsKey, wantedObjects } from "./support.js";

const skip = skipWithout("kubectl");

before(() => {
  if (skip === false) {
    requireBundle();
  }
});

function kustomize(folder: string, extraEnv: Record<string, string> = {}): ReturnType<typeof run> {
  return run("kubectl", ["kustomize", "--enable-alpha-plugins", folder], {
    cwd: path.dirname(folder),
    env: isolatedEnv({ KUSTOMIZE_PLUGIN_HOME: pluginHome, ...extraEnv }),
  });
}

// kubectl kustomize runs KSOPS manifests only through the legacy plugin layout, so each case runs
// without its config.kubernetes.io/function annotation (see copyKsopsCase). kustomize consumes
// the needs-hash and behavior annotations, so the output must equal want.yaml as it stands.
for (const name of ksopsCases) {
  test(`kubectl kustomize: KSOPS case ${name}`, { skip }, () => {
    const folder = copyKsopsCase(name, { legacyPlugin: true });
    const result = kustomize(folder, { KREVEAL_PGP_KEY_FILE: ksopsKey });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(parseStream(result.stdout), wantedObjects(name));
  });
}

test("kubectl kustomize: function annotation skips ksops", { skip }, () => {
  // The case as KSOPS ships it: kubectl kustomize skips the exec function without a word. This is
  // kustomize's behaviour, recorded here so that the adaptation above stays explained.
  const folder = copyKsopsCase("single", { legacyPlugin: false });
  const result = kustomize(folder, { KREVEAL_PGP_KEY_FILE: ksopsKey });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(parseStream(result.stdout), []);
});

test("kubectl kustomize: ksops without key fails", { skip }, () => {
  const folder = copyKsopsCase("envs", { legacyPlugin: true });
  const result = kustomize(folder);
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /ksops "ksops-secret-from-generator" in .*: secretFrom\[0\]\.envs\[0\] "\.\/secret\.enc\.env"/);
  assert.doesNotMatch(result.stderr, /1f2d1e2e67df/);
});

test("kubectl kustomize: plaintext file in ksops fails", { skip }, () => {
  const folder = copyKsopsCase("single", { legacyPlugin: true });
  writeFileSync(path.join(folder, "secret.enc.yaml"), "apiVersion: v1\nkind: Secret\nmetadata: {name: leaked}\nstringData: {password: hunter2}\n");
  const result = kustomize(folder, { KREVEAL_PGP_KEY_FILE: ksopsKey });
  assert.notEqual(result.status, 0);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /files\[0\] "\.\/secret\.enc\.yaml": the file has no sops metadata.*\[SOPS_METADATA_MISSING\]/);
  assert.doesNotMatch(result.stderr, /hunter2/);
});
