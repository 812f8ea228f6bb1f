/**
 * Low-level output of the yaml.v3 emitter: the column and whitespace bookkeeping, indentation,
 * comments and the four scalar styles sops output uses. Line width is unlimited, as yaml.v3's
 * encoder sets it, so long scalars are never folded.
 */
import { isBreak, isPrintable } from "./yaml-scalar-analysis.js";

const ESCAPES = new Map<number, string>([
  [0x00, "0"], [0x07, "a"], [0x08, "b"], [0x09, "t"], [0x0a, "n"], [0x0b, "v"], [0x0c, "f"], [0x0d, "r"],
  [0x1b, "e"], [0x22, '"'], [0x5c, "\\"], [0x85, "N"], [0xa0, "_"], [0x2028, "L"], [0x2029, "P"],
]);

/** Output state shared by the emitter's state machine and the scalar writers. */
export class YamlWriter {
  protected out = "";
  protected column = 0;
  protected whitespace = true;
  protected indention = true;
  protected openEnded = false;
  protected indent = -1;
  /** Indentation at which the last foot comment was written; a blank line separates what follows. */
  protected footIndent = -1;

  protected put(text: string): void {
    this.out += text;
    this.column += 1;
  }

  protected putBreak(): void {
    this.out += "\n";
    this.column = 0;
    this.indention = true;
  }

  /** Writes a line break taken from scalar text: LF as a newline, the other breaks as they are. */
  protected writeBreak(char: string): void {
    if (char === "\n") {
      this.putBreak();
      return;
    }
    this.out += char;
    this.column = 0;
    this.indention = true;
  }

  protected writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.putBreak();
    }
    if (this.footIndent === indent) {
      this.putBreak();
    }
    while (this.column < indent) {
      this.put(" ");
    }
    this.whitespace = true;
    this.footIndent = -1;
  }

  protected writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) {
      this.put(" ");
    }
    for (const char of indicator) {
      this.put(char);
    }
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  /** Writes comment lines, adding `# ` to a line that does not start with `#`. */
  protected writeComment(comment: string): void {
    let breaks = false;
    let pound = false;
    for (const char of comment) {
      if (isBreak(char)) {
        this.writeBreak(char);
        breaks = true;
        pound = false;
        continue;
      }
      if (breaks) {
        this.writeIndent();
      }
      if (!pound) {
        if (char !== "#") {
          this.put("#");
          this.put(" ");
        }
        pound = true;
      }
      this.put(char);
      this.indention = false;
      breaks = false;
    }
    if (!breaks) {
      this.putBreak();
    }
    this.whitespace = true;
  }

  protected writePlain(value: string, rootContext: boolean): void {
    if (value !== "" && !this.whitespace) {
      this.put(" ");
    }
    this.writeBreakingText(value, false);
    if (value !== "") {
      this.whitespace = false;
    }
    this.indention = false;
    if (rootContext) {
      this.openEnded = true;
    }
  }

  protected writeSingleQuoted(value: string): void {
    this.writeIndicator("'", true, false, false);
    this.writeBreakingText(value, true);
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  /** Writes a plain or single-quoted body: a run of breaks starts with an extra newline, then re-indents. */
  private writeBreakingText(value: string, singleQuoted: boolean): void {
    let breaks = false;
    for (const char of value) {
      if (isBreak(char)) {
        if (!breaks && char === "\n") {
          this.putBreak();
        }
        this.writeBreak(char);
        breaks = true;
        continue;
      }
      if (breaks) {
        this.writeIndent();
      }
      if (singleQuoted && char === "'") {
        this.put("'");
      }
      this.put(char);
      this.indention = char === " " ? this.indention : false;
      breaks = false;
    }
  }

  protected writeDoubleQuoted(value: string): void {
    this.writeIndicator('"', true, false, false);

    // yaml.v3 checks for a byte order mark at the start of the whole value rather than at each
    // character, so a value that starts with U+FEFF has every character escaped.
    const startsWithBom = value.startsWith("\ufeff");
    for (const char of value) {
      const code = char.codePointAt(0) ?? 0;
      if (!isPrintable(char) || startsWithBom || isBreak(char) || char === '"' || char === "\\") {
        this.put("\\");
        const escape = ESCAPES.get(code);
        if (escape !== undefined) {
          this.put(escape);
          continue;
        }
        const [letter, width] = code <= 0xff ? ["x", 2] : code <= 0xffff ? ["u", 4] : ["U", 8];
        this.put(letter);
        for (const digit of code.toString(16).toUpperCase().padStart(width, "0")) {
          this.put(digit);
        }
        continue;
      }
      this.put(char);
    }

    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  /** Writes the `|` header with indentation and chomping indicators. */
  protected writeLiteralHeader(value: string, bestIndent: number): void {
    this.writeIndicator("|", true, false, false);
    const chars = Array.from(value);
    if (chars[0] === " " || isBreak(chars[0])) {
      this.writeIndicator(String(bestIndent), false, false, false);
    }

    this.openEnded = false;
    const last = chars.length - 1;
    let chomp = "";
    if (last < 0 || !isBreak(chars[last])) {
      chomp = "-";
    } else if (last === 0 || isBreak(chars[last - 1])) {
      chomp = "+";
      this.openEnded = true;
    }
    if (chomp !== "") {
      this.writeIndicator(chomp, false, false, false);
    }
  }

  protected writeLiteralBody(value: string): void {
    this.whitespace = true;
    let breaks = true;
    for (const char of value) {
      if (isBreak(char)) {
        this.writeBreak(char);
        breaks = true;
        continue;
      }
      if (breaks) {
        this.writeIndent();
      }
      this.put(char);
      this.indention = false;
      breaks = false;
    }
  }
}
