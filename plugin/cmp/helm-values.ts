import { statSync } from "node:fs";
import path from "node:path";

import { isMap, parseAllDocuments, type Document, type Tags } from "yaml";

import { KrevealError, KrevealErrors, withLocation } from "../errors.js";
import { createInputReader } from "../files/input-reader.js";
import { resolvePlaceholders } from "../placeholders/resolve.js";
import type { Deadline } from "./budget.js";

/** One values file to hand to helm, as the user named it. */
export interface ValuesFile {
  /** The path relative to the app folder, e.g. `values-prod.yaml`. */
  readonly path: string;
  /** The setting that named the file, for messages: `values-files[1]`, or `chart` for values.yaml. */
  readonly field: string;
}

export interface ValuesOptions {
  /** The chart folder (a real path), against which values file paths are resolved. */
  readonly appDir: string;
  /** The repository root (a real path). No values file may resolve outside it. */
  readonly repoRoot: string;
  readonly files: readonly ValuesFile[];
  readonly deadline: Deadline;
}

/**
 * Lists the values files in the order helm gets them: the chart's own values.yaml when it exists,
 * then each file of the `values-files` setting. A later entry naming values.yaml again is left
 * out, so that it cannot override the files listed between the two.
 */
export function listValuesFiles(appDir: string, valuesFiles: readonly string[]): ValuesFile[] {
  const chartValues = path.join(appDir, "values.yaml");
  const files: ValuesFile[] = [];
  if (statSync(chartValues, { throwIfNoEntry: false })?.isFile() === true) {
    files.push({ path: "values.yaml", field: "chart" });
  }

  for (const [index, file] of valuesFiles.entries()) {
    if (path.resolve(appDir, file) === chartValues) {
      continue;
    }
    files.push({ path: file, field: `values-files[${index}]` });
  }
  return files;
}

/**
 * Reads the values files and returns each as YAML text with its placeholders resolved, ready for
 * helm. Every file must resolve inside the repository root, and symbolic links that lead out of
 * it are rejected (PATH_OUTSIDE_ROOT). A SOPS-encrypted file, as helm-secrets users keep them, is
 * decrypted in memory, and the tenant policy's sops rule applies to it as to any other SOPS input.
 * The result stays in memory: the caller hands it to helm through pipes. All problems of all
 * files are thrown together.
 */
export async function readValuesFiles(options: ValuesOptions): Promise<Buffer[]> {
  const { appDir, repoRoot, files, deadline } = options;
  deadline.enter("placeholder resolution");

  const reader = createInputReader({ cwd: appDir, root: repoRoot });
  const documents: (Document | undefined)[] = [];
  for (const file of files) {
    const bytes = await readOne(reader, file);
    documents.push(parseValues(Buffer.from(bytes).toString("utf8"), locationOf(file)));
  }

  // Each file is resolved on its own, so that every error names the file it comes from.
  const problems: KrevealError[] = [];
  await Promise.all(
    documents.map(async (document, index) => {
      if (document === undefined) {
        return;
      }
      try {
        await resolvePlaceholders([document], { cwd: appDir, timeoutMs: deadline.remainingMs() });
      } catch (error) {
        if (!(error instanceof KrevealError)) {
          throw error;
        }
        problems.push(...relocate(error, locationOf(files[index])));
      }
    }),
  );

  if (problems.length > 0 && deadline.expired()) {
    throw deadline.timeoutError("placeholder resolution");
  }
  throwAll(problems);
  return documents.map((document) => Buffer.from(document === undefined ? "" : document.toString({ lineWidth: 0 })));
}

async function readOne(reader: ReturnType<typeof createInputReader>, file: ValuesFile): Promise<Uint8Array> {
  try {
    return await reader.read(file.field, file.path);
  } catch (error) {
    if (error instanceof KrevealError && error.code === "FILE_NOT_FOUND") {
      throw new KrevealError(error.code, error.message, {
        location: error.location,
        fix: "Check the path in values-files: it is relative to the app folder, the folder that contains Chart.yaml.",
        cause: error.cause,
      });
    }
    throw error;
  }
}

function locationOf(file: ValuesFile | undefined): string {
  return file === undefined ? "values file" : `${file.field} "${file.path}"`;
}

/**
 * Parses a values file with the YAML 1.1 schema. helm 3 reads values with sigs.k8s.io/yaml, which
 * follows YAML 1.1 (via go-yaml v2), so `enabled: yes` is a boolean there. Parsing and writing
 * with the same schema keeps every unchanged value as helm would read it. A resolved secret such
 * as `yes` or `0123` is quoted on output, so that helm reads it as a string. Returns undefined
 * for a file without content, which helm reads as no values.
 */
function parseValues(text: string, location: string): Document | undefined {
  // For text without any document this is an EmptyStream, which is an empty array.
  const documents = parseAllDocuments(text, { version: "1.1", customTags: withoutTimeTags, prettyErrors: false });
  for (const document of documents) {
    const error = document.errors.at(0);
    if (error !== undefined) {
      const { line, column } = lineAndColumn(text, error.pos[0]);
      throw new KrevealError("INPUT_MALFORMED", `invalid YAML at line ${line}, column ${column} (${error.code})`, {
        location,
        fix: "Fix the YAML syntax at that position.",
      });
    }
  }

  const withContent = documents.filter((document) => document.contents !== null);
  if (withContent.length > 1) {
    throw new KrevealError("INPUT_MALFORMED", `a values file must contain one YAML document, but this one contains ${withContent.length}`, {
      location,
      fix: "Split the file into one values file per document and list each in values-files.",
    });
  }

  const document = withContent.at(0);
  if (document !== undefined && !isMap(document.contents)) {
    throw new KrevealError("INPUT_MALFORMED", "the values are not a map", {
      location,
      fix: "Write the values as a YAML map of names to values, as in the chart's values.yaml.",
    });
  }
  return document;
}

/**
 * Drops YAML 1.1's sexagesimal numbers and timestamps: go-yaml v2 has no sexagesimal numbers, and
 * the yaml package would write `1:20` back as `01:20` and a timestamp in another spelling. Without
 * these tags both stay strings and keep their text.
 *
 * NOTE: a resolved secret that looks like a timestamp is written unquoted, and helm may read it as a time.
 */
function withoutTimeTags(tags: Tags): Tags {
  return tags.filter((tag) => typeof tag !== "object" || (tag.format !== "TIME" && tag.tag !== "tag:yaml.org,2002:timestamp"));
}

/** Turns a character offset into a 1-based line and column, so that messages need not quote the text. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}

/** Prefixes each problem with the values file it was found in. */
function relocate(error: KrevealError, location: string): KrevealError[] {
  const errors = error instanceof KrevealErrors ? error.errors : [error];
  return errors.map((inner) => withLocation(inner, location) as KrevealError);
}

function throwAll(errors: readonly KrevealError[]): void {
  const [first] = errors;
  if (errors.length === 1) {
    throw first;
  }
  if (errors.length > 1) {
    throw new KrevealErrors(errors);
  }
}
