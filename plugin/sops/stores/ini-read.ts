/**
 * An INI reader with the rules of go-ini (gopkg.in/ini.v1), the library sops uses: a `DEFAULT`
 * section first that contains the keys before any header, `=` or `:` between key and value, trimmed
 * keys and values, `;` and `#` comments that belong to the next section or key, and quoted
 * values in `"`, backquotes or `"""` (which may span lines).
 */
import { KrevealError } from "../../errors.js";

export interface IniKey {
  readonly name: string;
  value: string;
  /** Comment lines just before the key, with their `;` or `#`, joined by newlines. */
  comment: string;
}

export interface IniSection {
  readonly name: string;
  readonly comment: string;
  readonly keys: IniKey[];
}

export const DEFAULT_SECTION = "DEFAULT";

function malformed(file: string, line: number, message: string): KrevealError {
  return new KrevealError("INPUT_MALFORMED", `invalid INI at line ${line}: ${message}`, { location: file, fix: "Fix the INI syntax of the file." });
}

/** Reads a key name, which may be quoted; returns the name and the text after the delimiter. */
function readKeyName(line: string): [string, string] | undefined {
  for (const quote of ['"""', "`", '"']) {
    if (line.startsWith(quote)) {
      const end = line.indexOf(quote, quote.length);
      if (end === -1) {
        return undefined;
      }
      const rest = line.slice(end + quote.length).trimStart();
      if (rest[0] !== "=" && rest[0] !== ":") {
        return undefined;
      }
      return [line.slice(quote.length, end), rest.slice(1)];
    }
  }
  const delimiter = line.search(/[=:]/);
  if (delimiter === -1) {
    return undefined;
  }
  return [line.slice(0, delimiter).trim(), line.slice(delimiter + 1)];
}

export class IniReader {
  private readonly lines: string[];
  private index = 0;
  private pendingComment: string[] = [];
  readonly sections: IniSection[] = [{ name: DEFAULT_SECTION, comment: "", keys: [] }];

  constructor(text: string, private readonly file: string) {
    this.lines = text.replace(/^\ufeff/, "").split("\n");
  }

  read(): IniSection[] {
    let section = this.sections[0];
    for (; this.index < this.lines.length; this.index++) {
      const line = (this.lines[this.index]).replace(/\r$/, "").trimStart();
      if (line === "") {
        continue;
      }
      if (line.startsWith(";") || line.startsWith("#")) {
        this.pendingComment.push(line);
        continue;
      }
      if (line.startsWith("[")) {
        section = this.openSection(line);
        continue;
      }
      this.readKey(line, section);
    }
    return this.sections;
  }

  private takeComment(): string {
    const comment = this.pendingComment.join("\n");
    this.pendingComment = [];
    return comment;
  }

  private openSection(line: string): IniSection {
    const close = line.lastIndexOf("]");
    if (close === -1) {
      throw malformed(this.file, this.index + 1, "unclosed section header");
    }
    const name = line.slice(1, close).trim() || DEFAULT_SECTION;
    const comment = this.takeComment();
    if (name === DEFAULT_SECTION) {
      return this.sections[0];
    }
    const section: IniSection = { name, comment, keys: [] };
    this.sections.push(section);
    return section;
  }

  private readKey(line: string, section: IniSection): void {
    const parsed = readKeyName(line);
    if (parsed === undefined) {
      throw malformed(this.file, this.index + 1, "expected `key = value`");
    }
    const [name, rest] = parsed;
    const value = this.readValue(rest.trim());
    const comment = this.takeComment();

    // go-ini keeps one key per name in a section: a repeated key replaces the earlier value.
    const existing = section.keys.find((key) => key.name === name);
    if (existing !== undefined) {
      existing.value = value;
      existing.comment = comment;
      return;
    }
    section.keys.push({ name, value, comment });
  }

  private readValue(text: string): string {
    if (text.length > 3 && text.startsWith('"""')) {
      return this.readTripleQuoted(text.slice(3));
    }
    if (text.startsWith("`")) {
      const end = text.lastIndexOf("`");
      if (end > 0) {
        return text.slice(1, end);
      }
    }

    // go-ini starts an inline comment at the first `#` or `;`, then strips surrounding quotes.
    const comment = text.search(/[#;]/);
    const value = (comment === -1 ? text : text.slice(0, comment)).trim();
    const quoted = value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.endsWith(value[0]);
    return quoted ? value.slice(1, -1) : value;
  }

  /**
   * Reads a `"""` value up to the closing `"""`, possibly lines later. NOTE: go-ini drops the
   * line break that ends the first line of such a value. This reader keeps the text between the
   * quotes exactly, because that is the value sops 3.13.0 and 3.13.1 meant to write.
   */
  private readTripleQuoted(first: string): string {
    const close = first.lastIndexOf('"""');
    if (close !== -1) {
      return first.slice(0, close);
    }
    let value = first;
    for (this.index++; this.index < this.lines.length; this.index++) {
      const line = (this.lines[this.index]).replace(/\r$/, "");
      const end = line.lastIndexOf('"""');
      if (end !== -1) {
        return `${value}\n${line.slice(0, end)}`;
      }
      value += `\n${line}`;
    }
    throw malformed(this.file, this.index, 'missing closing """');
  }
}
