import { formatFieldPath } from "./field-path.js";
import { isRecord } from "./manifest.js";
import { warn } from "./warnings.js";

/**
 * Warns about every key of `value` that is not in `known`. The compatibility kinds ignore such
 * keys, as KSOPS and SopsSecretGenerator do, so that a manifest that works with them keeps
 * working, but a misspelled field is most likely a mistake worth a line on stderr.
 * `hints` gives a more helpful message for keys that users often put in the wrong place.
 */
export function warnUnknownFields(
  value: unknown,
  known: readonly string[],
  path: readonly PropertyKey[],
  context: { readonly description: string; readonly tool: string; readonly hints?: Readonly<Record<string, string>> },
): void {
  if (!isRecord(value)) {
    return;
  }
  for (const key of Object.keys(value)) {
    if (known.includes(key)) {
      continue;
    }
    const hint = context.hints?.[key] ?? `Known fields here: ${known.join(", ")}.`;
    warn(`${context.description}: ${formatFieldPath([...path, key])}`, `unknown field, ignored as ${context.tool} ignores it. ${hint}`);
  }
}
