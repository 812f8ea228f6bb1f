import { KrevealError } from "../errors.js";
import { parseModifiers, type Modifier } from "./modifiers.js";

/** One placeholder as written in a manifest, e.g. `<vault:secret/data/app#password | base64encode>`. */
export interface Placeholder {
  /** The placeholder's text, `<` to `>`, as written; messages quote it. */
  readonly text: string;
  /** The backend's scheme: `vault`, `sops`. The AVP form `path:` reads from `vault`. */
  readonly scheme: string;
  readonly path: string;
  readonly key: string;
  readonly version: string | undefined;
  readonly modifiers: readonly Modifier[];
}

/** A string split into literal text and placeholders, in order. */
export type Segment = string | Placeholder;

/** How a string is scanned, which depends on the resource it sits in. */
export interface ScanMode {
  /**
   * The resource's `avp.kubernetes.io/path` annotation. When set, every `<...>` on one line is a
   * placeholder, and `<KEY>` reads KEY from the secret at this path (AVP's generic form).
   */
  readonly avpPath?: string;
  /** The resource's `avp.kubernetes.io/secret-version` annotation, used by `<KEY>` only. */
  readonly avpVersion?: string;
}

/** Schemes that the own form `<SCHEME:PATH#KEY>` accepts, and the backend each one reads from. */
const schemes: ReadonlyMap<string, string> = new Map([
  ["vault", "vault"],
  ["sops", "sops"],
  ["path", "vault"],
]);

/**
 * The own and AVP inline forms: scheme, then PATH#KEY with an optional #VERSION, then modifiers
 * after `|`. No part may cross a line or hold `<` or `>`, and path, key and version hold no `#`
 * or `|`. Text that does not match is not a placeholder and is left as it is.
 */
const inlinePattern = /<(vault|sops|path):([^#<>|\n]+)#([^#<>|\n]+)(?:#([^#<>|\n]+))?((?:\|[^|<>\n]*)*)>/g;

/** AVP's pattern for resources with a path annotation: any `<...>` within one line. */
const genericPattern = /<([^<>\n]*)>/g;

const inlineBody = /^(vault|sops|path):([^#<>|\n]+)#([^#<>|\n]+)(?:#([^#<>|\n]+))?$/;

/**
 * Splits `text` into literal text and placeholders. Returns undefined when the text contains no
 * placeholder, so that callers leave such strings untouched. Throws PLACEHOLDER_INVALID for a
 * placeholder whose modifiers are invalid; `location` names the field in that message.
 */
export function scanPlaceholders(text: string, mode: ScanMode, location: string): Segment[] | undefined {
  const pattern = mode.avpPath === undefined ? inlinePattern : genericPattern;
  const segments: Segment[] = [];
  let last = 0;

  for (const match of text.matchAll(pattern)) {
    const placeholder = mode.avpPath === undefined ? fromInlineMatch(match, location) : fromGenericMatch(match, mode, location);
    if (match.index > last) {
      segments.push(text.slice(last, match.index));
    }
    segments.push(placeholder);
    last = match.index + match[0].length;
  }

  if (segments.length === 0) {
    return undefined;
  }
  if (last < text.length) {
    segments.push(text.slice(last));
  }
  return segments;
}

/** Tells whether `text` contains at least one placeholder, without checking its modifiers. */
export function containsPlaceholder(text: string, mode: ScanMode): boolean {
  const pattern = mode.avpPath === undefined ? inlinePattern : genericPattern;
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}

function fromInlineMatch(match: RegExpExecArray, location: string): Placeholder {
  const [text, scheme = "", path = "", key = "", version, modifierText = ""] = match;
  return build(text, scheme, path, key, version, modifierText.split("|").slice(1), location);
}

/**
 * Reads one `<...>` of a resource with the AVP path annotation: an inline `path:P#K` (or own
 * scheme) when its first field has that shape, else the generic `<KEY>`.
 */
function fromGenericMatch(match: RegExpExecArray, mode: ScanMode, location: string): Placeholder {
  const [text, body = ""] = match;
  const [head = "", ...modifierFields] = body.split("|");
  const trimmed = head.trim();

  const inline = inlineBody.exec(trimmed);
  if (inline !== null) {
    const [, scheme = "", path = "", key = "", version] = inline;
    return build(text, scheme, path, key, version, modifierFields, location);
  }
  return build(text, "path", mode.avpPath ?? "", trimmed, mode.avpVersion, modifierFields, location);
}

function build(text: string, scheme: string, path: string, key: string, version: string | undefined, modifierFields: readonly string[], location: string): Placeholder {
  const backend = schemes.get(scheme);
  if (backend === undefined) {
    throw new KrevealError("PLACEHOLDER_INVALID", `${text} names an unknown backend "${scheme}"`, { location });
  }

  const trimmedVersion = version?.trim();
  return {
    text,
    scheme: backend,
    path: path.trim(),
    key: key.trim(),
    version: trimmedVersion === "" ? undefined : trimmedVersion,
    modifiers: parseModifiers(modifierFields, text, location),
  };
}
