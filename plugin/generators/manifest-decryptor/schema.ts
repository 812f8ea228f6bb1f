import * as z from "zod/mini";

const nonEmptyString = z.string().check(z.minLength(1));
const stringMap = z.record(z.string(), z.string());

/**
 * `kreveal.dev/v1alpha1` `ManifestDecryptor`: a list of SOPS-encrypted manifest files, emitted
 * decrypted. Unknown fields are errors. The manifest has no namespace: each resource keeps the one
 * written in its file, and kustomize's `namespace:` field sets one for all of them.
 */
export const manifestDecryptorSchema = z.strictObject({
  apiVersion: z.literal("kreveal.dev/v1alpha1"),
  kind: z.literal("ManifestDecryptor"),
  metadata: z.strictObject({
    name: nonEmptyString,
    // Labels and annotations of the manifest itself (kustomize and kpt add some). They are not
    // copied to the decrypted resources.
    labels: z.nullish(stringMap),
    annotations: z.nullish(stringMap),
  }),
  files: z.array(nonEmptyString).check(z.minLength(1)),
});

export type ManifestDecryptorManifest = z.infer<typeof manifestDecryptorSchema>;

export const manifestDecryptorFields = "ManifestDecryptor fields: apiVersion, kind, metadata (name, labels, annotations), files.";
