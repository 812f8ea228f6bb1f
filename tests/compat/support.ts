import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";

import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";
import { parseStream, pluginHome, tempRepo } from "../e2e/support.js";
import { fixture, tempDir } from "../support/paths.js";

/** The nine cases of KSOPS v4.5.1's `test/krm` folder, copied to tests/fixtures/upstream/ksops. */
export const ksopsCases = ["behaviors", "binaryfile", "envs", "file", "hash", "metadata", "multiple", "override", "single"] as const;
export type KsopsCase = (typeof ksopsCases)[number];

/** The launcher that kustomize runs as a legacy plugin for `viaduct.ai/v1` `ksops`; KSOPS users also put it on PATH as `ksops`. */
export const ksopsLauncher = path.join(pluginHome, "viaduct.ai/v1/ksops/ksops");
export const sopsSecretGeneratorLauncher = path.join(pluginHome, "goabout.com/v1beta1/sopssecretgenerator/SopsSecretGenerator");

/** Published test keys: the PGP key of the KSOPS fixtures and the legacy keyring of the SopsSecretGenerator fixtures. */
export const ksopsKey = fixture("ksops/test/key.asc");
export const sopsSecretGeneratorKeyring = fixture("sopssecretgenerator/testdata/secring.gpg");

/** An age identity file from the sops fixtures and its first recipient, for files encrypted by the tests. */
export const ageKeys = fixture("sops/_history/v3.7.3/age/keys.txt");
export const ageRecipient = "age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw";

/**
 * Copies a KSOPS case into a fresh repository and returns the case folder. With
 * `legacyPlugin`, the `config.kubernetes.io/function` annotation is removed from the generator
 * manifest: kustomize treats a manifest with that annotation as a KRM exec function, which
 * `kubectl kustomize` cannot run and skips without an error, so the legacy plugin would never be
 * called. Nothing else in the case changes.
 */
export function copyKsopsCase(name: KsopsCase, options: { legacyPlugin: boolean }): string {
  const folder = path.join(tempRepo(), name);
  cpSync(fixture(`ksops/test/krm/${name}`), folder, { recursive: true });
  if (options.legacyPlugin) {
    const generator = path.join(folder, "generate-resources.yaml");
    const text = readFileSync(generator, "utf8");
    const adapted = text.replace(/^ {2}annotations:\n {4}config\.kubernetes\.io\/function: \|\n(?: {8}.*\n)+/m, "");
    if (adapted === text) {
      throw new Error(`${generator}: the function annotation was not found`);
    }
    writeFileSync(generator, adapted);
  }
  return folder;
}

/** Parses a case's `want.yaml`. */
export function wantedObjects(name: KsopsCase): Record<string, unknown>[] {
  return parseStream(readFileSync(fixture(`ksops/test/krm/${name}/want.yaml`), "utf8"));
}

/**
 * Applies what kustomize does with the two annotations it reads on generator output, for outputs
 * of tools that leave them alone (kpt): needs-hash "true" appends kustomize's name hash, and both
 * annotations are removed. `behavior` itself cannot be applied without the base resources. The
 * KSOPS case that uses it replaces a base Secret, and no field of that base Secret is left over.
 */
export function consumeKustomizeAnnotations(resource: Record<string, unknown>): Record<string, unknown> {
  const metadata = { ...(resource.metadata as Record<string, unknown>) };
  const annotations = { ...((metadata.annotations ?? {}) as Record<string, string>) };
  const needsHash = annotations["kustomize.config.k8s.io/needs-hash"] === "true";
  delete annotations["kustomize.config.k8s.io/needs-hash"];
  delete annotations["kustomize.config.k8s.io/behavior"];

  if (Object.keys(annotations).length > 0) {
    metadata.annotations = annotations;
  } else {
    delete metadata.annotations;
  }
  const consumed = { ...resource, metadata };
  if (needsHash) {
    metadata.name = `${String(metadata.name)}-${kustomizeHashSuffix(consumed)}`;
  }
  return consumed;
}

/**
 * Creates a folder with links named like the tools' executables (`ksops`, `SopsSecretGenerator`)
 * to kreveal's launchers, and returns a PATH that starts with it. Migrating users install kreveal
 * under these names so that `exec: path: ksops` keeps working.
 */
export function pathWithToolLinks(): string {
  const bin = tempDir("kreveal-bin-");
  symlinkSync(ksopsLauncher, path.join(bin, "ksops"));
  symlinkSync(sopsSecretGeneratorLauncher, path.join(bin, "SopsSecretGenerator"));
  return [bin, process.env.PATH ?? ""].join(path.delimiter);
}

/** Creates an empty folder for kpt to evaluate a function on, so that the items are only what the function generates. */
export function emptyPackage(parent: string): string {
  const folder = path.join(parent, "empty-package");
  mkdirSync(folder);
  return folder;
}
