import type { KrevealError } from "../../errors.js";
import { formatFieldPath } from "../field-path.js";
import { locateErrors } from "../input-errors.js";
import { reportAnnotationProblems } from "../kustomize-annotations.js";
import { collectErrors, configError } from "../manifest.js";
import type { GeneratorContext, KubernetesObject } from "../registry.js";
import { parseFileSource } from "../secret-generator/sources.js";
import { secretKeyProblem } from "../secret-key.js";
import { sortedKeys } from "../sorted-keys.js";
import { warn } from "../warnings.js";
import { parseGodotenv } from "./godotenv.js";
import type { KsopsSecretFrom } from "./schema.js";

/** One named input of the entry: its field path, file path and data key (envs have none). */
interface Source {
  readonly field: string;
  readonly path: string;
  readonly key: string;
}

/** A data key with the field (and line) that set it, for messages. */
interface Entry {
  readonly value: string;
  readonly origin: string;
}

const utf8 = new TextDecoder("utf-8");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Builds the Secret of one `secretFrom` entry as KSOPS v4.5.1 does: `files` become `stringData`
 * text, `binaryFiles` become base64 in `data`, and `envs` are parsed with godotenv's rules into
 * `stringData`, where they overwrite keys from `files`. A later source wins over an earlier one
 * without a word. `type` is copied only when set, and no needs-hash annotation is added.
 * Every input must be SOPS-encrypted. All problems of the entry are thrown together.
 */
export async function generateSecretFrom(entry: KsopsSecretFrom, index: number, context: GeneratorContext): Promise<KubernetesObject> {
  const base = ["secretFrom", index] as const;
  const problems: KrevealError[] = [];

  const name = entry.metadata?.name ?? "";
  if (name === "") {
    problems.push(configError(context.description, [...base, "metadata", "name"], "is required", "Give every secretFrom entry a metadata.name: it becomes the Secret's name."));
  }

  const files = fileSources(entry.files ?? [], [...base, "files"], context.description, problems);
  const binaryFiles = fileSources(entry.binaryFiles ?? [], [...base, "binaryFiles"], context.description, problems);
  const envs = (entry.envs ?? []).map((path, envIndex) => ({ field: formatFieldPath([...base, "envs", envIndex]), path, key: "" }));

  const read = (sources: readonly Source[]): Promise<PromiseSettledResult<Uint8Array>[]> =>
    Promise.allSettled(sources.map(async (source) => (await context.inputs.readEncrypted(source.field, source.path)).plaintext));
  const [fileContents, binaryContents, envContents] = await Promise.all([read(files), read(binaryFiles), read(envs)]);

  const stringData = new Map<string, Entry>();
  const data = new Map<string, Entry>();
  forEachRead(files, fileContents, context.description, problems, (source, bytes, origin) => {
    stringData.set(source.key, { value: decodeText(bytes, `${context.description}: ${origin}`), origin });
  });
  forEachRead(binaryFiles, binaryContents, context.description, problems, (source, bytes, origin) => {
    data.set(source.key, { value: Buffer.from(bytes).toString("base64"), origin });
  });
  forEachRead(envs, envContents, context.description, problems, (_source, bytes, origin) => {
    try {
      for (const variable of parseGodotenv(decodeText(bytes, `${context.description}: ${origin}`), origin)) {
        stringData.set(variable.key, { value: variable.value, origin: `${origin} line ${variable.line}` });
      }
    } catch (error) {
      problems.push(...locateErrors(error, context.description));
    }
  });

  checkKeys([...stringData, ...data], context.description, problems);
  const secret = buildSecret(entry, name, stringData, data);
  reportAnnotationProblems(secret, context.description, (field) => formatFieldPath([...base, ...field]), problems);

  if (problems.length > 0) {
    throw collectErrors(problems);
  }
  return secret;
}

function fileSources(entries: readonly string[], field: readonly PropertyKey[], description: string, problems: KrevealError[]): Source[] {
  const sources: Source[] = [];
  for (const [index, entry] of entries.entries()) {
    const source = parseFileSource(entry);
    if (typeof source === "string") {
      problems.push(configError(description, [...field, index], source, "Write each entry as PATH or KEY=PATH."));
    } else {
      sources.push({ ...source, field: formatFieldPath([...field, index]) });
    }
  }
  return sources;
}

/** Calls `use` for every input that was read, in order, and records the read errors. */
function forEachRead(
  sources: readonly Source[],
  results: readonly PromiseSettledResult<Uint8Array>[],
  description: string,
  problems: KrevealError[],
  use: (source: Source, bytes: Uint8Array, origin: string) => void,
): void {
  for (const [index, source] of sources.entries()) {
    const result = results[index];
    if (result.status === "rejected") {
      problems.push(...locateErrors(result.reason, description));
    } else {
      use(source, result.value, `${source.field} "${source.path}"`);
    }
  }
}

/** Decodes text as KSOPS's Go string conversion and YAML writer do: invalid UTF-8 becomes U+FFFD. */
function decodeText(bytes: Uint8Array, location: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    warn(location, "is not valid UTF-8; the invalid bytes become U+FFFD in stringData, as with KSOPS. List the file under binaryFiles to keep its bytes.");
    return utf8.decode(bytes);
  }
}

/** Checks every data key as the Kubernetes API server will, so that a bad key fails the build, not the apply. */
function checkKeys(entries: readonly (readonly [string, Entry])[], description: string, problems: KrevealError[]): void {
  for (const [key, entry] of entries) {
    const problem = secretKeyProblem(key);
    if (problem !== undefined) {
      problems.push(configError(description, entry.origin, `invalid Secret key: key "${key}" ${problem}`, "Secret keys may use letters, digits, '-', '_' and '.' (at most 253 characters)."));
    }
  }
}

function buildSecret(entry: KsopsSecretFrom, name: string, stringData: ReadonlyMap<string, Entry>, data: ReadonlyMap<string, Entry>): KubernetesObject {
  const metadata: Record<string, unknown> = { name };
  const namespace = entry.metadata?.namespace ?? "";
  if (namespace !== "") {
    metadata.namespace = namespace;
  }
  const labels = entry.metadata?.labels ?? {};
  if (Object.keys(labels).length > 0) {
    metadata.labels = { ...labels };
  }
  const annotations = entry.metadata?.annotations ?? {};
  if (Object.keys(annotations).length > 0) {
    metadata.annotations = { ...annotations };
  }

  const secret: KubernetesObject = { apiVersion: "v1", kind: "Secret", metadata };
  const type = entry.type ?? "";
  if (type !== "") {
    secret.type = type;
  }
  if (data.size > 0) {
    secret.data = sortedValues(data);
  }
  if (stringData.size > 0) {
    secret.stringData = sortedValues(stringData);
  }
  return secret;
}

function sortedValues(entries: ReadonlyMap<string, Entry>): Record<string, string> {
  return Object.fromEntries(sortedKeys(entries).map((key) => [key, entries.get(key)?.value ?? ""]));
}
