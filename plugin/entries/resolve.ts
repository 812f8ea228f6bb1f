import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";

import { isScalar, type Document } from "yaml";

import { KrevealError } from "../errors.js";
import { parseYamlStream } from "../formats/yaml-read.js";
import { writeDocumentStream } from "../output/document-stream.js";
import { resolvePlaceholders } from "../placeholders/resolve.js";
import { readStdin, writeStdout } from "./stdio.js";

const usage = `usage: kreveal resolve FILE|DIR|-

Resolves the placeholders (<vault:PATH#KEY>, <sops:FILE#KEY>, AVP's <path:PATH#KEY>) in a YAML
stream and prints the result. FILE is one YAML or JSON file, DIR every .yaml, .yml and .json file
below that folder (sorted by path), and - reads standard input. Nothing is printed when any
placeholder cannot be resolved.
`;

/** `kreveal resolve FILE|DIR|-`: prints the input's YAML stream with every placeholder resolved. */
export async function main(args: string[]): Promise<void> {
  if (args.length === 1 && (args[0] === "--help" || args[0] === "-h")) {
    await writeStdout(usage);
    return;
  }
  const [target] = args;
  if (args.length !== 1) {
    throw new KrevealError("USAGE", "resolve takes exactly one FILE, DIR or - argument", { fix: "Run: kreveal resolve --help" });
  }

  const documents = readInput(target === "-" ? await readStdinText() : readPath(target));
  await resolvePlaceholders(documents, { cwd: realpathSync.native(process.cwd()) });
  await writeStdout(writeDocumentStream(documents));
}

interface Source {
  readonly location: string;
  readonly text: string;
}

async function readStdinText(): Promise<Source[]> {
  const bytes = await readStdin();
  return [{ location: "(stdin)", text: decodeUtf8(bytes, "(stdin)") }];
}

/** Reads a file, or every .yaml, .yml and .json file below a folder in sorted path order. */
function readPath(target: string): Source[] {
  let isFolder: boolean;
  try {
    isFolder = statSync(target).isDirectory();
  } catch (error) {
    throw new KrevealError("FILE_NOT_FOUND", "the file or folder cannot be read", { location: target, fix: "Check the path.", cause: error });
  }

  const files = isFolder ? listManifests(target) : [target];
  if (files.length === 0) {
    throw new KrevealError("INPUT_EMPTY", "the folder has no .yaml, .yml or .json file", { location: target });
  }
  return files.map((file) => ({ location: file, text: decodeUtf8(readFileSync(file), file) }));
}

function listManifests(folder: string): string[] {
  const names = readdirSync(folder, { recursive: true, encoding: "utf8" });
  return names
    .filter((name) => /\.(ya?ml|json)$/.test(name))
    .map((name) => path.join(folder, name))
    .filter((file) => statSync(file).isFile())
    .sort(comparePaths);
}

/** Orders paths by UTF-16 code units, the same on every machine, unlike localeCompare. */
function comparePaths(a: string, b: string): number {
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/**
 * Parses every source and drops empty documents (nothing, comments only, or null). An input
 * without any other document is an error.
 */
function readInput(sources: readonly Source[]): Document[] {
  const documents = sources.flatMap((source) => parseYamlStream(source.text, source.location)).filter((document) => !isEmpty(document));
  if (documents.length === 0) {
    const fromStdin = sources.length === 1 && sources[0]?.location === "(stdin)";
    throw new KrevealError("INPUT_EMPTY", fromStdin ? "standard input is empty: it contains no YAML document" : "the input contains no YAML document", {
      location: sources.length === 1 ? sources[0]?.location : undefined,
      fix: fromStdin
        ? "The command feeding kreveal probably failed. Run the pipeline with set -o pipefail so that its failure stops the run."
        : "Check that the files contain manifests.",
    });
  }
  return documents;
}

function isEmpty(document: Document): boolean {
  const contents = document.contents;
  return contents === null || (isScalar(contents) && contents.value === null);
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function decodeUtf8(bytes: Uint8Array, location: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new KrevealError("INPUT_MALFORMED", "the input is not valid UTF-8", { location });
  }
}
