import { KrevealError } from "../errors.js";

/** One key/value pair read from an env file, with the 1-based line it came from. */
export interface EnvPair {
  readonly key: string;
  readonly value: string;
  readonly line: number;
  /** True when the line had no `=`, so the whole line became the key (and the value is empty). */
  readonly keyIsWholeLine: boolean;
}

const utf8Bom = "\uFEFF";

// The characters Go's unicode.IsSpace accepts. JavaScript's trimStart() differs from it: it also
// trims U+FEFF and keeps U+0085.
const leadingSpace = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/;

/**
 * Parses an env file the way kustomize v5's built-in secretGenerator does: lines end at `\n` with
 * one trailing `\r` dropped, a UTF-8 BOM is removed from the first line, leading whitespace is
 * trimmed, empty lines and lines starting with `#` are skipped, and each other line splits at its
 * first `=` into key and value, both kept verbatim (quotes, trailing spaces, `export ` and inline
 * `#` stay). A line without `=` gives that line as the key and an empty value.
 *
 * Two kinds of line that kustomize drops without a word are errors here: a line that starts
 * with `=` (kustomize skips it, losing its value), and a line of 65536 bytes or more (kustomize's
 * line scanner stops there and ignores that line and every line after it). Invalid UTF-8 is an
 * error in both. `location` names the file in messages. Values never appear in them.
 */
export function parseKustomizeEnv(bytes: Uint8Array, location: string): EnvPair[] {
  const lines = splitLines(bytes, location);
  const pairs: EnvPair[] = [];

  for (const [index, raw] of lines.entries()) {
    const lineNumber = index + 1;
    let text = decodeLine(raw, location, lineNumber);
    if (index === 0 && text.startsWith(utf8Bom)) {
      text = text.slice(utf8Bom.length);
    }

    text = text.replace(leadingSpace, "");
    if (text === "" || text.startsWith("#")) {
      continue;
    }

    const separator = text.indexOf("=");
    if (separator === 0) {
      throw new KrevealError("CONFIG_INVALID", `line ${lineNumber} starts with "=", so it has no key`, {
        location,
        fix: "Write each line as KEY=VALUE.",
      });
    }
    if (separator < 0) {
      pairs.push({ key: text, value: "", line: lineNumber, keyIsWholeLine: true });
    } else {
      pairs.push({ key: text.slice(0, separator), value: text.slice(separator + 1), line: lineNumber, keyIsWholeLine: false });
    }
  }
  return pairs;
}

/**
 * The maximum line length, in bytes without the `\n`, that kustomize v5.5 reads from an env file.
 * Its bufio.Scanner buffers at most 64 KiB, the line and its `\n` included. kustomize ignores the
 * scanner's error, so a longer line silently ends the file.
 */
const maxLineBytes = 64 * 1024 - 1;

/** Splits at `\n` like Go's bufio.ScanLines: one trailing `\r` per line is dropped, and a final empty line is not a line. */
function splitLines(bytes: Uint8Array, location: string): Uint8Array[] {
  const lines: Uint8Array[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    const next = end < 0 ? bytes.length : end + 1;
    if (end < 0) {
      end = bytes.length;
    }
    if (end - start > maxLineBytes) {
      throw new KrevealError("CONFIG_INVALID", `line ${lines.length + 1} is ${end - start} bytes long; the maximum is ${maxLineBytes}`, {
        location,
        fix: "Put the value in its own file and list it under files. kustomize's own secretGenerator silently drops such a line and every line after it.",
      });
    }
    const lineEnd = end > start && bytes[end - 1] === 0x0d ? end - 1 : end;
    lines.push(bytes.subarray(start, lineEnd));
    start = next;
  }
  return lines;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodeLine(raw: Uint8Array, location: string, lineNumber: number): string {
  try {
    return strictUtf8.decode(raw);
  } catch {
    throw new KrevealError("CONFIG_INVALID", `line ${lineNumber} is not valid UTF-8`, {
      location,
      fix: "Save the env file as UTF-8, or put binary content in a file named under files.",
    });
  }
}
