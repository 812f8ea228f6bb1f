/**
 * The INI store: sections are the top-level keys of one branch (with go-ini's `DEFAULT` section
 * first), every value is a string, and the metadata is the `[sops]` section with flattened keys.
 * Output follows go-ini's writer as sops 3.13 uses it.
 */
import { KrevealError } from "../../errors.js";
import type { Branch, Comment, Mapping, Pair } from "../tree.js";
import { unflattenMetadata } from "./flatten.js";
import { DEFAULT_SECTION, IniReader, type IniSection } from "./ini-read.js";
import type { EncryptedDocument, Store } from "./store.js";
import { valueToText } from "./value-text.js";

const METADATA_SECTION = "sops";

/** sops strips the comment character and the spaces after it from INI comments. */
function stripCommentChar(comment: string): string {
  if (comment.startsWith(";")) {
    return comment.replace(/^[; ]+/, "");
  }
  if (comment.startsWith("#")) {
    return comment.replace(/^[# ]+/, "");
  }
  return comment;
}

/** Converts a section: its comment becomes the first item, and a key's comment follows the key. */
function sectionToPair(section: IniSection): Pair {
  const items: (Pair | Comment)[] = [];
  if (section.comment !== "") {
    items.push({ kind: "comment", text: stripCommentChar(section.comment) });
  }
  for (const key of section.keys) {
    items.push({ kind: "pair", key: key.name, value: { kind: "str", value: key.value } });
    if (key.comment !== "") {
      items.push({ kind: "comment", text: stripCommentChar(key.comment) });
    }
  }
  return { kind: "pair", key: section.name, value: { kind: "map", items } };
}

/** go-ini writes a comment line with a `; ` prefix unless it already starts with `;` or `#`. */
function commentLines(comment: string, trimFirst: boolean): string {
  return comment
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      if (line[0] === "#" || line[0] === ";") {
        return `${line[0]} ${line.slice(1).trim()}\n`;
      }
      return `; ${trimFirst ? line.trim() : line}\n`;
    })
    .join("");
}

/** go-ini quotes a key holding `"`, `=` or `:` in backquotes, and one holding a backquote in `"""`. */
function quoteKey(name: string): string {
  if (name.includes('"') || /[=:]/.test(name)) {
    return `\`${name}\``;
  }
  if (name.includes("`")) {
    return `"""${name}"""`;
  }
  return name;
}

/** go-ini quotes values that would not read back: line breaks or backquotes, comment characters, edge spaces. */
function quoteValue(value: string): string {
  if (/[\n`]/.test(value)) {
    return `"""${value}"""`;
  }
  if (/[#;]/.test(value)) {
    return `\`${value}\``;
  }
  if (value.trim() !== value) {
    return `"${value}"`;
  }
  return value;
}

interface SectionOutput {
  name: string;
  comment: string;
  keys: { name: string; value: string; comment: string }[];
}

/** Rebuilds go-ini sections from the tree, as sops's INI encoder does. */
function toSections(branch: Branch): SectionOutput[] {
  const defaultSection: SectionOutput = { name: DEFAULT_SECTION, comment: "", keys: [] };
  const sections = [defaultSection];
  for (const item of branch.items) {
    if (item.kind === "comment") {
      continue;
    }
    if (item.value.kind !== "map") {
      throw new KrevealError("INPUT_MALFORMED", `the INI section "${item.key}" is not a mapping of keys`, { location: item.key });
    }
    const section: SectionOutput = item.key === DEFAULT_SECTION ? defaultSection : { name: item.key, comment: "", keys: [] };
    if (section !== defaultSection) {
      sections.push(section);
    }
    fillSection(section, item.value);
  }
  return sections;
}

function fillSection(section: SectionOutput, map: Mapping): void {
  const first = map.items.at(0);
  const items = first?.kind === "comment" ? map.items.slice(1) : map.items;
  if (first?.kind === "comment") {
    section.comment = first.text;
  }

  for (const item of items) {
    const last = section.keys.at(-1);
    if (item.kind === "comment") {
      // Only one comment per key survives, and a comment before the first key is lost.
      if (last !== undefined) {
        last.comment = item.text;
      }
      continue;
    }
    section.keys.push({ name: item.key, value: valueToText(item.value, `${section.name}.${item.key}`), comment: "" });
  }
}

function writeSection(section: SectionOutput, first: boolean): string {
  let text = commentLines(section.comment, false);
  const headerless = first && section.name === DEFAULT_SECTION;
  if (headerless && section.keys.length === 0) {
    // go-ini writes the comment of an empty DEFAULT section but not the section itself.
    return text;
  }
  if (!headerless) {
    text += `[${section.name}]\n`;
  }

  const names = section.keys.map((key) => quoteKey(key.name));
  const width = Math.max(0, ...names.map((name) => Buffer.byteLength(name)));
  section.keys.forEach((key, index) => {
    const name = names[index];
    text += commentLines(key.comment, true);
    text += `${name}${" ".repeat(width - Buffer.byteLength(name))} = ${quoteValue(key.value)}\n`;
  });
  return text;
}

export const iniStore: Store = {
  name: "ini",

  parse(bytes: Uint8Array, file: string): EncryptedDocument {
    const sections = new IniReader(Buffer.from(bytes).toString("utf8"), file).read();
    const metadataSection = sections.find((section) => section.name === METADATA_SECTION);
    const data = sections.filter((section) => section.name !== METADATA_SECTION);

    let metadata: Record<string, unknown> | undefined;
    if (metadataSection !== undefined) {
      const flat = new Map(metadataSection.keys.map((key) => [key.name, key.value.replaceAll("\\n", "\n")] as [string, string]));
      metadata = unflattenMetadata(flat);
    }
    return { branches: [{ kind: "map", items: data.map(sectionToPair) }], metadata };
  },

  /**
   * Writes sections separated by one blank line, `=` aligned within a section. NOTE: go-ini
   * before 1.67 (sops 3.6 and older) also wrote a blank line after the last section.
   */
  emit(branches: readonly Branch[]): Uint8Array {
    const sections = toSections(branches[0] ?? { kind: "map", items: [] });
    let text = "";
    sections.forEach((section, index) => {
      const part = writeSection(section, index === 0);
      const headerOnlyComment = index === 0 && section.keys.length === 0;
      text += part;
      if (!headerOnlyComment && index < sections.length - 1) {
        text += "\n";
      }
    });
    return Buffer.from(text, "utf8");
  },
};
