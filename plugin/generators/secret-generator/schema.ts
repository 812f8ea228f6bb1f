import * as z from "zod/mini";

import { isArrayOf, isNonEmptyString, isNullishOr, isPlainObject, isStringMap, lazySchema } from "../lazy-schema.js";

/**
 * `kreveal.dev/v1alpha1` `SecretGenerator`: the fields of kustomize's built-in secretGenerator,
 * with name and namespace under `metadata`. Unknown fields are errors. Lists and maps may be
 * null, as YAML writes a key with nothing after it.
 */
function buildSecretGeneratorSchema() {
  const nonEmptyString = z.string().check(z.minLength(1));
  const stringMap = z.record(z.string(), z.string());

  return z.strictObject({
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
}

export type SecretGeneratorManifest = z.infer<ReturnType<typeof buildSecretGeneratorSchema>>;

const manifestKeys = new Set(["apiVersion", "kind", "metadata", "type", "files", "envs", "literals", "behavior", "options"]);
const metadataKeys = new Set(["name", "namespace", "labels", "annotations"]);
const optionsKeys = new Set(["labels", "annotations", "disableNameSuffixHash", "immutable"]);
const behaviors = new Set<unknown>(["create", "merge", "replace"]);

/**
 * Checks a manifest before the zod schema does (see lazySchema), and accepts only manifests that
 * the schema above accepts. A change to the schema that rejects more must be made here too.
 * tests/generators/lazy-schema.test.ts compares both on many manifests.
 */
function isPlainlyValid(input: unknown): input is SecretGeneratorManifest {
  if (!isPlainObject(input, manifestKeys) || input.apiVersion !== "kreveal.dev/v1alpha1" || input.kind !== "SecretGenerator") {
    return false;
  }

  const metadata = input.metadata;
  if (!isPlainObject(metadata, metadataKeys) || !isNonEmptyString(metadata.name) || !isNullishOr(metadata.namespace, isNonEmptyString)) {
    return false;
  }
  if (!isNullishOr(metadata.labels, isStringMap) || !isNullishOr(metadata.annotations, isStringMap)) {
    return false;
  }

  const stringList = (value: unknown) => isArrayOf(value, (item) => typeof item === "string");
  const nonEmptyStringList = (value: unknown) => isArrayOf(value, isNonEmptyString);
  if (!isNullishOr(input.type, isNonEmptyString) || !isNullishOr(input.files, nonEmptyStringList) || !isNullishOr(input.envs, nonEmptyStringList)) {
    return false;
  }
  if (!isNullishOr(input.literals, stringList) || !isNullishOr(input.behavior, (value) => behaviors.has(value))) {
    return false;
  }

  return isNullishOr(input.options, (options) => {
    const isBoolean = (value: unknown) => typeof value === "boolean";
    return (
      isPlainObject(options, optionsKeys) &&
      isNullishOr(options.labels, isStringMap) &&
      isNullishOr(options.annotations, isStringMap) &&
      isNullishOr(options.disableNameSuffixHash, isBoolean) &&
      isNullishOr(options.immutable, isBoolean)
    );
  });
}

/** The schema of a SecretGenerator manifest; zod builds it only for a manifest that fails the quick check. */
export const secretGeneratorSchema = lazySchema(buildSecretGeneratorSchema, isPlainlyValid);

/** Exported for the test that compares the quick check with the zod schema. */
export { buildSecretGeneratorSchema };

export const secretGeneratorFields =
  "SecretGenerator fields: apiVersion, kind, metadata (name, namespace, labels, annotations), type, files, envs, literals, behavior, options (labels, annotations, disableNameSuffixHash, immutable).";
