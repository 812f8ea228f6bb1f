import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { generateX25519Identity, identityToRecipient } from "age-encryption";

import { pluginHome, tempRepo, type RunResult } from "../e2e/support.js";
import { tempDir } from "../support/paths.js";
import { ageWrapper, writeSops } from "../support/sops-writer.js";

/** A Deployment that reads the Secret `app-secret` by name, so that kustomize rewrites both references. */
export const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app
spec:
  selector:
    matchLabels: {app: app}
  template:
    metadata:
      labels: {app: app}
    spec:
      containers:
      - name: app
        image: registry.example/app:1
        env:
        - name: DB_PASSWORD
          valueFrom:
            secretKeyRef: {name: app-secret, key: password}
        envFrom:
        - secretRef: {name: app-secret}
`;

/** The transformer manifest that the kustomizations list under `transformers:`. */
export const transformer = `apiVersion: kreveal.dev/v1alpha1
kind: PlaceholderTransformer
metadata:
  name: resolve
spec:
  concurrency: 4
`;

/**
 * Writes an age key file outside the repository and a SOPS file `secrets.enc.yaml` encrypted for
 * it into `folder`. Returns the key file's path, for SOPS_AGE_KEY_FILE.
 */
export async function writeEncryptedSecrets(folder: string, plaintext: string): Promise<string> {
  const identity = await generateX25519Identity();
  const keyFile = path.join(tempDir("kreveal-age-"), "keys.txt");
  writeFileSync(keyFile, `${identity}\n`);

  const encrypted = await writeSops({ store: "yaml", plaintext, groups: [[ageWrapper(await identityToRecipient(identity))]] });
  writeFileSync(path.join(folder, "secrets.enc.yaml"), encrypted);
  return keyFile;
}

/** Writes the files into a folder `app/` of a fresh repository and returns the folder. */
export function writeApp(files: Record<string, string>): string {
  const folder = path.join(tempRepo(), "app");
  mkdirSync(folder);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(path.join(folder, name), content);
  }
  return folder;
}

/** Builds the arguments of `kubectl kustomize` with alpha plugins enabled for a kustomization folder. */
export function kustomizeArgs(folder: string): string[] {
  return ["kustomize", "--enable-alpha-plugins", folder];
}

/** The environment entry that points kustomize at the repository's plugins. */
export const pluginEnv = { KUSTOMIZE_PLUGIN_HOME: pluginHome };

/**
 * Runs a command without blocking the event loop, so that a test server in this process can
 * respond to the command's requests.
 */
export function runAsync(command: string, args: readonly string[], options: { cwd: string; env: Record<string, string>; input?: string }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"], timeout: 60_000 });
    child.stdin.end(options.input ?? "");
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (status) => {
      resolve({ status, stdout: Buffer.concat(stdout).toString("utf8"), stderr: Buffer.concat(stderr).toString("utf8") });
    });
  });
}
