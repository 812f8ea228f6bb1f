/**
 * Parser for the kubectl JSONPath templates that the `jsonPath` modifier accepts: literal text
 * outside braces, `{'quoted text'}`, `{EXPRESSION}` and `{range EXPRESSION}...{end}`. A source
 * without any `{` is read as one expression, so `.a.b` works as `{.a.b}` does.
 * Filters `[?(...)]` and unions `[a,b]` are not supported.
 */

import { KrevealError } from "../errors.js";

/** One step of an expression, applied to each node that the previous step produced. */
export type JsonPathStep =
  | { readonly kind: "field"; readonly name: string }
  | { readonly kind: "wildcard" }
  | { readonly kind: "recursive" }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "slice"; readonly start: number | undefined; readonly end: number | undefined; readonly step: number };

/** One part of a template, in output order. */
export type JsonPathNode =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "expression"; readonly steps: readonly JsonPathStep[] }
  | { readonly kind: "range"; readonly steps: readonly JsonPathStep[]; readonly body: readonly JsonPathNode[] };

const namePattern = /[^\s.[\]{}'"*]+/y;
const slicePattern = /^(-?\d+)?:(-?\d+)?(?::(-?\d+)?)?$/;
const escapes: Readonly<Partial<Record<string, string>>> = { n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"' };

/**
 * Parses a jsonPath template. Throws PLACEHOLDER_INVALID naming the template and the problem. The
 * template comes from the manifest, so the message contains no secret value.
 */
export function parseJsonPathTemplate(source: string): JsonPathNode[] {
  const invalid = (problem: string) => new KrevealError("PLACEHOLDER_INVALID", `jsonPath "${source}" is invalid: ${problem}`, { fix: "write a kubectl JSONPath template such as {.a.b[0]} or {range .list[*]}{@} {end}" });

  if (!source.includes("{")) {
    return [{ kind: "expression", steps: parseExpression(source, invalid) }];
  }

  const root: JsonPathNode[] = [];
  const open: { steps: JsonPathStep[]; body: JsonPathNode[] }[] = [];
  const output = () => open.at(-1)?.body ?? root;
  let position = 0;
  while (position < source.length) {
    const start = source.indexOf("{", position);
    const text = source.slice(position, start < 0 ? source.length : start);
    if (text !== "") {
      output().push({ kind: "text", text });
    }
    if (start < 0) {
      break;
    }

    const end = findActionEnd(source, start + 1, invalid);
    const action = source.slice(start + 1, end).trim();
    position = end + 1;

    if (action.startsWith("'") || action.startsWith('"')) {
      output().push({ kind: "text", text: parseQuoted(action, invalid) });
    } else if (/^range(\s|$)/.test(action)) {
      open.push({ steps: parseExpression(action.slice("range".length), invalid), body: [] });
    } else if (action === "end") {
      const range = open.pop();
      if (range === undefined) {
        throw invalid("{end} has no matching {range}");
      }
      output().push({ kind: "range", steps: range.steps, body: range.body });
    } else {
      output().push({ kind: "expression", steps: parseExpression(action, invalid) });
    }
  }

  if (open.length > 0) {
    throw invalid("{range} has no matching {end}");
  }
  return root;
}

/** Returns the index of the `}` that closes the action starting at `from`, skipping quoted text and brackets. */
function findActionEnd(source: string, from: number, invalid: (problem: string) => KrevealError): number {
  let quote: string | undefined;
  let depth = 0;
  for (let index = from; index < source.length; index += 1) {
    const char = source[index];
    if (quote !== undefined) {
      if (char === "\\") {
        index += 1;
      } else if (char === quote) {
        quote = undefined;
      }
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === "[") {
      depth += 1;
    } else if (char === "]") {
      depth -= 1;
    } else if (char === "}" && depth <= 0) {
      return index;
    }
  }
  throw invalid("a { has no matching }");
}

/** Reads `'text'` or `"text"` with backslash escapes. Only whitespace may follow the closing quote. */
function parseQuoted(action: string, invalid: (problem: string) => KrevealError): string {
  const quote = action[0];
  let text = "";
  for (let index = 1; index < action.length; index += 1) {
    const char = action[index] ?? "";
    if (char === quote) {
      if (action.slice(index + 1).trim() !== "") {
        throw invalid("only whitespace may follow quoted text inside { }");
      }
      return text;
    }
    if (char === "\\") {
      index += 1;
      const escaped = escapes[action[index] ?? ""];
      if (escaped === undefined) {
        throw invalid("quoted text has an unknown backslash escape");
      }
      text += escaped;
    } else {
      text += char;
    }
  }
  throw invalid("quoted text has no closing quote");
}

/**
 * Parses an expression such as `$.a['b'][0:-1:2]..c[*]`. A leading `$` or `@` is skipped, because
 * kubectl evaluates both from the current node, which is the root outside `{range}`.
 */
function parseExpression(text: string, invalid: (problem: string) => KrevealError): JsonPathStep[] {
  const expression = text.trim();
  const steps: JsonPathStep[] = [];
  let index = expression.startsWith("$") || expression.startsWith("@") ? 1 : 0;

  while (index < expression.length) {
    if (expression.startsWith("..", index)) {
      steps.push({ kind: "recursive" });
      index += 2;
      if (expression[index] === "[") {
        continue;
      }
    } else if (expression[index] === ".") {
      index += 1;
      if (index === expression.length && steps.length === 0) {
        break;
      }
    } else if (expression[index] === "[") {
      const close = findBracketEnd(expression, index + 1, invalid);
      steps.push(parseBracket(expression.slice(index + 1, close).trim(), invalid));
      index = close + 1;
      continue;
    } else {
      throw invalid(`unexpected "${expression[index] ?? ""}" at offset ${index} of "${expression}"`);
    }

    if (expression[index] === "*") {
      steps.push({ kind: "wildcard" });
      index += 1;
      continue;
    }
    namePattern.lastIndex = index;
    const name = namePattern.exec(expression)?.[0];
    if (name === undefined) {
      throw invalid(`a field name is missing at offset ${index} of "${expression}"`);
    }
    steps.push({ kind: "field", name });
    index += name.length;
  }
  return steps;
}

function findBracketEnd(expression: string, from: number, invalid: (problem: string) => KrevealError): number {
  let quote: string | undefined;
  for (let index = from; index < expression.length; index += 1) {
    const char = expression[index];
    if (quote !== undefined) {
      if (char === "\\") {
        index += 1;
      } else if (char === quote) {
        quote = undefined;
      }
    } else if (char === "'" || char === '"') {
      quote = char;
    } else if (char === "]") {
      return index;
    }
  }
  throw invalid(`a [ has no matching ] in "${expression}"`);
}

/** Parses the inside of `[...]`: `*`, a quoted key, an index or a slice `start:end:step`. */
function parseBracket(inside: string, invalid: (problem: string) => KrevealError): JsonPathStep {
  if (inside === "*") {
    return { kind: "wildcard" };
  }
  if (inside.startsWith("'") || inside.startsWith('"')) {
    return { kind: "field", name: parseQuoted(inside, invalid) };
  }
  if (/^-?\d+$/.test(inside)) {
    return { kind: "index", index: Number(inside) };
  }

  const slice = slicePattern.exec(inside.replace(/\s+/g, ""));
  if (slice !== null) {
    const [, start, end, step] = slice as (string | undefined)[];
    const stride = step === undefined || step === "" ? 1 : Number(step);
    if (stride <= 0) {
      throw invalid(`the slice [${inside}] needs a step greater than 0`);
    }
    return { kind: "slice", start: start === undefined ? undefined : Number(start), end: end === undefined ? undefined : Number(end), step: stride };
  }
  if (inside.startsWith("?")) {
    throw invalid(`the filter [${inside}] is not supported`);
  }
  if (inside.includes(",")) {
    throw invalid(`the union [${inside}] is not supported`);
  }
  throw invalid(`[${inside}] is not an index, slice, quoted key or *`);
}
