import type { Document } from "yaml";

import { describeManifest, isRecord } from "../generators/manifest.js";

/** Inputs of a transformer besides its manifest and the resources. */
export interface TransformerContext {
  /** Names the manifest in messages, e.g. `PlaceholderTransformer "resolve" in transformer.yaml`. */
  readonly description: string;
  /** The folder that relative paths in the resources start from: the kustomization folder under kustomize. */
  readonly cwd: string;
}

/**
 * One transformer kind. `transform` validates the manifest itself, changes the documents in place
 * and throws KrevealError. It never adds or removes documents.
 */
export interface TransformerModule {
  transform(manifest: unknown, documents: readonly Document[], context: TransformerContext): Promise<void>;
}

interface TransformerKind {
  readonly apiVersion: string;
  readonly kind: string;
  /** Loads the module on first use, so that a generator run never imports a transformer. */
  readonly load: () => Promise<TransformerModule>;
}

/** Every transformer kind kreveal runs, by apiVersion and kind. */
const transformerKinds: readonly TransformerKind[] = [
  { apiVersion: "kreveal.dev/v1alpha1", kind: "PlaceholderTransformer", load: () => import("./placeholder-transformer/transform.js") },
];

/** Tells whether the manifest's apiVersion and kind name a transformer rather than a generator. */
export function isTransformerManifest(manifest: unknown): boolean {
  return findKind(manifest) !== undefined;
}

/**
 * Runs the transformer that the manifest selects on the documents, changing them in place.
 * `file` is the manifest's file when there is one. Callers check isTransformerManifest first.
 */
export async function runTransformer(manifest: unknown, documents: readonly Document[], context: { cwd: string; file?: string }): Promise<void> {
  const entry = findKind(manifest);
  if (entry === undefined) {
    throw new TypeError("runTransformer called with a manifest that is not a transformer");
  }

  const module = await entry.load();
  await module.transform(manifest, documents, { description: describeManifest(manifest, context.file), cwd: context.cwd });
}

function findKind(manifest: unknown): TransformerKind | undefined {
  const record = isRecord(manifest) ? manifest : {};
  return transformerKinds.find((candidate) => candidate.apiVersion === record.apiVersion && candidate.kind === record.kind);
}
