/**
 * Project key files (`projects.<project>.sops.ageKeyFile`): a project with its own age keys file
 * decrypts with that file alone, so ciphertext copied from another team's folder, or encrypted
 * only to the sidecar's shared key, stays closed.
 */
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { before, describe, it } from "node:test";

import { generateX25519Identity, identityToRecipient } from "age-encryption";

import { createInputReader } from "../../plugin/files/input-reader.js";
import { decrypt } from "../../plugin/sops/decrypt.js";
import { loadTenantPolicy } from "../../plugin/policy/load.js";
import { projectPolicy } from "../../plugin/policy/access.js";
import { isolateKeys } from "../support/key-env.js";
import { fixture, tempDir } from "../support/paths.js";
import { ageWrapper, writeSops } from "../support/sops-writer.js";
import { caughtError, writePolicy } from "./support.js";

/** The mock identity's passphrase-protected keys file and the recipient of the identity inside. */
const encryptedIdentityFile = fixture("sops/age/_extracted_from_keysource_test/mock_encrypted_identity.age.asc");
const encryptedIdentityPassphrase = readFileSync(fixture("sops/age/_extracted_from_keysource_test/mock_encrypted_identity.passphrase"), "utf8");
const mockRecipient = "age1lzd99uklcjnc0e7d860axevet2cz99ce9pq6tzuzd05l5nr28ams36nvun";

/** PGP key FBC7…81B4, which opens the PGP-only fixture below (`foo = bar`). */
const pgpKeyFile = fixture("sops/pgp/sops_functional_tests_key.asc");
const pgpOnlyFile = fixture("sops/functional-tests/res/format.enc.env");

let repo = "";
let keysDir = "";
let policyFile = "";
/** The same projects as policyFile, with requireProjectKeys: true. */
let strictPolicyFile = "";
let sharedIdentity = "";
let sharedKeyFile = "";
let teamAIdentity = "";
let teamAKeyFile = "";

before(async () => {
  sharedIdentity = await generateX25519Identity();
  teamAIdentity = await generateX25519Identity();
  const teamBIdentity = await generateX25519Identity();

  keysDir = tempDir("kreveal-project-keys-");
  sharedKeyFile = path.join(keysDir, "shared.txt");
  teamAKeyFile = path.join(keysDir, "team-a.txt");
  writeFileSync(sharedKeyFile, `${sharedIdentity}\n`);
  writeFileSync(teamAKeyFile, `# team-a\n${teamAIdentity}\n`);
  writeFileSync(path.join(keysDir, "team-b.txt"), `${teamBIdentity}\n`);

  const projects = `projects:
  team-a:
    sops:
      paths: [apps/team-a]
      ageKeyFile: ${teamAKeyFile}
  team-b:
    sops:
      paths: [apps/team-b]
      ageKeyFile: ${path.join(keysDir, "team-b.txt")}
  shared:
    sops:
      paths: [apps]
  locked:
    sops:
      paths: [apps/team-a]
      ageKeyFile: ${encryptedIdentityFile}
  missing:
    sops:
      paths: [apps/team-a]
      ageKeyFile: ${path.join(keysDir, "no-such-file.txt")}
`;
  policyFile = writePolicy(`apiVersion: kreveal.dev/v1alpha1\nkind: TenantPolicy\n${projects}`);
  strictPolicyFile = writePolicy(`apiVersion: kreveal.dev/v1alpha1\nkind: TenantPolicy\nrequireProjectKeys: true\n${projects}`);

  repo = tempDir("kreveal-project-keys-repo-");
  mkdirSync(path.join(repo, ".git"));
  const folder = path.join(repo, "apps", "team-a");
  mkdirSync(folder, { recursive: true });

  const encryptTo = async (recipient: string, name: string) => {
    const bytes = await writeSops({ store: "dotenv", plaintext: `PASSWORD=${name}\n`, groups: [[ageWrapper(recipient)]] });
    writeFileSync(path.join(folder, `${name}.enc.env`), bytes);
  };
  await encryptTo(await identityToRecipient(teamAIdentity), "own");
  await encryptTo(await identityToRecipient(teamBIdentity), "copied-from-team-b");
  await encryptTo(await identityToRecipient(sharedIdentity), "shared-only");
  await encryptTo(mockRecipient, "mock");
  copyFileSync(pgpOnlyFile, path.join(folder, "pgp-only.enc.env"));
});

type KeyVariables = Parameters<typeof isolateKeys>[0];

/**
 * Resets the key sources to `keys`, makes `project` the run's Argo CD project under `policy`
 * (no policy when `project` is undefined) and returns a reader in team-a's folder. The key
 * sources read process.env, so the variables are set there.
 */
function readerFor(project: string | undefined, keys: KeyVariables = { SOPS_AGE_KEY_FILE: sharedKeyFile }, policy = policyFile) {
  const home = isolateKeys(keys);
  if (project === undefined) {
    delete process.env.KREVEAL_POLICY_FILE;
    delete process.env.ARGOCD_APP_PROJECT_NAME;
  } else {
    process.env.KREVEAL_POLICY_FILE = policy;
    process.env.ARGOCD_APP_PROJECT_NAME = project;
  }
  delete process.env.KREVEAL_REPO_ROOT;

  const reader = createInputReader({ cwd: path.join(repo, "apps", "team-a"), root: repo }, process.env);
  return { home, read: async (file: string) => Buffer.from(await reader.read("envs[0]", file)).toString("utf8") };
}

/** Asserts the "no key opens it" error of a project with a key file, and that it shows no key. */
function assertProjectKeyError(error: Awaited<ReturnType<typeof caughtError>>, project: string): void {
  const field = `projects.${project}.sops.ageKeyFile`;
  assert.equal(error.code, "KEY_NOT_AVAILABLE");
  assert.ok((error.fix ?? "").includes(field), `the fix does not name ${field}: ${error.fix ?? ""}`);
  assert.match(error.fix ?? "", /and nowhere else: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD and the default keys file are not used/);
  for (const text of [error.message, error.fix ?? ""]) {
    assert.ok(!text.includes("AGE-SECRET-KEY-"), "the error shows an age identity");
  }
}

describe("policy field sops.ageKeyFile", () => {
  it("is returned with its field path", () => {
    assert.deepEqual(projectPolicy(policyFile, { ARGOCD_APP_PROJECT_NAME: "team-a" }).sopsAgeKeyFile(), {
      file: teamAKeyFile,
      field: "projects.team-a.sops.ageKeyFile",
    });
  });

  it("is absent for a project without it", () => {
    assert.equal(projectPolicy(policyFile, { ARGOCD_APP_PROJECT_NAME: "shared" }).sopsAgeKeyFile(), undefined);
    assert.equal(projectPolicy(policyFile, {}).sopsAgeKeyFile(), undefined);
  });

  it("rejects a relative path", async () => {
    const file = writePolicy("apiVersion: kreveal.dev/v1alpha1\nkind: TenantPolicy\nprojects:\n  team-a:\n    sops:\n      paths: [apps/team-a]\n      ageKeyFile: keys/team-a.txt\n");
    const error = await caughtError(() => loadTenantPolicy(file));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.location, `${file}: projects.team-a.sops.ageKeyFile`);
    assert.equal(error.message, "must be an absolute path");
  });

  it("rejects an empty path", async () => {
    const file = writePolicy('apiVersion: kreveal.dev/v1alpha1\nkind: TenantPolicy\nprojects:\n  team-a:\n    sops:\n      paths: [apps/team-a]\n      ageKeyFile: ""\n');
    const error = await caughtError(() => loadTenantPolicy(file));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.location, `${file}: projects.team-a.sops.ageKeyFile`);
  });
});

describe("project age key file", () => {
  it("decrypts the project's own file", async () => {
    assert.equal(await readerFor("team-a").read("own.enc.env"), "PASSWORD=own\n");
  });

  it("keeps a file copied from team-b closed", async () => {
    const error = await caughtError(() => readerFor("team-a").read("copied-from-team-b.enc.env"));

    assertProjectKeyError(error, "team-a");
    assert.match(error.message, /none of the 1 age identities in the project's own age keys file \(projects\.team-a\.sops\.ageKeyFile\) is for age1/);
    assert.ok((error.fix ?? "").includes(teamAKeyFile), "the fix does not name the key file's path");
  });

  it("keeps a shared-key file closed", async () => {
    const error = await caughtError(() => readerFor("team-a").read("shared-only.enc.env"));

    assertProjectKeyError(error, "team-a");
  });

  // In each case one shared source alone contains the shared identity. The project without a key file shows
  // that the source works, and team-a shows that its key file replaces it.
  const sharedSources: { name: string; keys: () => KeyVariables; prepare?: (home: string) => void }[] = [
    { name: "SOPS_AGE_KEY", keys: () => ({ SOPS_AGE_KEY: sharedIdentity }) },
    { name: "SOPS_AGE_KEY_FILE", keys: () => ({ SOPS_AGE_KEY_FILE: sharedKeyFile }) },
    { name: "SOPS_AGE_KEY_CMD", keys: () => ({ SOPS_AGE_KEY_CMD: writeKeyCommand() }) },
    {
      name: "the default keys.txt",
      keys: () => ({}),
      prepare: (home) => {
        mkdirSync(path.join(home, ".config", "sops", "age"), { recursive: true });
        writeFileSync(path.join(home, ".config", "sops", "age", "keys.txt"), `${sharedIdentity}\n`);
      },
    },
  ];
  for (const source of sharedSources) {
    it(`ignores ${source.name}`, async () => {
      const shared = readerFor("shared", source.keys());
      source.prepare?.(shared.home);
      assert.equal(await shared.read("shared-only.enc.env"), "PASSWORD=shared-only\n");

      const teamA = readerFor("team-a", source.keys());
      source.prepare?.(teamA.home);
      assertProjectKeyError(await caughtError(() => teamA.read("shared-only.enc.env")), "team-a");
    });
  }

  it("skips the PGP key file and gpg", async () => {
    const marker = path.join(tempDir("kreveal-fake-gpg-"), "called");
    const fakeGpg = writeFakeGpg(marker);

    // The same keys without a project key file: the in-process PGP key opens the file.
    const shared = readerFor("shared", { KREVEAL_PGP_KEY_FILE: pgpKeyFile, SOPS_GPG_EXEC: fakeGpg });
    assert.equal(await shared.read("pgp-only.enc.env"), "foo = bar\n");

    const error = await caughtError(() => readerFor("team-a", { KREVEAL_PGP_KEY_FILE: pgpKeyFile, SOPS_GPG_EXEC: fakeGpg }).read("pgp-only.enc.env"));
    assert.equal(error.code, "KEY_NOT_AVAILABLE");
    assert.match(error.message, /projects\.team-a\.sops\.ageKeyFile in the tenant policy gives the project its own age keys file, so KREVEAL_PGP_KEY_FILE, secring\.gpg and gpg are not used/);
    assert.match(error.fix ?? "", /no PGP secret keys, because projects\.team-a\.sops\.ageKeyFile/);
    assert.equal(existsSync(marker), false, "gpg ran for a project with its own age keys file");
  });

  it("runs gpg without a project key file", async () => {
    const marker = path.join(tempDir("kreveal-fake-gpg-"), "called");

    // The control for the case above: the fake gpg leaves its marker when kreveal runs it.
    await caughtError(() => readerFor("shared", { SOPS_GPG_EXEC: writeFakeGpg(marker) }).read("pgp-only.enc.env"));
    assert.equal(existsSync(marker), true);
  });

  it("opens a passphrase-protected key file", async () => {
    const reader = readerFor("locked", { SOPS_AGE_KEY_FILE: sharedKeyFile, KREVEAL_AGE_KEY_PASSPHRASE: encryptedIdentityPassphrase });

    assert.equal(await reader.read("mock.enc.env"), "PASSWORD=mock\n");
  });

  it("reports a missing key file's field", async () => {
    const missing = path.join(keysDir, "no-such-file.txt");
    const error = await caughtError(() => readerFor("missing").read("own.enc.env"));

    assert.equal(error.code, "KEY_SOURCE_FAILED");
    assert.ok(error.location?.endsWith(`: ${missing}`), `the location does not end with the key file: ${error.location ?? ""}`);
    assert.match(error.message, /projects\.missing\.sops\.ageKeyFile/);
    assert.match(error.message, /ENOENT/);
  });
});

describe("shared keys without a project key file", () => {
  it("decrypt under a policy", async () => {
    assert.equal(await readerFor("shared").read("shared-only.enc.env"), "PASSWORD=shared-only\n");
  });

  it("decrypt without a policy", async () => {
    const reader = readerFor(undefined);

    assert.equal(await reader.read("shared-only.enc.env"), "PASSWORD=shared-only\n");
    // Without a policy the project key file is not a source either.
    const error = await caughtError(() => reader.read("own.enc.env"));
    assert.equal(error.code, "KEY_NOT_AVAILABLE");
    assert.ok(!(error.fix ?? "").includes("ageKeyFile"));
  });
});

describe("policy field requireProjectKeys", () => {
  it("is false by default", () => {
    assert.equal(loadTenantPolicy(policyFile).requireProjectKeys, false);
    assert.equal(loadTenantPolicy(strictPolicyFile).requireProjectKeys, true);
  });

  it("rejects a non-boolean value", async () => {
    const file = writePolicy('apiVersion: kreveal.dev/v1alpha1\nkind: TenantPolicy\nrequireProjectKeys: "yes"\nprojects: {}\n');
    const error = await caughtError(() => loadTenantPolicy(file));

    assert.equal(error.code, "CONFIG_INVALID");
    assert.equal(error.location, `${file}: requireProjectKeys`);
    assert.equal(error.message, "must be a boolean, not a string");
  });

  it("denies a project without a key file", async () => {
    const error = await caughtError(() => readerFor("shared", { SOPS_AGE_KEY_FILE: sharedKeyFile }, strictPolicyFile).read("shared-only.enc.env"));

    assert.equal(error.code, "POLICY_DENIED");
    assert.equal(error.location, 'envs[0] "shared-only.enc.env"');
    assert.equal(
      error.message,
      'Argo CD project "shared" may not read sops file "apps/team-a/shared-only.enc.env": projects.shared.sops has no ageKeyFile and the policy sets requireProjectKeys',
    );
    assert.match(error.fix ?? "", /ageKeyFile/);
  });

  it("still decrypts with the project's key file", async () => {
    assert.equal(await readerFor("team-a", { SOPS_AGE_KEY_FILE: sharedKeyFile }, strictPolicyFile).read("own.enc.env"), "PASSWORD=own\n");
  });

  it("still denies without a sops rule", async () => {
    const file = writePolicy("apiVersion: kreveal.dev/v1alpha1\nkind: TenantPolicy\nrequireProjectKeys: true\nprojects:\n  vault-only:\n    vault:\n      paths: [secret/x]\n");
    const error = await caughtError(() => readerFor("vault-only", { SOPS_AGE_KEY_FILE: sharedKeyFile }, file).read("shared-only.enc.env"));

    assert.equal(error.code, "POLICY_DENIED");
    assert.match(error.message, /projects\.vault-only has no sops entry/);
  });

  it("denies sops placeholders early", () => {
    const strict = projectPolicy(strictPolicyFile, { ARGOCD_APP_PROJECT_NAME: "shared" });
    const denied = strict.checkBackendRead("sops", "apps/team-a/shared-only.enc.env");

    assert.ok(denied !== undefined, "the read was allowed");
    assert.equal(denied.code, "POLICY_DENIED");
    assert.match(denied.message, /projects\.shared\.sops has no ageKeyFile and the policy sets requireProjectKeys/);
    assert.equal(projectPolicy(strictPolicyFile, { ARGOCD_APP_PROJECT_NAME: "team-a" }).checkBackendRead("sops", "apps/team-a/own.enc.env"), undefined);
    assert.equal(projectPolicy(policyFile, { ARGOCD_APP_PROJECT_NAME: "shared" }).checkBackendRead("sops", "apps/team-a/shared-only.enc.env"), undefined);
  });

  it("never uses the shared key sources", async () => {
    // decrypt() runs without the reader's file check, so only the key sources stand in the way.
    const commandMarker = path.join(tempDir("kreveal-key-command-"), "called");
    const gpgMarker = path.join(tempDir("kreveal-fake-gpg-"), "called");
    const keys = { SOPS_AGE_KEY: sharedIdentity, SOPS_AGE_KEY_CMD: writeKeyCommand(commandMarker), KREVEAL_PGP_KEY_FILE: pgpKeyFile, SOPS_GPG_EXEC: writeFakeGpg(gpgMarker) };

    for (const name of ["shared-only.enc.env", "pgp-only.enc.env"]) {
      readerFor("shared", keys, strictPolicyFile);
      const bytes = readFileSync(path.join(repo, "apps", "team-a", name));
      const error = await caughtError(() => decrypt(bytes, { file: name, store: "dotenv" }));

      assert.equal(error.code, "POLICY_DENIED", name);
      assert.equal(error.location, name);
      assert.match(error.message, /^Argo CD project "shared" may not read any SOPS file: projects\.shared\.sops has no ageKeyFile and the policy sets requireProjectKeys$/, name);
    }
    assert.equal(existsSync(commandMarker), false, "SOPS_AGE_KEY_CMD ran");
    assert.equal(existsSync(gpgMarker), false, "gpg ran");
  });

  it("shared keys open without it", async () => {
    // The control for the case above: the same keys and file open under the policy without requireProjectKeys.
    readerFor("shared", { SOPS_AGE_KEY: sharedIdentity });
    const bytes = readFileSync(path.join(repo, "apps", "team-a", "shared-only.enc.env"));

    assert.equal(Buffer.from((await decrypt(bytes, { file: "shared-only.enc.env", store: "dotenv" })).plaintext).toString("utf8"), "PASSWORD=shared-only\n");
  });
});

/**
 * Writes a SOPS_AGE_KEY_CMD program that prints the shared identity and returns its path. With
 * `marker`, the program also creates that file, to show that it ran.
 */
function writeKeyCommand(marker?: string): string {
  const program = path.join(tempDir("kreveal-key-command-"), "print-key");
  const touch = marker === undefined ? "" : `echo called > '${marker}'\n`;
  writeFileSync(program, `#!/bin/sh\n${touch}echo '${sharedIdentity}'\n`, { mode: 0o755 });
  return program;
}

/** Writes a gpg stand-in that creates `marker` and fails, and returns its path. */
function writeFakeGpg(marker: string): string {
  const program = path.join(path.dirname(marker), "gpg");
  writeFileSync(program, `#!/bin/sh\necho called > '${marker}'\nexit 2\n`, { mode: 0o755 });
  return program;
}
