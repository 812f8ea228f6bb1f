/**
 * Runs kustomize's built-in `secretGenerator` and kreveal's `SecretGenerator` on the same files
 * with the real `kubectl kustomize --enable-alpha-plugins`, so that kustomize itself is the
 * oracle for kreveal's output. Each case becomes a fresh repository:
 *
 *   base/         optional base kustomization for behavior cases, used by both sides
 *   kreveal-base/ optional base used by the kreveal side in place of base/
 *   builtin/      kustomization.yaml with a `secretGenerator:` entry, the input files and a Deployment
 *   kreveal/      kustomization.yaml listing secret-generator.yaml, the same files and Deployment
 *
 * kreveal runs as a legacy exec plugin from the repository's `generators/` folder.
 */
import assert from "node:assert/strict";
import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";

import { stringify as stringifyYaml } from "yaml";

import { kustomizeHashSuffix } from "../../plugin/generators/kustomize-hash.js";
import { findKind, isolatedEnv, parseStream, pluginHome, run, runKreveal, tempRepo, type RunResult } from "../e2e/support.js";

export type Resource = Record<string, unknown>;

export interface OracleCase {
  /** Files written into both kustomization folders, by path relative to the folder. */
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
  /** Files written relative to the repository root, outside both kustomization folders. */
  readonly repoFiles?: Readonly<Record<string, string | Uint8Array>>;
  /** Files written only into the kreveal folder, e.g. SOPS-encrypted copies of the inputs. */
  readonly krevealFiles?: Readonly<Record<string, string | Uint8Array>>;
  /** The built-in `secretGenerator` entry. Its `name` and `namespace` also name the Secret that the Deployment uses. */
  readonly builtin: Readonly<Record<string, unknown>>;
  /** The kreveal `SecretGenerator` manifest without apiVersion and kind. */
  readonly kreveal: Readonly<Record<string, unknown>>;
  /** More kustomization fields for both sides, e.g. `namePrefix` or `generatorOptions`. */
  readonly kustomization?: Readonly<Record<string, unknown>>;
  /** A base kustomization that both sides list under `resources`, with its own files. */
  readonly base?: BaseKustomization;
  /** A base for the kreveal side only, in place of `base` (which the built-in side still uses). */
  readonly krevealBase?: BaseKustomization;
  /** Environment for kubectl and kreveal, e.g. the key that opens encrypted inputs. */
  readonly env?: Readonly<Record<string, string>>;
}

export interface BaseKustomization {
  readonly kustomization: Readonly<Record<string, unknown>>;
  readonly files?: Readonly<Record<string, string | Uint8Array>>;
}

export interface OracleRun {
  readonly builtin: RunResult;
  readonly kreveal: RunResult;
  /** kreveal's own output for the manifest (`kreveal legacy`), as kustomize reads it before hashing. */
  readonly generated: RunResult;
}

/** Creates the repository for a case and runs both kustomizations and kreveal's plugin on its own. */
export function runOracle(oracleCase: OracleCase): OracleRun {
  const root = realpathSync(tempRepo());
  const secretName = String(oracleCase.builtin.name);
  const namespace = typeof oracleCase.builtin.namespace === "string" ? oracleCase.builtin.namespace : undefined;
  const resources = oracleCase.base === undefined ? ["deployment.yaml"] : ["../base", "deployment.yaml"];
  const krevealResources = oracleCase.krevealBase === undefined ? resources : ["../kreveal-base", "deployment.yaml"];

  writeFolder(root, oracleCase.repoFiles ?? {});
  for (const [folder, base] of [["base", oracleCase.base], ["kreveal-base", oracleCase.krevealBase]] as const) {
    if (base !== undefined) {
      writeFolder(path.join(root, folder), { ...base.files, "kustomization.yaml": stringify(base.kustomization) });
    }
  }

  const shared = { ...oracleCase.files, "deployment.yaml": deployment(secretName, namespace) };
  const builtinFolder = path.join(root, "builtin");
  writeFolder(builtinFolder, {
    ...shared,
    "kustomization.yaml": stringify({ resources, ...oracleCase.kustomization, secretGenerator: [oracleCase.builtin] }),
  });

  const krevealFolder = path.join(root, "kreveal");
  const manifest = { apiVersion: "kreveal.dev/v1alpha1", kind: "SecretGenerator", ...oracleCase.kreveal };
  writeFolder(krevealFolder, {
    ...shared,
    ...oracleCase.krevealFiles,
    "secret-generator.yaml": stringify(manifest),
    "kustomization.yaml": stringify({ resources: krevealResources, ...oracleCase.kustomization, generators: ["secret-generator.yaml"] }),
  });

  const env = isolatedEnv({ KUSTOMIZE_PLUGIN_HOME: pluginHome, ...oracleCase.env });
  return {
    builtin: kustomize(builtinFolder, env),
    kreveal: kustomize(krevealFolder, env),
    generated: runKreveal(["legacy", "secret-generator.yaml"], { cwd: krevealFolder, env }),
  };
}

/** Asserts that both builds succeeded with equal parsed output, and returns that output. */
export function assertSameOutput(result: OracleRun): Resource[] {
  assert.equal(result.builtin.status, 0, `built-in secretGenerator failed:\n${result.builtin.stderr}`);
  assert.equal(result.kreveal.status, 0, `kreveal SecretGenerator failed:\n${result.kreveal.stderr}`);

  const builtin = parseStream(result.builtin.stdout);
  const kreveal = parseStream(result.kreveal.stdout);
  assert.deepEqual(kreveal, builtin, "kreveal's output differs from the built-in secretGenerator's");
  return kreveal;
}

/** Asserts that the built-in secretGenerator's build succeeded and returns its one Secret. */
export function builtinSecret(result: OracleRun): Resource {
  assert.equal(result.builtin.status, 0, `built-in secretGenerator failed:\n${result.builtin.stderr}`);
  return findKind(parseStream(result.builtin.stdout), "Secret");
}

/**
 * Asserts that kustomize named the Secret `<name>-<suffix>` with the suffix that kreveal's own
 * hash function computes, both from the final Secret and from kreveal's plugin output.
 */
export function assertHashedName(resources: readonly Resource[], result: OracleRun, name: string, options: { fromGenerated?: boolean } = {}): void {
  const secret = findKind(resources, "Secret");
  const finalName = metadataOf(secret).name;
  assert.equal(finalName, `${name}-${kustomizeHashSuffix(secret)}`, "suffix computed from the final Secret");

  if (options.fromGenerated !== false) {
    assert.equal(result.generated.status, 0, result.generated.stderr);
    const generated = findKind(parseStream(result.generated.stdout), "Secret");
    assert.equal(finalName, `${name}-${kustomizeHashSuffix(generated)}`, "suffix computed from kreveal's plugin output");
  }
}

/** Asserts that the Deployment's secretKeyRef, secretRef and secret volume name the Secret as kustomize named it. */
export function assertReferences(resources: readonly Resource[]): void {
  const secretName = metadataOf(findKind(resources, "Secret")).name;
  const pod = (findKind(resources, "Deployment") as { spec: { template: { spec: PodSpec } } }).spec.template.spec;
  const container = pod.containers.at(0);
  assert.ok(container !== undefined, "the Deployment has a container");
  assert.equal(container.env.at(0)?.valueFrom.secretKeyRef.name, secretName, "env[0].valueFrom.secretKeyRef.name");
  assert.equal(container.envFrom.at(0)?.secretRef.name, secretName, "envFrom[0].secretRef.name");
  assert.equal(pod.volumes.at(0)?.secret.secretName, secretName, "volumes[0].secret.secretName");
}

interface PodSpec {
  containers: { env: { valueFrom: { secretKeyRef: { name: string } } }[]; envFrom: { secretRef: { name: string } }[] }[];
  volumes: { secret: { secretName: string } }[];
}

/** Decodes a Secret's data to bytes, by key. */
export function decodedData(secret: Resource): Record<string, Buffer> {
  const data = (secret.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, "base64")]));
}

/** Asserts the decoded data of the one Secret, with expected values as text or bytes. */
export function assertData(resources: readonly Resource[], expected: Readonly<Record<string, string | Uint8Array>>): void {
  const wanted = Object.fromEntries(Object.entries(expected).map(([key, value]) => [key, Buffer.from(value)]));
  assert.deepEqual(decodedData(findKind(resources, "Secret")), wanted);
}

export function metadataOf(resource: Resource): { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } {
  return resource.metadata as { name: string };
}

/** Asserts that kreveal failed closed: non-zero exit, nothing on stdout, each pattern in stderr, no secret value. */
export function assertKrevealFailed(result: RunResult, patterns: readonly RegExp[], secrets: readonly string[] = []): void {
  assert.notEqual(result.status, 0, "kreveal's build must fail");
  assert.equal(result.stdout, "", "stdout must stay empty");
  assert.match(result.stderr, /SecretGenerator "[^"]+" in /, "stderr names the manifest");
  for (const pattern of patterns) {
    assert.match(result.stderr, pattern);
  }
  for (const secret of secrets) {
    assert.ok(!result.stderr.includes(secret), "stderr must not contain a secret value");
  }
}

/**
 * Writes YAML that kustomize reads back as the same strings. kustomize reads `on`, `yes` and the
 * like as booleans (YAML 1.1), so strings are written with YAML 1.1 quoting.
 */
function stringify(value: unknown): string {
  return stringifyYaml(value, { version: "1.1" });
}

function kustomize(folder: string, env: Record<string, string>): RunResult {
  return run("kubectl", ["kustomize", "--enable-alpha-plugins", folder], { cwd: path.dirname(folder), env });
}

function writeFolder(folder: string, files: Readonly<Record<string, string | Uint8Array>>): void {
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(folder, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

/** Returns a Deployment that uses the Secret in the three ways kustomize rewrites: secretKeyRef, secretRef and a secret volume. */
function deployment(secretName: string, namespace: string | undefined): string {
  return stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: namespace === undefined ? { name: "app" } : { name: "app", namespace },
    spec: {
      selector: { matchLabels: { app: "app" } },
      template: {
        metadata: { labels: { app: "app" } },
        spec: {
          containers: [
            {
              name: "app",
              image: "registry.example/app:1",
              env: [{ name: "FROM_SECRET", valueFrom: { secretKeyRef: { name: secretName, key: "any-key" } } }],
              envFrom: [{ secretRef: { name: secretName } }],
              volumeMounts: [{ name: "secret", mountPath: "/etc/secret" }],
            },
          ],
          volumes: [{ name: "secret", secret: { secretName } }],
        },
      },
    },
  });
}
