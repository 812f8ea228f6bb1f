import { KrevealError } from "../errors.js";
import type { InputReader } from "../files/input-reader.js";
import type { DecryptedFile } from "../sops/decrypt.js";
import { yamlStore } from "../sops/stores/yaml.js";
import { toPlain, type Branch } from "../sops/tree.js";
import { formatFieldPath } from "./field-path.js";
import { locateErrors } from "./input-errors.js";
import { reportAnnotationProblems } from "./kustomize-annotations.js";
import { collectErrors, configError, isRecord } from "./manifest.js";
import type { KubernetesObject } from "./registry.js";

/** One SOPS-encrypted manifest file named by a generator field, e.g. `files[2]`. */
export interface ManifestFile {
  readonly field: string;
  readonly path: string;
}

export interface ManifestOptions {
  /** Names the generator manifest in messages. */
  readonly description: string;
  readonly inputs: InputReader;
  /**
   * Fails on a behavior annotation that kustomize would read as create. KSOPS passes such a
   * value on, so its compatibility kind only warns.
   */
  readonly strictBehavior: boolean;
}

/**
 * Decrypts SOPS-encrypted manifest files and returns every resource in them, in file and document
 * order, without the `sops` metadata. Values keep their YAML or JSON types (integers as bigint).
 * Annotations stay as they are, so kustomize still reads `needs-hash` and `behavior` from them.
 * Every problem of every file is thrown together.
 */
export async function decryptManifests(files: readonly ManifestFile[], options: ManifestOptions): Promise<KubernetesObject[]> {
  const results = await Promise.allSettled(files.map((file) => options.inputs.readEncrypted(file.field, file.path)));

  const problems: KrevealError[] = [];
  const resources: KubernetesObject[] = [];
  for (const [index, result] of results.entries()) {
    const file = files[index];
    if (result.status === "rejected") {
      problems.push(...locateErrors(result.reason, options.description));
      continue;
    }
    try {
      resources.push(...resourcesOf(result.value, `${file.field} "${file.path}"`, options, problems));
    } catch (error) {
      problems.push(...locateErrors(error, options.description));
    }
  }

  if (problems.length > 0) {
    throw collectErrors(problems);
  }
  return resources;
}

function resourcesOf(file: DecryptedFile, location: string, options: ManifestOptions, problems: KrevealError[]): KubernetesObject[] {
  const documents = documentsOf(file, location)
    .map((branch) => toPlain(branch))
    .filter((document): document is Record<string, unknown> => isRecord(document) && Object.keys(document).length > 0);
  if (documents.length === 0) {
    throw new KrevealError("INPUT_EMPTY", "the decrypted file contains no manifest", {
      location,
      fix: "Name files that hold Kubernetes manifests, or remove the entry.",
    });
  }

  const resources: KubernetesObject[] = [];
  for (const [index, document] of documents.entries()) {
    const where = documents.length === 1 ? location : `${location} document ${index + 1}`;
    const found = checkResource(document, where, options);
    problems.push(...found);
    if (found.length === 0) {
      resources.push(document);
    }
  }
  return resources;
}

/** Returns the YAML documents of the file. A manifest encrypted in sops's binary format is read as YAML. */
function documentsOf(file: DecryptedFile, location: string): readonly Branch[] {
  switch (file.store) {
    case "yaml":
    case "json":
      return file.branches;
    case "binary":
      return yamlStore.parse(file.plaintext, location).branches;
    default:
      throw new KrevealError("CONFIG_INVALID", `is a ${file.store} file, not a YAML or JSON manifest`, {
        location,
        fix: "Name SOPS-encrypted YAML or JSON manifests here. Put env and INI files into a Secret with a generator's envs or files instead.",
      });
  }
}

/** Checks the fields that kustomize needs and the annotations it reads. Returns the errors and writes warnings to stderr. */
function checkResource(resource: Record<string, unknown>, where: string, options: ManifestOptions): KrevealError[] {
  const errors: KrevealError[] = [];
  const at = (field: readonly PropertyKey[]): string => `${where}: ${formatFieldPath(field)}`;
  const fix = "Every document must be a Kubernetes resource with apiVersion, kind and metadata.name.";

  for (const field of ["apiVersion", "kind"] as const) {
    const value = resource[field];
    if (typeof value !== "string" || value === "") {
      errors.push(configError(options.description, at([field]), value === undefined ? "is required" : "must be a non-empty string", fix));
    }
  }

  // kustomize expands a List into its items, which carry their own names.
  const isList = typeof resource.kind === "string" && resource.kind.endsWith("List");
  const metadata = isRecord(resource.metadata) ? resource.metadata : {};
  if (!isList && (typeof metadata.name !== "string" || metadata.name === "")) {
    errors.push(configError(options.description, at(["metadata", "name"]), metadata.name === undefined ? "is required" : "must be a non-empty string", fix));
  }

  reportAnnotationProblems(resource, options.description, at, errors, options.strictBehavior);
  return errors;
}
