import { parseManifest } from "../manifest.js";
import type { GeneratorContext, KubernetesObject } from "../registry.js";
import { decryptManifests } from "../sops-manifests.js";
import { manifestDecryptorFields, manifestDecryptorSchema } from "./schema.js";

/**
 * Emits the resources of the SOPS-encrypted manifest files that a `kreveal.dev/v1alpha1`
 * `ManifestDecryptor` lists, decrypted and without their `sops` metadata. Resources of any kind
 * pass through; the kustomize annotations `needs-hash` and `behavior` in them reach kustomize,
 * which applies them.
 */
export async function generate(manifest: unknown, context: GeneratorContext): Promise<KubernetesObject[]> {
  const config = parseManifest(manifestDecryptorSchema, manifest, context.description, manifestDecryptorFields);
  const files = config.files.map((path, index) => ({ field: `files[${index}]`, path }));
  return decryptManifests(files, { description: context.description, inputs: context.inputs, strictBehavior: true });
}
