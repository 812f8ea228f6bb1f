import { KrevealError } from "../errors.js";
import type { InputReader } from "../files/input-reader.js";
import { describeManifest, isRecord } from "./manifest.js";

/** A Kubernetes object as plain JavaScript values, ready to be written as YAML. */
export type KubernetesObject = Record<string, unknown>;

/** Inputs of a generator besides its manifest. */
export interface GeneratorContext {
  /** Names the manifest in messages, e.g. `SecretGenerator "app" in gen.yaml`. */
  readonly description: string;
  /** Reads (and decrypts) the files that the manifest names. */
  readonly inputs: InputReader;
}

/** One generator kind. `generate` validates the manifest itself and throws KrevealError. */
export interface GeneratorModule {
  generate(manifest: unknown, context: GeneratorContext): Promise<KubernetesObject[]>;
}

interface GeneratorKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Loads the module on first use, so that a run imports only the kind it needs. */
  readonly load: () => Promise<GeneratorModule>;
}

/** Every generator kind kreveal reads, by apiVersion and kind. */
const generatorKinds: readonly GeneratorKind[] = [
  { apiVersion: "kreveal.dev/v1alpha1", kind: "SecretGenerator", load: () => import("./secret-generator/generate.js") },
  { apiVersion: "kreveal.dev/v1alpha1", kind: "ManifestDecryptor", load: () => import("./manifest-decryptor/generate.js") },
  // KSOPS accepts any apiVersion. Its documentation uses v1, and its own tests also use v2.
  { apiVersion: "viaduct.ai/v1", kind: "ksops", load: () => import("./ksops/generate.js") },
  { apiVersion: "viaduct.ai/v2", kind: "ksops", load: () => import("./ksops/generate.js") },
  { apiVersion: "goabout.com/v1beta1", kind: "SopsSecretGenerator", load: () => import("./sops-secret-generator/generate.js") },
  { apiVersion: "goabout.com/v1beta1", kind: "SopsSecret", load: () => import("./sops-secret-generator/generate.js") },
];

/** Returns the apiVersion/kind pairs that `runGenerator` accepts, e.g. for help texts. */
export function knownGeneratorKinds(): string[] {
  return generatorKinds.map((entry) => `${entry.apiVersion} ${entry.kind}`);
}

/**
 * Runs the generator that the manifest's apiVersion and kind select. `file` is the manifest's
 * file when there is one (legacy plugins get a file; KRM functions usually do not).
 */
export async function runGenerator(manifest: unknown, inputs: InputReader, file?: string): Promise<KubernetesObject[]> {
  const description = describeManifest(manifest, file);
  const record = isRecord(manifest) ? manifest : {};
  const entry = generatorKinds.find((candidate) => candidate.apiVersion === record.apiVersion && candidate.kind === record.kind);
  if (entry === undefined) {
    throw new KrevealError("CONFIG_INVALID", `unknown generator: apiVersion ${fieldText(record.apiVersion)}, kind ${fieldText(record.kind)}`, {
      location: description,
      fix: `Use one of: ${knownGeneratorKinds().join("; ")}.`,
    });
  }

  const module = await entry.load();
  return module.generate(manifest, { description, inputs });
}

function fieldText(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : "(missing)";
}
