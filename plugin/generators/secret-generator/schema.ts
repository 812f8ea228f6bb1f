import * as z from "zod/mini";

const nonEmptyString = z.string().check(z.minLength(1));
const stringMap = z.record(z.string(), z.string());

/**
 * `kreveal.dev/v1alpha1` `SecretGenerator`: the fields of kustomize's built-in secretGenerator,
 * with name and namespace under `metadata`. Unknown fields are errors. Lists and maps may be
 * null, as YAML writes a key with nothing after it.
 */
export const secretGeneratorSchema = z.strictObject({
  apiVersion: z.literal("kreveal.dev/v1alpha1"),
  kind: z.literal("SecretGenerator"),
  metadata: z.strictObject({
    name: nonEmptyString,
    namespace: z.nullish(nonEmptyString),
    // Labels and annotations of the manifest itself (kustomize and kpt add some). They are not
    // copied to the Secret: options.labels and options.annotations are.
    labels: z.nullish(stringMap),
    annotations: z.nullish(stringMap),
  }),
  type: z.nullish(nonEmptyString),
  files: z.nullish(z.array(nonEmptyString)),
  envs: z.nullish(z.array(nonEmptyString)),
  literals: z.nullish(z.array(z.string())),
  behavior: z.nullish(z.enum(["create", "merge", "replace"])),
  options: z.nullish(
    z.strictObject({
      labels: z.nullish(stringMap),
      annotations: z.nullish(stringMap),
      disableNameSuffixHash: z.nullish(z.boolean()),
      immutable: z.nullish(z.boolean()),
    }),
  ),
});

export type SecretGeneratorManifest = z.infer<typeof secretGeneratorSchema>;

export const secretGeneratorFields =
  "SecretGenerator fields: apiVersion, kind, metadata (name, namespace, labels, annotations), type, files, envs, literals, behavior, options (labels, annotations, disableNameSuffixHash, immutable).";
