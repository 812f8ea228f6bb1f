import type { KrevealError } from "../../errors.js";
import { collectErrors, configError, parseManifest } from "../manifest.js";
import type { GeneratorContext, KubernetesObject } from "../registry.js";
import { kustomizeBase64 } from "./base64.js";
import { collectSecretData } from "./data.js";
import { secretGeneratorFields, secretGeneratorSchema, type SecretGeneratorManifest } from "./schema.js";

/** Annotation that makes kustomize append the content hash to a generated resource's name and rewrite references to it. */
export const needsHashAnnotation = "kustomize.config.k8s.io/needs-hash";
/** Annotation that selects whether kustomize creates, merges or replaces a resource of the same name. */
export const behaviorAnnotation = "kustomize.config.k8s.io/behavior";

/**
 * Generates one Secret from a `kreveal.dev/v1alpha1` `SecretGenerator`, following kustomize's
 * built-in secretGenerator: values in `data` as base64 with kustomize's line breaks (`data: {}`
 * when there are none), `type: Opaque` unless set, and the needs-hash annotation unless
 * `options.disableNameSuffixHash` is true. For the same plaintext, kustomize then gives the Secret
 * the same name suffix as its built-in generator.
 */
export async function generate(manifest: unknown, context: GeneratorContext): Promise<KubernetesObject[]> {
  const config = parseManifest(secretGeneratorSchema, manifest, context.description, secretGeneratorFields);
  checkReservedAnnotations(config, context.description);

  const data = await collectSecretData(config, context.description, context.inputs);

  const secret: KubernetesObject = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: secretMetadata(config),
    type: config.type ?? "Opaque",
  };
  if (config.options?.immutable === true) {
    secret.immutable = true;
  }
  // The built-in writes `data: {}` even without sources, and kustomize hashes `{}` differently from a missing field.
  secret.data = Object.fromEntries([...data].map(([key, value]) => [key, kustomizeBase64(value)]));
  return [secret];
}

function secretMetadata(config: SecretGeneratorManifest): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: config.metadata.name };
  const namespace = config.metadata.namespace ?? undefined;
  if (namespace !== undefined) {
    metadata.namespace = namespace;
  }

  const labels = config.options?.labels ?? {};
  if (Object.keys(labels).length > 0) {
    metadata.labels = { ...labels };
  }

  const annotations: Record<string, string> = { ...(config.options?.annotations ?? {}) };
  const behavior = config.behavior ?? undefined;
  if (behavior !== undefined) {
    annotations[behaviorAnnotation] = behavior;
  }
  if (config.options?.disableNameSuffixHash !== true) {
    annotations[needsHashAnnotation] = "true";
  }
  if (Object.keys(annotations).length > 0) {
    metadata.annotations = annotations;
  }
  return metadata;
}

/** Rejects the hash and behavior annotations in options.annotations, because their own fields set them. */
function checkReservedAnnotations(config: SecretGeneratorManifest, description: string): void {
  const problems: KrevealError[] = [];
  const annotations = config.options?.annotations ?? {};
  if (needsHashAnnotation in annotations) {
    problems.push(
      configError(description, ["options", "annotations", needsHashAnnotation], "is set by kreveal", "Use options.disableNameSuffixHash: true to turn the name suffix off."),
    );
  }
  if (behaviorAnnotation in annotations) {
    problems.push(configError(description, ["options", "annotations", behaviorAnnotation], "is set by kreveal", "Use the behavior field instead."));
  }
  if (problems.length > 0) {
    throw collectErrors(problems);
  }
}
