import { KrevealError } from "../errors.js";

/**
 * The rule in a file's metadata that decides which leaves are encrypted. A file carries at most
 * one; a file with none behaves as if `unencrypted_suffix: _unencrypted` were set.
 */
export type SelectionRule =
  | { readonly field: "unencrypted_suffix" | "encrypted_suffix"; readonly suffix: string }
  | { readonly field: "unencrypted_regex" | "encrypted_regex"; readonly pattern: RegExp }
  | { readonly field: "unencrypted_comment_regex" | "encrypted_comment_regex"; readonly pattern: RegExp };

export const ruleFields = [
  "unencrypted_suffix",
  "encrypted_suffix",
  "unencrypted_regex",
  "encrypted_regex",
  "unencrypted_comment_regex",
  "encrypted_comment_regex",
] as const;

export const defaultRule: SelectionRule = { field: "unencrypted_suffix", suffix: "_unencrypted" };

/** Builds the rule from its metadata field and text, translating Go RE2 syntax to JavaScript. */
export function selectionRule(field: (typeof ruleFields)[number], text: string): SelectionRule {
  switch (field) {
    case "unencrypted_suffix":
    case "encrypted_suffix":
      return { field, suffix: text };
    default:
      return { field, pattern: compileRE2(field, text) };
  }
}

/**
 * Decides whether the leaf at `path` is encrypted. `comments` holds, for each level from the root,
 * the run of comments just before the item at that level; for a comment leaf, its own text is the
 * last entry of the innermost run.
 */
export function isEncrypted(rule: SelectionRule, path: readonly string[], comments: readonly string[], isComment: boolean): boolean {
  switch (rule.field) {
    case "unencrypted_suffix":
      return !path.some((key) => key.endsWith(rule.suffix));
    case "encrypted_suffix":
      return path.some((key) => key.endsWith(rule.suffix));
    case "unencrypted_regex":
      return !path.some((key) => matches(rule.pattern, key));
    case "encrypted_regex":
      return path.some((key) => matches(rule.pattern, key));
    case "unencrypted_comment_regex":
      return !comments.some((text) => matches(rule.pattern, text));
    case "encrypted_comment_regex": {
      // The comment that triggers encryption stays readable itself.
      const others = isComment ? comments.slice(0, -1) : comments;
      return others.some((text) => matches(rule.pattern, text));
    }
  }
}

function matches(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  return pattern.test(text);
}

/**
 * Compiles a Go RE2 pattern as a JavaScript RegExp. RE2 writes flags inline at the start
 * (`(?i)`, `(?s)`, `(?m)`) and names groups `(?P<name>...)`; both are translated. `\z` and `\A`
 * become `$` and `^`, which is the same as long as the m flag is off.
 */
function compileRE2(field: string, source: string): RegExp {
  let body = source;
  let flags = "";

  const leadingFlags = /^\(\?([ims]+)\)/.exec(body);
  if (leadingFlags !== null) {
    flags += leadingFlags[1];
    body = body.slice(leadingFlags[0].length);
  }
  body = body.replace(/\(\?P</g, "(?<").replace(/\\z/g, "$").replace(/\\A/g, "^");

  try {
    return new RegExp(body, flags);
  } catch (error) {
    // TODO: RE2 features without a JavaScript equivalent (inline flags in the middle of a
    // pattern, \Q...\E, possessive classes) are rejected here rather than translated.
    throw new KrevealError("SOPS_METADATA_INVALID", `the ${field} pattern "${source}" cannot be used as a regular expression`, {
      location: `sops.${field}`,
      fix: "Use RE2 syntax that JavaScript also accepts, or open the file with sops.",
      cause: error,
    });
  }
}
