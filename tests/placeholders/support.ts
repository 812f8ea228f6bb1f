import { KrevealError } from "../../plugin/errors.js";
import { parseYamlStream } from "../../plugin/formats/yaml-read.js";
import { stringifyDocument } from "../../plugin/formats/yaml-write.js";
import type { SecretBackend } from "../../plugin/placeholders/backends/backend.js";
import { resolvePlaceholders, type ResolveOptions } from "../../plugin/placeholders/resolve.js";

/** A backend double that serves secrets from memory and records every read. */
export interface FakeBackend extends SecretBackend {
  readonly reads: string[];
  /** The maximum number of reads in flight at the same time. */
  readonly maxInFlight: () => number;
}

/**
 * Creates an in-memory backend. `secrets` maps "path" or "path#version" to the secret's data; a
 * path that is not there fails with BACKEND_NOT_FOUND, as a store does.
 */
export function fakeBackend(scheme: string, secrets: Record<string, Record<string, unknown>>, delayMs = 0): FakeBackend {
  const reads: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    scheme,
    reads,
    maxInFlight: () => maxInFlight,
    async read(path, version) {
      const id = version === undefined ? path : `${path}#${version}`;
      reads.push(id);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        const data = Object.hasOwn(secrets, id) ? secrets[id] : undefined;
        if (data === undefined) {
          throw new KrevealError("BACKEND_NOT_FOUND", "no secret at this path", { location: `${scheme} secret "${path}"` });
        }
        return data;
      } finally {
        inFlight -= 1;
      }
    },
  };
}

/** Resolves a YAML stream with the given backends and returns the written stream. */
export async function resolveText(text: string, backends: readonly SecretBackend[], options: Partial<ResolveOptions> = {}): Promise<string> {
  const documents = parseYamlStream(text, "test input");
  await resolvePlaceholders(documents, {
    cwd: process.cwd(),
    loadBackend: (scheme) => {
      const backend = backends.find((candidate) => candidate.scheme === scheme);
      return backend === undefined ? Promise.reject(new Error(`no test backend for ${scheme}`)) : Promise.resolve(backend);
    },
    ...options,
  });
  return documents
    .map((document) => {
      if (documents.length > 1 && document.directives !== undefined) {
        document.directives.docStart = true;
      }
      return stringifyDocument(document);
    })
    .join("");
}

/** Runs `body` and returns the KrevealError it throws; fails when it does not throw one. */
export async function caught(body: () => Promise<unknown>): Promise<KrevealError> {
  try {
    await body();
  } catch (error) {
    if (error instanceof KrevealError) {
      return error;
    }
    throw error;
  }
  throw new Error("expected a KrevealError");
}
