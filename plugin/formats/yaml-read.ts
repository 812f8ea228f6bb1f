import { parseAllDocuments, type Document, type ScalarTag, type Tags } from "yaml";

import { KrevealError } from "../errors.js";

/**
 * Parses a YAML stream (YAML 1.2 core schema) into documents that can be written back with the
 * input's own spelling of numbers. `location` names the input in messages. Parse errors give the
 * line and column but never quote the text, which may hold secrets.
 */
export function parseYamlStream(text: string, location: string): Document[] {
  // For text without any document this is an EmptyStream, which is an empty array.
  const documents = parseAllDocuments(text, { customTags: keepNumberSpelling, prettyErrors: false });

  for (const document of documents) {
    const [error] = document.errors;
    if (document.errors.length > 0) {
      const { line, column } = lineAndColumn(text, error.pos[0]);
      throw new KrevealError("INPUT_MALFORMED", `invalid YAML at line ${line}, column ${column} (${error.code})`, {
        location,
        fix: "Fix the YAML syntax at that position.",
      });
    }
  }
  return documents;
}

/** Turns a character offset into a 1-based line and column. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}

const numberTags = new Set(["tag:yaml.org,2002:int", "tag:yaml.org,2002:float"]);

/**
 * Makes int and float tags write a parsed number as it was spelled (`0123`, `1e3`, `0x1F`, `1.50`)
 * as long as its value is unchanged. The yaml package would otherwise write its own spelling,
 * which YAML 1.1 readers such as kyaml may read as another value (`0123` is octal there).
 */
function keepNumberSpelling(tags: Tags): Tags {
  return tags.map((tag) => {
    if (typeof tag !== "object" || !("tag" in tag) || !numberTags.has(tag.tag) || tag.stringify === undefined) {
      return tag;
    }
    const original = tag;
    const wrapped: ScalarTag = {
      ...original,
      stringify(node, context, onComment, onChompKeep) {
        const source = node.source;
        if (typeof source === "string" && spellsValue(original, source, node.value)) {
          return source;
        }
        return original.stringify?.(node, context, onComment, onChompKeep) ?? String(node.value);
      },
    };
    return wrapped;
  });
}

function spellsValue(tag: ScalarTag, source: string, value: unknown): boolean {
  if (tag.test?.test(source) !== true) {
    return false;
  }
  const resolved: unknown = tag.resolve(source, () => undefined, { intAsBigInt: typeof value === "bigint" });
  const plain = typeof resolved === "object" && resolved !== null && "value" in resolved ? resolved.value : resolved;
  return Object.is(plain, value);
}
