import * as z from "zod/mini";

/**
 * `kreveal.dev/v1alpha1` `PlaceholderTransformer`. Unknown fields are errors. Backend settings
 * (Vault address, credentials, keys) are deliberately absent: they come only from the
 * environment of the kreveal process, so that a manifest in a repository cannot redirect reads.
 */
export const placeholderTransformerSchema = z.strictObject({
  apiVersion: z.literal("kreveal.dev/v1alpha1"),
  kind: z.literal("PlaceholderTransformer"),
  metadata: z.strictObject({
    name: z.string().check(z.minLength(1)),
    namespace: z.nullish(z.string()),
    // kpt adds path and index annotations to the config, and users may label it.
    labels: z.nullish(z.record(z.string(), z.string())),
    annotations: z.nullish(z.record(z.string(), z.string())),
  }),
  spec: z.nullish(
    z.strictObject({
      /** The maximum number of secret reads in flight at once. */
      concurrency: z.nullish(z.int().check(z.minimum(1), z.maximum(256))),
      /** The time budget for all reads, in seconds. */
      timeoutSeconds: z.nullish(z.int().check(z.minimum(1), z.maximum(600))),
    }),
  ),
});

export type PlaceholderTransformerManifest = z.infer<typeof placeholderTransformerSchema>;

export const placeholderTransformerFields =
  "PlaceholderTransformer fields: apiVersion, kind, metadata (name, namespace, labels, annotations), spec (concurrency, timeoutSeconds).";
