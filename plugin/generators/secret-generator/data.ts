import { KrevealError, KrevealErrors } from "../../errors.js";
import type { InputReader } from "../../files/input-reader.js";
import { parseKustomizeEnv } from "../kustomize-env.js";
import { collectErrors, configError } from "../manifest.js";
import { secretKeyProblem } from "../secret-key.js";
import type { SecretGeneratorManifest } from "./schema.js";
import { parseFileSource, parseLiteralSource, type FileSource } from "./sources.js";

/** One data entry of the Secret and the field it came from, e.g. `envs[0] "app.env" line 3`. */
interface DataPair {
  readonly key: string;
  readonly value: Uint8Array;
  readonly origin: string;
  /** The key came from an env line without `=`: it may be a value pasted by mistake, so messages hide it. */
  readonly hideKey: boolean;
}

/**
 * Collects the Secret's data from `envs`, `literals` and `files`, in that order like kustomize,
 * and checks the keys. Every problem found (bad entries, unreadable files, invalid or repeated
 * keys) is thrown together. Returns the data sorted by key.
 */
export async function collectSecretData(
  manifest: SecretGeneratorManifest,
  description: string,
  inputs: InputReader,
): Promise<Map<string, Uint8Array>> {
  const problems: KrevealError[] = [];
  const envs = manifest.envs ?? [];
  const fileSources = parseFileSources(manifest.files ?? [], description, problems);
  const literalPairs = parseLiterals(manifest.literals ?? [], description, problems);

  const envSources = envs.map((path, index) => ({ field: `envs[${index}]`, path }));
  const [envContents, fileContents] = await Promise.all([readAll(envSources, inputs), readAll(fileSources, inputs)]);
  for (const result of [...envContents, ...fileContents]) {
    if (result.status === "rejected") {
      problems.push(...locate(result.reason, description));
    }
  }

  const pairs: DataPair[] = [];
  for (const [index, path] of envs.entries()) {
    const result = envContents[index];
    if (result.status === "fulfilled") {
      pairs.push(...envPairs(result.value, `envs[${index}] "${path}"`, description, problems));
    }
  }
  pairs.push(...literalPairs);
  for (const [index, source] of fileSources.entries()) {
    const result = fileContents[index];
    if (result.status === "fulfilled") {
      pairs.push({ key: source.key, value: result.value, origin: `${source.field} "${source.path}"`, hideKey: false });
    }
  }

  const data = checkKeys(pairs, description, problems);
  if (problems.length > 0) {
    throw collectErrors(problems);
  }
  return new Map([...data.entries()].sort(([left], [right]) => compareKeys(left, right)));
}

/** Sorts keys by code unit, which for the ASCII characters of Secret keys is Go's byte order. */
function compareKeys(left: string, right: string): number {
  if (left === right) {
    return 0;
  }
  return left < right ? -1 : 1;
}

interface NamedInput {
  readonly field: string;
  readonly path: string;
}

function parseFileSources(entries: readonly string[], description: string, problems: KrevealError[]): (FileSource & NamedInput)[] {
  const sources: (FileSource & NamedInput)[] = [];
  for (const [index, entry] of entries.entries()) {
    const source = parseFileSource(entry);
    if (typeof source === "string") {
      problems.push(configError(description, ["files", index], source, "Write each entry as PATH or KEY=PATH."));
    } else {
      sources.push({ ...source, field: `files[${index}]` });
    }
  }
  return sources;
}

function parseLiterals(entries: readonly string[], description: string, problems: KrevealError[]): DataPair[] {
  const pairs: DataPair[] = [];
  for (const [index, entry] of entries.entries()) {
    const literal = parseLiteralSource(entry);
    if (literal === undefined) {
      problems.push(configError(description, ["literals", index], "must be KEY=VALUE with a non-empty KEY", "Write the entry as KEY=VALUE."));
    } else {
      pairs.push({ key: literal.key, value: Buffer.from(literal.value, "utf8"), origin: `literals[${index}]`, hideKey: false });
    }
  }
  return pairs;
}

/** Reads every input concurrently. The results keep the order of `sources`. */
async function readAll(sources: readonly NamedInput[], inputs: InputReader): Promise<PromiseSettledResult<Uint8Array>[]> {
  return Promise.allSettled(sources.map((source) => inputs.read(source.field, source.path)));
}

function envPairs(bytes: Uint8Array, origin: string, description: string, problems: KrevealError[]): DataPair[] {
  try {
    return parseKustomizeEnv(bytes, origin).map((pair) => ({
      key: pair.key,
      value: Buffer.from(pair.value, "utf8"),
      origin: `${origin} line ${pair.line}`,
      hideKey: pair.keyIsWholeLine,
    }));
  } catch (error) {
    problems.push(...locate(error, description));
    return [];
  }
}

function checkKeys(pairs: readonly DataPair[], description: string, problems: KrevealError[]): Map<string, Uint8Array> {
  const data = new Map<string, Uint8Array>();
  const origins = new Map<string, string>();
  for (const pair of pairs) {
    const problem = secretKeyProblem(pair.key);
    if (problem !== undefined) {
      const message = pair.hideKey ? `the line has no "=", so its whole text would be the key, which ${problem}` : `key "${pair.key}" ${problem}`;
      problems.push(configError(description, pair.origin, `invalid Secret key: ${message}`, "Secret keys may use letters, digits, '-', '_' and '.' (at most 253 characters)."));
      continue;
    }

    const first = origins.get(pair.key);
    if (first !== undefined) {
      const key = pair.hideKey ? 'the line has no "=", so its whole text is the key, and that key' : `key "${pair.key}"`;
      problems.push(configError(description, pair.origin, `${key} is already set by ${first}`, "Give every data key one source only."));
      continue;
    }
    origins.set(pair.key, pair.origin);
    data.set(pair.key, pair.value);
  }
  return data;
}

/** Puts the manifest description in front of each error's location. Errors that are not KrevealErrors are rethrown. */
function locate(error: unknown, description: string): KrevealError[] {
  if (error instanceof KrevealErrors) {
    return error.errors.flatMap((inner) => locate(inner, description));
  }
  if (error instanceof KrevealError) {
    const location = error.location === undefined ? description : `${description}: ${error.location}`;
    return [new KrevealError(error.code, error.message, { location, fix: error.fix, cause: error.cause })];
  }
  throw error;
}
