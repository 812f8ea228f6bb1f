/**
 * The scalar analysis of the yaml.v3 emitter (the libyaml port that sops uses to write YAML):
 * which presentation styles a string allows, and which style the emitter picks in a context.
 */
import { readsBackAsString } from "./yaml-scalars.js";

export type ScalarStyle = "plain" | "single" | "double" | "literal";

/** The facts the emitter collects about a scalar before choosing its style. */
export interface ScalarAnalysis {
  readonly multiline: boolean;
  readonly flowPlainAllowed: boolean;
  readonly blockPlainAllowed: boolean;
  readonly singleQuotedAllowed: boolean;
  readonly blockAllowed: boolean;
}

/** Line breaks as YAML defines them: CR, LF, NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR. */
export function isBreak(char: string | undefined): boolean {
  return char === "\r" || char === "\n" || char === "\u0085" || char === "\u2028" || char === "\u2029";
}

function isBlank(char: string | undefined): boolean {
  return char === " " || char === "\t";
}

/** libyaml's printable set: LF, ASCII 0x20-0x7E, U+00A0-U+D7FF and U+E000-U+FFFD without the BOM. */
export function isPrintable(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (
    code === 0x0a ||
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff)
  );
}

const FIRST_INDICATORS = new Set(["#", ",", "[", "]", "{", "}", "&", "*", "!", "|", ">", "'", '"', "%", "@", "`"]);

/** Scans a scalar as the yaml.v3 emitter does and records which styles can carry it. */
export function analyzeScalar(value: string): ScalarAnalysis {
  if (value === "") {
    return { multiline: false, flowPlainAllowed: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  }

  const chars = Array.from(value);
  let blockIndicators = value.startsWith("---") || value.startsWith("...");
  let flowIndicators = blockIndicators;
  let lineBreaks = false;
  let specialCharacters = false;
  let tabCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;

  for (let i = 0; i < chars.length; i++) {
    const char = chars[i];
    const followedByWhitespace = i + 1 >= chars.length || isBlank(chars[i + 1]);
    const last = i + 1 === chars.length;

    if (i === 0) {
      if (FIRST_INDICATORS.has(char)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (char === "?" || char === ":") {
        flowIndicators = true;
        blockIndicators ||= followedByWhitespace;
      } else if (char === "-" && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (",?[]{}".includes(char)) {
      flowIndicators = true;
    } else if (char === ":") {
      flowIndicators = true;
      blockIndicators ||= followedByWhitespace;
    } else if (char === "#" && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }

    if (char === "\t") {
      tabCharacters = true;
    } else if (!isPrintable(char)) {
      specialCharacters = true;
    }

    if (char === " ") {
      leadingSpace ||= i === 0;
      trailingSpace ||= last;
      breakSpace ||= previousBreak;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(char)) {
      lineBreaks = true;
      leadingBreak ||= i === 0;
      trailingBreak ||= last;
      spaceBreak ||= previousSpace;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlank(char) || isBreak(char) || char === "\u0000";
  }

  const padded = leadingSpace || leadingBreak || trailingSpace || trailingBreak;
  const unsafe = spaceBreak || tabCharacters || specialCharacters;
  return {
    multiline: lineBreaks,
    flowPlainAllowed: !(padded || breakSpace || unsafe || lineBreaks || flowIndicators),
    blockPlainAllowed: !(padded || breakSpace || unsafe || lineBreaks || blockIndicators),
    singleQuotedAllowed: !(breakSpace || unsafe),
    blockAllowed: !(trailingSpace || spaceBreak || specialCharacters),
  };
}

/** The context a scalar is written in. */
export interface ScalarContext {
  readonly flow: boolean;
  readonly simpleKey: boolean;
}

/** yaml.v3's style choice: the requested style, downgraded until the scalar fits the context. */
export function selectScalarStyle(value: string, requested: ScalarStyle, context: ScalarContext): ScalarStyle {
  const analysis = analyzeScalar(value);
  let style = requested;
  if (context.simpleKey && analysis.multiline) {
    style = "double";
  }

  if (style === "plain") {
    const plainAllowed = context.flow ? analysis.flowPlainAllowed : analysis.blockPlainAllowed;
    if (!plainAllowed || (value === "" && (context.flow || context.simpleKey))) {
      style = "single";
    }
  }
  if (style === "single" && !analysis.singleQuotedAllowed) {
    style = "double";
  }
  if (style === "literal" && (!analysis.blockAllowed || context.flow || context.simpleKey)) {
    style = "double";
  }
  return style;
}

/**
 * The scalar node yaml.v3's `Node.Encode` makes from a string, which sops calls on every key and
 * value: literal style for multi-line text, plain when the text reads back as a string,
 * double-quoted otherwise, then downgraded as the emitter does for a document-level scalar.
 * `Node.Encode` writes the string as YAML and parses it back, and yaml.v3's literal writer lets
 * the first content line break stand in for the line break after the `|` header, so a literal
 * value that starts with a newline comes back without that newline. sops output has the same loss.
 */
export function encodeStringNode(value: string): { value: string; style: ScalarStyle } {
  let requested: ScalarStyle = "double";
  if (value.includes("\n")) {
    requested = "literal";
  } else if (readsBackAsString(value)) {
    requested = "plain";
  }

  const style = selectScalarStyle(value, requested, { flow: false, simpleKey: false });
  if (style === "literal" && value.startsWith("\n")) {
    return { value: value.slice(1), style };
  }
  return { value, style };
}
