import { KrevealError } from "../../errors.js";

/** One variable read from a dotenv file, with the 1-based line where its statement starts. */
export interface DotenvVariable {
  readonly key: string;
  readonly value: string;
  readonly line: number;
}

// Go's unicode.IsSpace, which godotenv uses to find the start of a statement.
const goSpace = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/;
// godotenv's own isSpace: the same without the line breaks and the other Unicode spaces.
const dotenvSpace = /[\t\v\f\r \u0085\u00A0]/;
const keyCharacter = /[A-Za-z0-9_.]/;

/**
 * Parses a dotenv file the way godotenv v1.5.1 does (the version KSOPS v4.5.1 uses for
 * `secretFrom[].envs`):
 * - `---\n` becomes a blank line and CRLF becomes LF, before anything else;
 * - blank lines and lines starting with `#` are skipped, and a leading `export ` is dropped;
 * - the key ends at the first `=` or `:` and may contain letters, digits, `_`, `.` and blanks,
 *   which are kept inside the key and trimmed at its end;
 * - a value in single quotes is taken literally. A value in double quotes may span lines, turns
 *   `\n` and `\r` into line breaks, drops the backslash of any other escape and expands variables;
 * - an unquoted value ends at the line end, loses a trailing ` # comment` and surrounding blanks,
 *   and expands variables;
 * - `$NAME` and `${NAME}` (NAME in `[A-Z0-9_]`) expand to the value of a key defined earlier in the
 *   file, or to the empty string; `\$` keeps the dollar sign. The process environment is not read.
 *
 * Unlike godotenv, a statement without `=` or `:` at the end of the file is an error (godotenv
 * stores it under the empty key). Messages name lines only, never their content.
 */
export function parseGodotenv(source: string, location: string): DotenvVariable[] {
  // Both replacements keep the number of line breaks, so line numbers still match the file.
  const text = source.replaceAll("---\n", "\n").replaceAll("\r\n", "\n");
  const defined = new Map<string, string>();
  const variables: DotenvVariable[] = [];

  let position = statementStart(text, 0);
  while (position >= 0) {
    const line = lineOf(text, position);
    const key = readKey(text, position, location);
    const value = readValue(text, key.valueStart, defined, location);

    defined.set(key.name, value.text);
    variables.push({ key: key.name, value: value.text, line });
    position = statementStart(text, value.end);
  }
  return variables;
}

/** Returns the index of the next statement, skipping whitespace and comment lines, or -1 at the end. */
function statementStart(text: string, from: number): number {
  let position = from;
  for (;;) {
    while (position < text.length && goSpace.test(text.charAt(position))) {
      position++;
    }
    if (position >= text.length) {
      return -1;
    }
    if (text.charAt(position) !== "#") {
      return position;
    }

    const lineEnd = text.indexOf("\n", position);
    if (lineEnd < 0) {
      return -1;
    }
    position = lineEnd;
  }
}

function readKey(text: string, statement: number, location: string): { name: string; valueStart: number } {
  let start = statement;
  if (text.startsWith("export", start) && dotenvSpace.test(text.charAt(start + "export".length))) {
    start = skipBlanks(text, start + "export".length);
  }

  for (let index = start; index < text.length; index++) {
    const character = text.charAt(index);
    if (dotenvSpace.test(character)) {
      continue;
    }
    if (character === "=" || character === ":") {
      const name = text.slice(start, index).replace(/[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+$/, "");
      return { name, valueStart: skipBlanks(text, index + 1) };
    }
    if (character === "\n") {
      throw invalid(location, lineOf(text, statement), 'has no "=" or ":" between key and value', "Write each line as KEY=VALUE.");
    }
    // NOTE: godotenv checks the key byte by byte and reads some UTF-8 bytes as Latin-1 letters.
    // Such keys are not valid Secret keys, so any character outside ASCII is rejected here.
    if (!keyCharacter.test(character)) {
      throw invalid(location, lineOf(text, statement), "has a key with a character other than letters, digits, '_' and '.'", "godotenv, which KSOPS uses, accepts only those characters in keys.");
    }
  }
  throw invalid(location, lineOf(text, statement), 'has no "=" or ":" between key and value', "Write each line as KEY=VALUE.");
}

function readValue(text: string, start: number, defined: ReadonlyMap<string, string>, location: string): { text: string; end: number } {
  const quote = text.charAt(start);
  if (quote === '"' || quote === "'") {
    return readQuotedValue(text, start, quote, defined, location);
  }

  let end = start;
  while (end < text.length && text.charAt(end) !== "\n" && text.charAt(end) !== "\r") {
    end++;
  }

  // A `#` after a godotenv blank starts a comment. The search runs from the line end, so the last
  // such `#` on the line wins.
  const characters = Array.from(text.slice(start, end));
  let valueEnd = characters.length;
  for (let index = characters.length - 1; index > 0; index--) {
    if (characters[index] === "#" && dotenvSpace.test(characters[index - 1] ?? "")) {
      valueEnd = index;
      break;
    }
  }

  const value = trimBlanks(characters.slice(0, valueEnd).join(""));
  return { text: expandVariables(value, defined), end };
}

function readQuotedValue(text: string, start: number, quote: string, defined: ReadonlyMap<string, string>, location: string): { text: string; end: number } {
  for (let index = start + 1; index < text.length; index++) {
    if (text.charAt(index) !== quote || text.charAt(index - 1) === "\\") {
      continue;
    }

    // godotenv trims every quote character at both ends, not just the pair around the value.
    let value = text.slice(start, index);
    while (value.endsWith(quote)) {
      value = value.slice(0, -1);
    }
    while (value.startsWith(quote)) {
      value = value.slice(1);
    }
    if (quote === '"') {
      value = expandVariables(expandEscapes(value), defined);
    }
    return { text: value, end: index + 1 };
  }
  throw invalid(location, lineOf(text, start), "has a quoted value without its closing quote", `Close the value with ${quote}.`);
}

/** Turns `\n` and `\r` into line breaks and drops the backslash of every other escape except `\$`. */
function expandEscapes(value: string): string {
  const named = value.replace(/\\[^\n]/gu, (escape) => {
    if (escape === "\\n") {
      return "\n";
    }
    return escape === "\\r" ? "\r" : escape;
  });
  return named.replace(/\\([^$])/gu, "$1");
}

/**
 * Expands `$NAME`, `${NAME}` and also `$(NAME` from the keys defined so far. A backslash before
 * the dollar sign keeps the text without the backslash. This is godotenv v1.5.1's pattern with
 * its quirks: `$(NAME)` expands NAME and keeps the `)`, and lower-case names are left alone.
 */
function expandVariables(value: string, defined: ReadonlyMap<string, string>): string {
  return value.replace(/(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?/g, (match: string, backslash: string | undefined, _dollar: string, _parenthesis: string | undefined, name: string | undefined) => {
    if (backslash === "\\") {
      return match.slice(1);
    }
    if (name !== undefined && name !== "") {
      return defined.get(name) ?? "";
    }
    return match;
  });
}

function skipBlanks(text: string, from: number): number {
  let position = from;
  while (position < text.length && dotenvSpace.test(text.charAt(position))) {
    position++;
  }
  return position;
}

function trimBlanks(value: string): string {
  return value.replace(/^[\t\v\f\r \u0085\u00A0]+/, "").replace(/[\t\v\f\r \u0085\u00A0]+$/, "");
}

function lineOf(text: string, index: number): number {
  let line = 1;
  for (let position = text.indexOf("\n"); position >= 0 && position < index; position = text.indexOf("\n", position + 1)) {
    line++;
  }
  return line;
}

function invalid(location: string, line: number, problem: string, fix: string): KrevealError {
  return new KrevealError("CONFIG_INVALID", `invalid dotenv: line ${line} ${problem}`, { location, fix });
}
