import type { KrevealError } from "../../errors.js";
import { warnUnknownFields } from "../compat-fields.js";
import { formatFieldPath } from "../field-path.js";
import { locateErrors } from "../input-errors.js";
import { behaviorAnnotation, needsHashAnnotation, reportAnnotationProblems } from "../kustomize-annotations.js";
import { collectErrors, configError, isRecord, parseManifest } from "../manifest.js";
import type { GeneratorContext, KubernetesObject } from "../registry.js";
import { parseFileSource } from "../secret-generator/sources.js";
import { secretKeyProblem } from "../secret-key.js";
import { sortedKeys } from "../sorted-keys.js";
import { envFormat, parseEnvSource, type EnvFormat } from "./env-sources.js";
import {
  sopsSecretGeneratorFields,
  sopsSecretGeneratorMetadataFields,
  sopsSecretGeneratorSchema,
  sopsSecretGeneratorTopFields,
  yaml11True,
  type SopsSecretGeneratorManifest,
} from "./schema.js";

/** A data value and the field (and line) that set it, for messages. */
interface DataEntry {
  readonly value: Uint8Array;
  readonly origin: string;
}

const fieldHints: Readonly<Record<string, string>> = {
  options: "SopsSecretGenerator has no options block: disableNameSuffixHash sits at the top level, and the name hash stays on unless it is true.",
  literals: "SopsSecretGenerator has no literals; put the values into an encrypted env file.",
};

/**
 * Generates one Secret from a `goabout.com/v1beta1` `SopsSecretGenerator` (or `SopsSecret`) as
 * SopsSecretGenerator v1.6 does. Every value is base64-encoded in `data`, which is `{}` when
 * there is none. Env files come before files, and a later key wins. `type` is copied when set,
 * the manifest's labels and annotations are copied, `behavior` becomes kustomize's annotation,
 * and the needs-hash annotation is added unless `disableNameSuffixHash` is true. Every input
 * must be SOPS-encrypted. All problems are thrown together.
 */
export async function generate(manifest: unknown, context: GeneratorContext): Promise<KubernetesObject[]> {
  warnUnknownFields(manifest, sopsSecretGeneratorTopFields, [], { description: context.description, tool: "SopsSecretGenerator", hints: fieldHints });
  if (isRecord(manifest)) {
    warnUnknownFields(manifest.metadata, sopsSecretGeneratorMetadataFields, ["metadata"], { description: context.description, tool: "SopsSecretGenerator" });
  }
  const config = parseManifest(sopsSecretGeneratorSchema, manifest, context.description, sopsSecretGeneratorFields);

  const problems: KrevealError[] = [];
  const name = config.metadata?.name ?? "";
  if (name === "") {
    problems.push(configError(context.description, ["metadata", "name"], "is required", "Set metadata.name: it becomes the Secret's name."));
  }

  const data = await collectData(config, context, problems);
  const secret = buildSecret(config, name, data);
  reportAnnotationProblems(secret, context.description, (field) => (field.at(-1) === behaviorAnnotation ? "behavior" : formatFieldPath(field)), problems);

  if (problems.length > 0) {
    throw collectErrors(problems);
  }
  return [secret];
}

/** Reads `envs` and `files` concurrently and merges them in that order, so a later key wins. */
async function collectData(config: SopsSecretGeneratorManifest, context: GeneratorContext, problems: KrevealError[]): Promise<Map<string, DataEntry>> {
  const envs: { field: string; path: string; format: EnvFormat }[] = [];
  for (const [index, path] of (config.envs ?? []).entries()) {
    const format = envFormat(path);
    if (format === undefined) {
      problems.push(
        configError(context.description, ["envs", index], `"${path}" has an unknown file format`, "SopsSecretGenerator reads env files ending in .env, .yaml, .yml or .json; list other files under files."),
      );
    } else {
      envs.push({ field: `envs[${index}]`, path, format });
    }
  }

  const files: { field: string; path: string; key: string }[] = [];
  for (const [index, entry] of (config.files ?? []).entries()) {
    const source = parseFileSource(entry);
    if (typeof source === "string") {
      problems.push(configError(context.description, ["files", index], source, "Write each entry as PATH or KEY=PATH."));
    } else {
      files.push({ ...source, field: `files[${index}]` });
    }
  }

  const read = (sources: readonly { field: string; path: string }[]): Promise<PromiseSettledResult<Uint8Array>[]> =>
    Promise.allSettled(sources.map(async (source) => (await context.inputs.readEncrypted(source.field, source.path)).plaintext));
  const [envContents, fileContents] = await Promise.all([read(envs), read(files)]);

  const data = new Map<string, DataEntry>();
  for (const [index, source] of envs.entries()) {
    const result = envContents[index];
    const origin = `${source.field} "${source.path}"`;
    try {
      if (result.status === "rejected") {
        throw result.reason;
      }
      for (const pair of parseEnvSource(result.value, source.format, origin)) {
        data.set(pair.key, { value: Buffer.from(pair.value, "utf8"), origin: pair.where === undefined ? origin : `${origin} ${pair.where}` });
      }
    } catch (error) {
      problems.push(...locateErrors(error, context.description));
    }
  }
  for (const [index, source] of files.entries()) {
    const result = fileContents[index];
    if (result.status === "rejected") {
      problems.push(...locateErrors(result.reason, context.description));
    } else {
      data.set(source.key, { value: result.value, origin: `${source.field} "${source.path}"` });
    }
  }

  for (const [key, entry] of data) {
    const problem = secretKeyProblem(key);
    if (problem !== undefined) {
      problems.push(configError(context.description, entry.origin, `invalid Secret key: key "${key}" ${problem}`, "Secret keys may use letters, digits, '-', '_' and '.' (at most 253 characters)."));
    }
  }
  return data;
}

/**
 * Annotations of the generator manifest that describe the manifest itself, not the Secret. The
 * first two are the ones SopsSecretGenerator drops. The rest are kustomize's and kpt's bookkeeping
 * (file path, index, ids), which SopsSecretGenerator copies. kustomize removes them again at the
 * end of a build, but under kpt a copied path annotation would send the Secret into the
 * generator's own file.
 */
const manifestAnnotations = new Set([
  "config.kubernetes.io/local-config",
  "config.kubernetes.io/function",
  "config.kubernetes.io/path",
  "config.kubernetes.io/index",
  "config.kubernetes.io/id",
  "config.k8s.io/id",
  "kustomize.config.k8s.io/id",
]);

function isManifestAnnotation(key: string): boolean {
  return manifestAnnotations.has(key) || key.startsWith("internal.config.kubernetes.io/");
}

function buildSecret(config: SopsSecretGeneratorManifest, name: string, data: ReadonlyMap<string, DataEntry>): KubernetesObject {
  const metadata: Record<string, unknown> = { name };
  const namespace = config.metadata?.namespace ?? "";
  if (namespace !== "") {
    metadata.namespace = namespace;
  }
  const labels = config.metadata?.labels ?? {};
  if (Object.keys(labels).length > 0) {
    metadata.labels = { ...labels };
  }

  const annotations = Object.fromEntries(Object.entries(config.metadata?.annotations ?? {}).filter(([key]) => !isManifestAnnotation(key)));
  if (!disablesHash(config.disableNameSuffixHash)) {
    annotations[needsHashAnnotation] = "true";
  }
  const behavior = config.behavior ?? "";
  if (behavior !== "") {
    annotations[behaviorAnnotation] = behavior;
  }
  if (Object.keys(annotations).length > 0) {
    metadata.annotations = annotations;
  }

  const secret: KubernetesObject = { apiVersion: "v1", kind: "Secret", metadata };
  const type = config.type ?? "";
  if (type !== "") {
    secret.type = type;
  }
  secret.data = Object.fromEntries(sortedKeys(data).map((key) => [key, Buffer.from(data.get(key)?.value ?? new Uint8Array()).toString("base64")]));
  return secret;
}

function disablesHash(value: SopsSecretGeneratorManifest["disableNameSuffixHash"]): boolean {
  if (typeof value === "string") {
    return (yaml11True as readonly string[]).includes(value);
  }
  return value === true;
}
