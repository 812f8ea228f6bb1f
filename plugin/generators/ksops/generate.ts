import type { KrevealError } from "../../errors.js";
import { warnUnknownFields } from "../compat-fields.js";
import { flattenErrors } from "../input-errors.js";
import { collectErrors, configError, isRecord, parseManifest } from "../manifest.js";
import type { GeneratorContext, KubernetesObject } from "../registry.js";
import { decryptManifests } from "../sops-manifests.js";
import { ksopsFields, ksopsMetadataFields, ksopsSchema, ksopsSecretFromFields, ksopsTopFields } from "./schema.js";
import { generateSecretFrom } from "./secret-from.js";

/**
 * Generates what a KSOPS v4.5.1 manifest (`viaduct.ai/v1` or `v2`, kind `ksops`) describes: the
 * decrypted resources of the SOPS files under `files`, then one Secret per `secretFrom` entry.
 * Unknown fields are ignored, as KSOPS ignores them, with a warning on stderr. A manifest with
 * neither `files` nor `secretFrom` is an error, and so is every file that is not SOPS-encrypted.
 */
export async function generate(manifest: unknown, context: GeneratorContext): Promise<KubernetesObject[]> {
  warnAboutUnknownFields(manifest, context.description);
  const config = parseManifest(ksopsSchema, manifest, context.description, ksopsFields);

  const files = config.files ?? [];
  const secretFrom = config.secretFrom ?? [];
  if (files.length === 0 && secretFrom.length === 0) {
    throw configError(context.description, "files", "is missing or empty, and so is secretFrom", "List SOPS-encrypted manifests under files, or Secrets to build under secretFrom.");
  }

  const manifests = decryptManifests(
    files.map((path, index) => ({ field: `files[${index}]`, path })),
    { description: context.description, inputs: context.inputs, strictBehavior: false },
  );
  const secrets = secretFrom.map((entry, index) => generateSecretFrom(entry, index, context));
  const [manifestResults, secretResults] = await Promise.all([Promise.allSettled([manifests]), Promise.allSettled(secrets)]);

  const problems: KrevealError[] = [];
  const generated: KubernetesObject[] = [];
  for (const result of manifestResults) {
    if (result.status === "fulfilled") {
      generated.push(...result.value);
    } else {
      problems.push(...flattenErrors(result.reason));
    }
  }
  for (const result of secretResults) {
    if (result.status === "fulfilled") {
      generated.push(result.value);
    } else {
      problems.push(...flattenErrors(result.reason));
    }
  }

  if (problems.length > 0) {
    throw collectErrors(problems);
  }
  return generated;
}

function warnAboutUnknownFields(manifest: unknown, description: string): void {
  const context = { description, tool: "KSOPS" };
  warnUnknownFields(manifest, ksopsTopFields, [], context);

  const entries = isRecord(manifest) && Array.isArray(manifest.secretFrom) ? (manifest.secretFrom as unknown[]) : [];
  for (const [index, entry] of entries.entries()) {
    warnUnknownFields(entry, ksopsSecretFromFields, ["secretFrom", index], context);
    if (isRecord(entry)) {
      warnUnknownFields(entry.metadata, ksopsMetadataFields, ["secretFrom", index, "metadata"], context);
    }
  }
}
