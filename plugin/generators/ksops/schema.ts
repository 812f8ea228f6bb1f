import * as z from "zod/mini";

const stringMap = z.record(z.string(), z.string());
const pathList = z.nullish(z.array(z.string()));

/** `secretFrom[].metadata`: the four fields of kustomize's ObjectMeta type that KSOPS reads. */
const secretMetadata = z.object({
  name: z.nullish(z.string()),
  namespace: z.nullish(z.string()),
  labels: z.nullish(stringMap),
  annotations: z.nullish(stringMap),
});

const secretFrom = z.object({
  metadata: z.nullish(secretMetadata),
  type: z.nullish(z.string()),
  files: pathList,
  binaryFiles: pathList,
  envs: pathList,
});

/**
 * A KSOPS generator manifest (`viaduct.ai/v1` or `v2`, kind `ksops`) as KSOPS v4.5.1 reads it.
 * Like KSOPS, the schema drops unknown keys, and compat-fields.ts warns about them. A field of
 * the wrong type is an error, as it is for KSOPS's YAML decoder.
 */
export const ksopsSchema = z.object({
  apiVersion: z.string(),
  kind: z.string(),
  files: pathList,
  secretFrom: z.nullish(z.array(secretFrom)),
});

export type KsopsManifest = z.infer<typeof ksopsSchema>;
export type KsopsSecretFrom = z.infer<typeof secretFrom>;

/** Field names per level, for the unknown-field warnings. */
export const ksopsTopFields = ["apiVersion", "kind", "metadata", "files", "secretFrom"] as const;
export const ksopsSecretFromFields = ["metadata", "type", "files", "binaryFiles", "envs"] as const;
export const ksopsMetadataFields = ["name", "namespace", "labels", "annotations"] as const;

export const ksopsFields = "ksops fields: files, secretFrom (metadata with name, namespace, labels and annotations; type; files; binaryFiles; envs).";
