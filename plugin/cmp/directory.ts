import { readFileSync } from "node:fs";

import { isMap, isScalar, type Document } from "yaml";

import { KrevealError } from "../errors.js";
import { createInputReader, type InputReader } from "../files/input-reader.js";
import { parseYamlStream } from "../formats/yaml-read.js";
import { detectSopsStore } from "../sops/stores/index.js";
import { listManifestFiles, type ManifestFile } from "./manifest-files.js";

export interface DirectoryOptions {
  /** The app folder, a real path. */
  readonly appDir: string;
  /** The repository root, a real path. No file may resolve outside it. */
  readonly repoRoot: string;
  /** Receives each note, such as a skipped file, without the `kreveal: note: ` prefix. */
  readonly note: (message: string) => void;
}

/**
 * Reads a plain folder of manifests: every .yaml, .yml and .json file below the app folder in
 * path order (see listManifestFiles). SOPS-encrypted files are decrypted in memory through the
 * input reader, so the tenant policy's sops rule applies. A file in which no document is a
 * Kubernetes object (values.yaml, package.json, .sops.yaml) is skipped with a note, and a file
 * that mixes both is an INPUT_MALFORMED error. Returns the documents, empty ones dropped.
 */
export async function readDirectory(options: DirectoryOptions): Promise<Document[]> {
  const reader = createInputReader({ cwd: options.appDir, root: options.repoRoot });
  const documents: Document[] = [];

  for (const file of listManifestFiles(options.appDir, options.repoRoot)) {
    const found = await readManifestFile(file, reader);
    if (found === undefined) {
      options.note(`skipped ${file.path}: not a Kubernetes manifest`);
    } else {
      documents.push(...found);
    }
  }
  return documents;
}

/** Returns the file's documents, or undefined when no document in it is a Kubernetes object. */
async function readManifestFile(file: ManifestFile, reader: InputReader): Promise<Document[] | undefined> {
  const bytes = readBytes(file);
  const store = detectSopsStore(bytes, file.path);

  let text = decodeUtf8(bytes, file.path);
  if (store !== undefined) {
    // The encrypted file keeps its keys in clear, so a file that cannot be a manifest is skipped
    // without being decrypted.
    if ((store !== "yaml" && store !== "json") || !mayHoldManifests(parseYamlStream(text, file.path))) {
      return undefined;
    }
    const decrypted = await reader.readEncrypted("manifest", file.path);
    text = decodeUtf8(decrypted.plaintext, file.path);
  }

  const documents = parseYamlStream(text, file.path).filter((document) => !isEmpty(document));
  const manifests = documents.map(isKubernetesObject);
  if (!manifests.includes(true)) {
    return undefined;
  }

  if (store === undefined && text.includes("ENC[AES256_GCM,")) {
    throw new KrevealError("SOPS_METADATA_MISSING", "the file contains ENC[AES256_GCM,...] values but no sops metadata", {
      location: file.path,
      fix: "The sops metadata was probably lost in a merge or an edit. Restore the file from version control, or re-encrypt it with sops.",
    });
  }

  const stray = manifests.indexOf(false);
  if (stray !== -1) {
    throw new KrevealError("INPUT_MALFORMED", `document ${stray + 1} is not a Kubernetes object (a map with string apiVersion and kind), but other documents in the file are`, {
      location: file.path,
      fix: "Keep Kubernetes manifests and other YAML in separate files: kreveal skips files without manifests.",
    });
  }
  return documents;
}

/** Tells whether some document of an encrypted file has apiVersion and kind keys (their values may be encrypted). */
function mayHoldManifests(documents: readonly Document[]): boolean {
  return documents.some((document) => isMap(document.contents) && document.has("apiVersion") && document.has("kind"));
}

/** Tells whether a document is a Kubernetes object: a map whose apiVersion and kind are strings. */
function isKubernetesObject(document: Document): boolean {
  if (!isMap(document.contents)) {
    return false;
  }
  return typeof document.get("apiVersion") === "string" && typeof document.get("kind") === "string";
}

/** Tells whether a document is empty: nothing, comments only, or null. */
function isEmpty(document: Document): boolean {
  const contents = document.contents;
  return contents === null || (isScalar(contents) && contents.value === null);
}

function readBytes(file: ManifestFile): Uint8Array {
  try {
    return readFileSync(file.real);
  } catch (error) {
    throw new KrevealError("FILE_NOT_FOUND", `cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`, {
      location: file.path,
      fix: "Check the file's permissions.",
      cause: error,
    });
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(bytes: Uint8Array, location: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new KrevealError("INPUT_MALFORMED", "the file is not valid UTF-8", { location });
  }
}
