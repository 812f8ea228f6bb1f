/**
 * The dotenv store: `KEY=VALUE` lines with no quoting, `#` comment lines, `\n` escapes for
 * newlines, and the metadata in `sops_` keys with flattened names.
 */
import { KrevealError } from "../../errors.js";
import type { Branch, Comment, Pair } from "../tree.js";
import { unflattenMetadata } from "./flatten.js";
import type { EncryptedDocument, Store } from "./store.js";
import { valueToText } from "./value-text.js";

const METADATA_PREFIX = "sops_";

/** Splits on LF only and skips empty lines, so a CR stays part of its line, as in sops. */
function parseLines(text: string, file: string): (Pair | Comment)[] {
  const items: (Pair | Comment)[] = [];
  text.split("\n").forEach((line, index) => {
    if (line === "") {
      return;
    }
    if (line.startsWith("#")) {
      items.push({ kind: "comment", text: line.slice(1) });
      return;
    }
    const equals = line.indexOf("=");
    if (equals === -1) {
      throw new KrevealError("INPUT_MALFORMED", `invalid dotenv line ${index + 1}: no "=" between key and value`, {
        location: file,
        fix: "Write each line as KEY=VALUE, or start comment lines with #.",
      });
    }
    const value = line.slice(equals + 1).replaceAll("\\n", "\n");
    items.push({ kind: "pair", key: line.slice(0, equals), value: { kind: "str", value } });
  });
  return items;
}

export const dotenvStore: Store = {
  name: "dotenv",

  parse(bytes: Uint8Array, file: string): EncryptedDocument {
    const items = parseLines(Buffer.from(bytes).toString("utf8"), file);
    const flat = new Map<string, string>();
    const data: (Pair | Comment)[] = [];
    for (const item of items) {
      if (item.kind === "pair" && item.key.startsWith(METADATA_PREFIX) && item.value.kind === "str") {
        flat.set(item.key.slice(METADATA_PREFIX.length), item.value.value);
      } else {
        data.push(item);
      }
    }
    const metadata = flat.size === 0 ? undefined : unflattenMetadata(flat);
    return { branches: [{ kind: "map", items: data }], metadata };
  },

  emit(branches: readonly Branch[]): Uint8Array {
    let text = "";
    for (const item of branches[0]?.items ?? []) {
      if (item.kind === "comment") {
        text += `#${item.text}\n`;
        continue;
      }
      const value = item.value.kind === "str" ? item.value.value.replaceAll("\n", "\\n") : valueToText(item.value, item.key);
      text += `${item.key}=${value}\n`;
    }
    return Buffer.from(text, "utf8");
  },
};
