import * as z from "zod/mini";

const stringMap = z.record(z.string(), z.string());
const pathList = z.nullish(z.array(z.string()));

/**
 * The words that yaml.v3 also reads as booleans when it decodes into a bool field (the YAML 1.1
 * forms), which SopsSecretGenerator does for disableNameSuffixHash.
 */
export const yaml11True = ["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"] as const;
export const yaml11False = ["n", "N", "no", "No", "NO", "off", "Off", "OFF"] as const;

/**
 * `goabout.com/v1beta1` `SopsSecretGenerator` (or its old kind `SopsSecret`) as
 * SopsSecretGenerator v1.6 reads it. Like that tool, the schema drops unknown keys, and
 * compat-fields.ts warns about them. A field of the wrong type is an error.
 */
export const sopsSecretGeneratorSchema = z.object({
  apiVersion: z.literal("goabout.com/v1beta1"),
  kind: z.enum(["SopsSecretGenerator", "SopsSecret"]),
  metadata: z.nullish(
    z.object({
      name: z.nullish(z.string()),
      namespace: z.nullish(z.string()),
      labels: z.nullish(stringMap),
      annotations: z.nullish(stringMap),
    }),
  ),
  envs: pathList,
  files: pathList,
  type: z.nullish(z.string()),
  behavior: z.nullish(z.string()),
  disableNameSuffixHash: z.nullish(z.union([z.boolean(), z.enum([...yaml11True, ...yaml11False])])),
});

export type SopsSecretGeneratorManifest = z.infer<typeof sopsSecretGeneratorSchema>;

export const sopsSecretGeneratorTopFields = ["apiVersion", "kind", "metadata", "envs", "files", "type", "behavior", "disableNameSuffixHash"] as const;
export const sopsSecretGeneratorMetadataFields = ["name", "namespace", "labels", "annotations"] as const;

export const sopsSecretGeneratorFields =
  "SopsSecretGenerator fields: apiVersion, kind, metadata (name, namespace, labels, annotations), envs, files, type, behavior, disableNameSuffixHash.";
