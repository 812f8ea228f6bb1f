/**
 * The surroundings of one sidecar test. They are a sidecar home that contains the examples' age
 * key, and a bin folder with `kreveal` (a link to dist/kreveal.js) and the fake `helm`. They also
 * include a Vault test server on 127.0.0.1 with team-a's and team-b's secrets, and the defaults
 * of an Argo CD request.
 */
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { repoRoot, tempDir } from "../../support/paths.js";
import { VaultTestServer } from "../../support/vault-server.js";
import { bundle, requireBundle } from "../support.js";
import type { AppRequest } from "./argocd-env.js";
import type { RepositoryContent } from "./sidecar.js";

/** The example apps, copied into each request at the same repository path. */
export const examplesPath = "examples/argocd/apps";

/** The token the sidecar's VAULT_TOKEN holds. */
const vaultToken = "hvs.sidecar-test-token";

/** Test values stored in the Vault test server; none of them is a real secret. */
export const vaultValues = {
  dbUsername: "billing",
  dbPassword: "prod-db-password-42",
  devDbPassword: "dev-db-password-17",
  apiToken: "api-token-team-a-99",
  teamBPassword: "team-b-password-must-not-leak",
} as const;

export interface World {
  readonly workDir: string;
  readonly home: string;
  /** The age key file in the sidecar's home (SOPS_AGE_KEY_FILE). */
  readonly ageKeyFile: string;
  readonly vault: VaultTestServer;
  /** JSON lines written by the fake helm: one object per call with argv, cwd and values. */
  readonly helmRecord: string;
  readonly sidecarEnv: Record<string, string>;
  close(): Promise<void>;
}

/** Starts the Vault test server and lays out the sidecar's home and bin folder. */
export async function createWorld(): Promise<World> {
  requireBundle();
  const workDir = tempDir("kreveal-cmp-sidecar-");
  const home = path.join(workDir, "home");
  const bin = path.join(workDir, "bin");
  mkdirSync(path.join(home, "keys"), { recursive: true });
  mkdirSync(bin);

  const ageKeyFile = path.join(home, "keys", "age-key.txt");
  copyFileSync(path.join(repoRoot, examplesPath, "age-key.txt"), ageKeyFile);

  symlinkSync(bundle, path.join(bin, "kreveal"));
  const helmRecord = path.join(workDir, "helm-calls.jsonl");
  writeFakeHelm(path.join(bin, "helm"), helmRecord);

  const vault = await startVault();
  const sidecarEnv: Record<string, string> = {
    PATH: [bin, path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(path.delimiter),
    HOME: home,
    SOPS_AGE_KEY_FILE: ageKeyFile,
    VAULT_ADDR: vault.url,
    VAULT_TOKEN: vaultToken,
    // Fails a hung case in 20 s instead of the default 50 s; every case here needs a few seconds.
    KREVEAL_CMP_TIMEOUT_SECONDS: "20",
  };

  return { workDir, home, ageKeyFile, vault, helmRecord, sidecarEnv, close: () => vault.close() };
}

async function startVault(): Promise<VaultTestServer> {
  const vault = await VaultTestServer.start();
  vault
    .namespace()
    .mountKv("secret", 2)
    .addToken(vaultToken)
    .write("secret/team-a/db", { username: vaultValues.dbUsername, password: vaultValues.dbPassword })
    .write("secret/team-a/dev-db", { password: vaultValues.devDbPassword })
    .write("secret/team-a/api", { token: vaultValues.apiToken })
    .write("secret/team-b/db", { password: vaultValues.teamBPassword });
  return vault;
}

/** Writes the `helm` program: a shell script that runs the compiled fake-helm.js with Node. */
function writeFakeHelm(file: string, recordFile: string): void {
  const script = fileURLToPath(new URL("./fake-helm.js", import.meta.url));
  const text = `#!/bin/sh\nFAKE_HELM_RECORD='${recordFile}' exec '${process.execPath}' '${script}' "$@"\n`;
  writeFileSync(file, text, { mode: 0o755 });
}

/** Reads what the fake helm recorded, one entry per call. */
export function helmCalls(world: World): { argv: string[]; cwd: string; values: string[] }[] {
  let text: string;
  try {
    text = readFileSync(world.helmRecord, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as { argv: string[]; cwd: string; values: string[] });
}

/** Builds the repository content of one request: the example app `name` at its path in this repository. */
export function exampleApp(name: string, prepare?: (requestRoot: string) => void): RepositoryContent {
  const target = `${examplesPath}/${name}`;
  return { copies: { [target]: path.join(repoRoot, target) }, ...(prepare === undefined ? {} : { prepare }) };
}

/** Builds an Argo CD request for the app at `sourcePath`, in project team-a unless `changes` sets another. */
export function appRequest(sourcePath: string, changes: Partial<AppRequest> = {}): AppRequest {
  return {
    appName: "billing",
    namespace: "team-a-prod",
    project: "team-a",
    revision: "4f3c2b1a09d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4",
    repoUrl: "https://git.example/platform/apps.git",
    sourcePath,
    targetRevision: "main",
    kubeVersion: "1.29.3",
    apiResources: [
      { group: "", version: "v1", kind: "Secret" },
      { group: "", version: "v1", kind: "Service" },
      { group: "apps", version: "v1", kind: "Deployment" },
    ],
    pluginEnv: [],
    parameters: undefined,
    ...changes,
  };
}
