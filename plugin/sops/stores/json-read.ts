/**
 * A JSON reader that keeps what sops keeps: key order, duplicate keys and full integer
 * precision. `JSON.parse` cannot be used, because it moves integer-like keys to the front,
 * merges duplicate keys and rounds integers above 2^53.
 */
import { KrevealError } from "../../errors.js";
import type { Mapping, Sequence, Value } from "../tree.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };

export class JsonReader {
  private position = 0;

  constructor(private readonly text: string, private readonly file: string) {}

  /** Reads the whole text, which must be one object followed by whitespace only. */
  readObject(): Mapping {
    this.skipWhitespace();
    if (this.text[this.position] !== "{") {
      throw this.error("sops only supports JSON files whose top level is an object", "Wrap the content in an object, for example {\"data\": [...]}.");
    }
    const value = this.readValue() as Mapping;
    this.skipWhitespace();
    if (this.position < this.text.length) {
      throw this.error("unexpected text after the top-level object");
    }
    return value;
  }

  private error(message: string, fix = "Fix the JSON syntax of the file."): KrevealError {
    const line = this.text.slice(0, this.position).split("\n").length;
    return new KrevealError("INPUT_MALFORMED", `invalid JSON at line ${line}: ${message}`, { location: this.file, fix });
  }

  private skipWhitespace(): void {
    while (this.position < this.text.length && " \t\n\r".includes(this.text[this.position])) {
      this.position++;
    }
  }

  private expect(char: string): void {
    this.skipWhitespace();
    if (this.text[this.position] !== char) {
      throw this.error(`expected "${char}"`);
    }
    this.position++;
  }

  private readValue(): Value {
    this.skipWhitespace();
    const char = this.text.charAt(this.position);
    switch (char) {
      case "{":
        return this.readMapping();
      case "[":
        return this.readSequence();
      case '"':
        return { kind: "str", value: this.readString() };
      case "":
        throw this.error("unexpected end of input");
      default:
        break;
    }
    for (const [word, value] of [["true", { kind: "bool", value: true }], ["false", { kind: "bool", value: false }], ["null", { kind: "null" }]] as const) {
      if (this.text.startsWith(word, this.position)) {
        this.position += word.length;
        return value;
      }
    }
    return this.readNumber();
  }

  private readMapping(): Mapping {
    const result: Mapping = { kind: "map", items: [] };
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === "}") {
      this.position++;
      return result;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text[this.position] !== '"') {
        throw this.error("expected a string key");
      }
      const key = this.readString();
      this.expect(":");
      result.items.push({ kind: "pair", key, value: this.readValue() });
      this.skipWhitespace();
      const next = this.text[this.position++];
      if (next === "}") {
        return result;
      }
      if (next !== ",") {
        throw this.error('expected "," or "}"');
      }
    }
  }

  private readSequence(): Sequence {
    const result: Sequence = { kind: "seq", items: [] };
    this.position++;
    this.skipWhitespace();
    if (this.text[this.position] === "]") {
      this.position++;
      return result;
    }
    for (;;) {
      result.items.push(this.readValue());
      this.skipWhitespace();
      const next = this.text[this.position++];
      if (next === "]") {
        return result;
      }
      if (next !== ",") {
        throw this.error('expected "," or "]"');
      }
    }
  }

  /** Reads a string; lone surrogates become U+FFFD as Go's decoder makes them. */
  private readString(): string {
    this.position++;
    let result = "";
    for (;;) {
      const char = this.text.charAt(this.position++);
      if (char === "") {
        throw this.error("unterminated string");
      }
      if (char === '"') {
        return result.replace(LONE_SURROGATE, "\ufffd");
      }
      if (char < " ") {
        throw this.error("control character in string");
      }
      if (char !== "\\") {
        result += char;
        continue;
      }
      const escape = this.text[this.position++] ?? "";
      if (escape === "u") {
        const hex = this.text.slice(this.position, this.position + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw this.error("invalid \\u escape");
        }
        result += String.fromCharCode(parseInt(hex, 16));
        this.position += 4;
      } else if (escape in ESCAPES) {
        result += ESCAPES[escape];
      } else {
        throw this.error("invalid escape in string");
      }
    }
  }

  /** Integers (no point, no exponent) that fit int64 are ints; every other number is a float. */
  private readNumber(): Value {
    const match = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(this.text.slice(this.position, this.position + 400));
    if (match === null) {
      throw this.error("invalid value");
    }
    const literal = match[0];
    this.position += literal.length;
    const fraction = match.at(2);
    const exponent = match.at(3);
    if (fraction === undefined && exponent === undefined) {
      const integer = BigInt(literal);
      if (integer >= INT64_MIN && integer <= INT64_MAX) {
        return { kind: "int", value: integer };
      }
    }
    const value = Number(literal);
    if (!Number.isFinite(value)) {
      throw this.error(`the number ${literal} is out of range`);
    }
    return { kind: "float", value };
  }
}
