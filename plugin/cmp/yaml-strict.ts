/**
 * Strict checks on the YAML text that the kustomize guard parses. The guard reads YAML with the
 * npm `yaml` package, while kustomize v5.5 reads kustomizations with go-yaml v2 (through
 * sigs.k8s.io/yaml) and plugin configs with go-yaml v3 (through kyaml). Where these parsers
 * disagree, a file can show the guard one set of fields and kustomize another. go-yaml reads
 * U+0085, U+2028, U+2029 and a lone CR as line breaks, but the `yaml` package reads them as
 * text. So `# note<U+2028>generators: [x.yaml]` hides a field from the guard. These checks
 * reject such characters and the YAML constructs whose readings the guard does not rely on.
 */
import { CST, Lexer, isScalar, visit, type Document } from "yaml";

import { KrevealError } from "../errors.js";

/** Characters that go-yaml reads as line breaks and the `yaml` package reads as text. */
const hiddenLineBreaks = new Map([
  [0x85, "NEXT LINE"],
  [0x2028, "LINE SEPARATOR"],
  [0x2029, "PARAGRAPH SEPARATOR"],
]);

/** The lexer's marker tokens, which stand for no text of the source. */
const markerTokens = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

/** Constructs that the guard rejects, by lexer token type, with what to write instead. */
const directive = { what: "a YAML directive (%YAML or %TAG), which changes how the rest of the file is read", fix: "Remove the directive line." };
const rejectedTokens: Partial<Record<string, { what: string; fix: string }>> = {
  "directive-line": directive,
  tag: { what: "a YAML tag (!)", fix: "Remove the tag, and quote the value if it must stay a string." },
  anchor: { what: "a YAML anchor (&)", fix: "Write the values out instead of using anchors and aliases." },
  alias: { what: "a YAML alias (*)", fix: "Write the values out instead of using anchors and aliases, and quote a value that starts with *." },
  "explicit-key-ind": { what: "an explicit YAML key (?)", fix: "Write each map entry as key: value on one line." },
  "doc-end": { what: "a document end marker (...)", fix: "Remove the ... line, and separate documents with --- only." },
};

/**
 * Decodes a YAML file as UTF-8 and keeps a leading byte-order mark, so that checkYamlText
 * can reject it. Invalid UTF-8 is a CONFIG_INVALID error at the first byte that does not
 * decode. UTF-16 files fail here or on their NUL characters in checkYamlText.
 */
export function decodeUtf8(bytes: Uint8Array, location: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    // Decode byte by byte to find where the valid prefix ends.
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    let prefix = "";
    for (const byte of bytes) {
      try {
        prefix += decoder.decode(Uint8Array.of(byte), { stream: true });
      } catch {
        break;
      }
    }
    throw new KrevealError("CONFIG_INVALID", `the file is not valid UTF-8 (first invalid byte near ${describePosition(prefix, prefix.length)})`, {
      location,
      fix: "Save the file as UTF-8.",
    });
  }
}

/**
 * Checks `text` before it is parsed: first its characters, then its YAML tokens. `text` is the
 * content of a kustomization, a plugin config file or an inline plugin config, and `subject`
 * names which in messages. Throws a CONFIG_INVALID error at the first problem, with its line and column.
 */
export function checkYamlText(text: string, location: string, subject = "the file"): void {
  checkCharacters(text, location, subject);
  checkTokens(text, location, subject);
}

/**
 * Allows only the characters that go-yaml accepts and reads the way the `yaml` package does.
 * These are tab, LF, CR before LF, U+0020-U+007E, U+00A0-U+D7FF, U+E000-U+FFFD and U+10000 and
 * above, except U+2028, U+2029 and the byte-order mark U+FEFF (also at the start).
 */
function checkCharacters(text: string, location: string, subject: string): void {
  for (let index = 0; index < text.length; ) {
    const code = text.codePointAt(index) ?? 0;
    const problem = characterProblem(code, text.charCodeAt(index + 1));
    if (problem !== undefined) {
      const reason = problem.reason === undefined ? "" : `, ${problem.reason}`;
      throw new KrevealError("CONFIG_INVALID", `${subject} contains ${problem.what} at ${describePosition(text, index)}${reason}`, { location, fix: problem.fix });
    }
    index += code > 0xffff ? 2 : 1;
  }
}

function characterProblem(code: number, next: number): { what: string; reason?: string; fix: string } | undefined {
  const lineBreak = hiddenLineBreaks.get(code);
  if (lineBreak !== undefined) {
    return {
      what: `${codePoint(code)} (${lineBreak})`,
      reason: "which kustomize reads as a line break and kreveal as text",
      fix: "Remove the character, or replace it with a newline.",
    };
  }
  if (code === 0xfeff) {
    return { what: "a byte-order mark (U+FEFF)", fix: "Save the file as UTF-8 without a byte-order mark." };
  }
  if (code === 0x0d && next !== 0x0a) {
    return {
      what: "a carriage return (U+000D) without a line feed after it",
      reason: "which kustomize reads as a line break and kreveal may not",
      fix: "Save the file with LF or CRLF line endings.",
    };
  }

  const allowed =
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    code >= 0x10000;
  if (allowed) {
    return undefined;
  }
  return {
    what: `the control character or non-character ${codePoint(code)}`,
    fix: "Remove the character; in a double-quoted value, write it as an escape such as \\t instead.",
  };
}

/**
 * Rejects the YAML constructs in rejectedTokens, and tabs outside comments and scalars (tabs as
 * indentation or as the space after `:` or `-`). The lexer's tokens are the source text in
 * order, apart from marker tokens, so their lengths give each token's offset.
 */
function checkTokens(text: string, location: string, subject: string): void {
  // go-yaml reads a % at the start of a line outside quoted scalars as a directive, but the
  // `yaml` package does so only before a document's content. So every line starting with % is
  // rejected.
  const percent = /(^|\n)%/.exec(text);
  if (percent !== null) {
    const at = percent.index + percent[0].length - 1;
    throw new KrevealError("CONFIG_INVALID", `${subject} uses ${directive.what} at ${describePosition(text, at)}`, { location, fix: "Remove the line, or indent it." });
  }

  let offset = 0;
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    if (markerTokens.has(token)) {
      scalarNext = token === CST.SCALAR;
      continue;
    }

    const problem = scalarNext ? plainScalarProblem(token) : tokenProblem(token);
    if (problem !== undefined) {
      const at = offset + problem.index;
      throw new KrevealError("CONFIG_INVALID", `${subject} uses ${problem.what} at ${describePosition(text, at)}, which kustomize and kreveal may read differently`, {
        location,
        fix: problem.fix,
      });
    }
    scalarNext = false;
    offset += token.length;
  }
}

const tabProblem = { what: "a tab outside a comment or a quoted or block value", fix: "Indent with spaces and put a space, not a tab, after : and -." };

function tokenProblem(token: string): { what: string; fix: string; index: number } | undefined {
  const type = CST.tokenType(token);
  const rejected = type === null ? undefined : rejectedTokens[type];
  if (rejected !== undefined) {
    return { ...rejected, index: 0 };
  }
  if (type === "space" && token.includes("\t")) {
    return { ...tabProblem, index: token.indexOf("\t") };
  }
  return undefined;
}

/**
 * Checks the token after a scalar marker: a plain scalar or the body of a block scalar. A tab
 * in the indentation of a plain scalar's continuation line is rejected. Block scalar bodies keep
 * their tabs, because both parsers take them as content.
 */
function plainScalarProblem(token: string): { what: string; fix: string; index: number } | undefined {
  if (CST.tokenType(token) === "space") {
    return undefined;
  }
  const match = /\n[ ]*\t/.exec(token);
  return match === null ? undefined : { ...tabProblem, index: match.index + match[0].length - 1 };
}

/**
 * Rejects map keys that are lists or maps. The `yaml` package turns such a key into a string,
 * and go-yaml keeps it as a node, so the two readings may not agree on the map's fields.
 */
export function checkYamlKeys(documents: readonly Document[], text: string, location: string, subject = "the file"): void {
  for (const document of documents) {
    visit(document, {
      Pair(_, pair) {
        if (pair.key !== null && !isScalar(pair.key)) {
          const at = (pair.key as { range?: [number, number, number] }).range?.[0] ?? 0;
          throw new KrevealError("CONFIG_INVALID", `${subject} uses a list or map as a map key at ${describePosition(text, at)}`, {
            location,
            fix: "Use only plain strings as map keys.",
          });
        }
      },
    });
  }
}

/** Returns `line L, column C` (both from 1, columns in characters) for the UTF-16 index `index` of `text`. */
export function describePosition(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  const column = Array.from(before.slice(before.lastIndexOf("\n") + 1)).length + 1;
  return `line ${line}, column ${column}`;
}

function codePoint(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}
