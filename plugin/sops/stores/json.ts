/**
 * The JSON store: the whole file is one branch, the top-level `sops` key is the metadata, and
 * output is what Go's `json.MarshalIndent` writes with a tab, followed by a newline.
 */
import { KrevealError } from "../../errors.js";
import { formatFloatJSON } from "../../formats/go-format.js";
import { toPlain, type Branch, type Mapping, type Value } from "../tree.js";
import { JsonReader } from "./json-read.js";
import type { EncryptedDocument, Store } from "./store.js";
import { decodeUtf8 } from "./yaml.js";

const METADATA_KEY = "sops";

/**
 * Quotes a string as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped for
 * HTML, `\b`, `\f`, `\n`, `\r`, `\t` by name (Go 1.22 and later), other control characters as
 * `\u00XX`, and lone surrogates replaced by U+FFFD.
 */
export function quoteJsonString(value: string): string {
  let result = '"';
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    switch (char) {
      case '"':
        result += '\\"';
        continue;
      case "\\":
        result += "\\\\";
        continue;
      case "\b":
        result += "\\b";
        continue;
      case "\f":
        result += "\\f";
        continue;
      case "\n":
        result += "\\n";
        continue;
      case "\r":
        result += "\\r";
        continue;
      case "\t":
        result += "\\t";
        continue;
      default:
        break;
    }
    if (code < 0x20 || char === "<" || char === ">" || char === "&" || code === 0x2028 || code === 0x2029) {
      result += `\\u${code.toString(16).padStart(4, "0")}`;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      result += "\ufffd";
    } else {
      result += char;
    }
  }
  return `${result}"`;
}

function scalarText(value: Value, path: string): string {
  switch (value.kind) {
    case "str":
      return quoteJsonString(value.value);
    case "bytes":
      // Go's json.Marshal writes a []byte as a base64 string.
      return `"${Buffer.from(value.value).toString("base64")}"`;
    case "int":
      return value.value.toString();
    case "float": {
      const text = formatFloatJSON(value.value);
      if (text === undefined) {
        throw new KrevealError("INPUT_MALFORMED", `the value at "${path}" is ${String(value.value)}, which JSON cannot represent`, { location: path });
      }
      return text;
    }
    case "bool":
      return value.value ? "true" : "false";
    case "time":
      return quoteJsonString(value.value);
    case "null":
      return "null";
    default:
      throw new Error(`unexpected ${value.kind} scalar`);
  }
}

/** Writes a value indented with tabs the way json.Indent lays out Go's compact output. */
function writeValue(value: Value, depth: number, path: string): string {
  const inner = "\t".repeat(depth + 1);
  const outer = "\t".repeat(depth);
  if (value.kind === "map") {
    const pairs = value.items.flatMap((item) => (item.kind === "pair" ? [`${inner}${quoteJsonString(item.key)}: ${writeValue(item.value, depth + 1, path === "" ? item.key : `${path}.${item.key}`)}`] : []));
    return pairs.length === 0 ? "{}" : `{\n${pairs.join(",\n")}\n${outer}}`;
  }
  if (value.kind === "seq") {
    const items = value.items.flatMap((item) => (item.kind === "comment" ? [] : [`${inner}${writeValue(item, depth + 1, path)}`]));
    return items.length === 0 ? "[]" : `[\n${items.join(",\n")}\n${outer}]`;
  }
  return scalarText(value, path);
}

/** Writes a branch as sops writes a JSON file: comments dropped, a newline at the end. */
export function emitJsonBranch(branch: Mapping): string {
  return `${writeValue(branch, 0, "")}\n`;
}

export const jsonStore: Store = {
  name: "json",

  parse(bytes: Uint8Array, file: string): EncryptedDocument {
    const branch = new JsonReader(decodeUtf8(bytes, file), file).readObject();
    const metadataPair = branch.items.find((item) => item.kind === "pair" && item.key === METADATA_KEY);
    const kept = branch.items.filter((item) => !(item.kind === "pair" && item.key === METADATA_KEY));
    branch.items.splice(0, branch.items.length, ...kept);

    const metadata = metadataPair?.kind === "pair" && metadataPair.value.kind === "map" ? (toPlain(metadataPair.value) as Record<string, unknown>) : undefined;
    return { branches: [branch], metadata };
  },

  emit(branches: readonly Branch[]): Uint8Array {
    const branch = branches[0] ?? { kind: "map", items: [] };
    return Buffer.from(emitJsonBranch(branch), "utf8");
  },
};
