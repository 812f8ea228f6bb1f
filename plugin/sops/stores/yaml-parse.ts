/**
 * YAML text to sops trees. The `yaml` package parses the text with its failsafe schema, so every
 * scalar arrives as source text; this module types plain scalars by yaml.v3's rules, expands
 * aliases by copy and records where every collection and item sits, so that comments can be
 * placed afterwards (see yaml-comments.ts).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseAllDocuments, Scalar as YamlScalar } from "yaml";
import type { Document, Node as YamlAstNode, ParsedNode } from "yaml";
import { KrevealError } from "../../errors.js";
import { resolvePlainScalar } from "../../formats/yaml-scalars.js";
import type { Branch, Mapping, Pair, Scalar, Sequence, Value } from "../tree.js";

/** Source position of one pair or sequence element. Offsets are UTF-16 indexes. */
export interface ItemPosition {
  /** Start of the key, or of the element. */
  readonly start: number;
  /** Start and end of the value; undefined for an empty (null) value. */
  readonly valueStart: number | undefined;
  readonly valueEnd: number | undefined;
  /** End of the key for pairs. */
  readonly keyEnd: number | undefined;
  /** Position of the `-` indicator of a block sequence element. */
  readonly dashOffset: number | undefined;
  readonly valueKind: "scalar" | "block-scalar" | "block-collection" | "flow-collection" | "null";
  /** The container created for a collection value. */
  readonly child: ContainerPosition | undefined;
}

/** A mapping or sequence of the tree with its place in the source. */
export interface ContainerPosition {
  readonly node: Mapping | Sequence;
  readonly flow: boolean;
  readonly start: number;
  readonly end: number;
  readonly parent: ContainerPosition | undefined;
  readonly depth: number;
  readonly items: ItemPosition[];
}

export interface ParsedYamlDocument {
  readonly branch: Branch;
  /** The document's root mapping; an empty document gets an empty one. */
  readonly root: ContainerPosition;
  /** Every block and flow collection of the document, aliases excluded. */
  readonly containers: readonly ContainerPosition[];
  /** Offset where the document starts, comments and `---` included. */
  readonly start: number;
}

const TAG_PREFIX = "tag:yaml.org,2002:";

/** Returns a scalar's text: its value under the failsafe schema, or its source for `!!binary`. */
function scalarText(node: YamlScalar): string {
  const value: unknown = node.value;
  if (typeof value === "string") {
    return value;
  }
  return typeof node.source === "string" ? node.source : "";
}

/** Offsets of the `-` indicators of a block sequence, from the parser's source tokens. */
function sequenceDashOffsets(node: ParsedNode): (number | undefined)[] {
  const token = node.srcToken as { type?: string; items?: { start: { type: string; offset: number }[] }[] } | undefined;
  if (token?.type !== "block-seq" || token.items === undefined) {
    return [];
  }
  return token.items.map((item) => item.start.find((part) => part.type === "seq-item-ind")?.offset);
}

function malformed(file: string, message: string, fix?: string): KrevealError {
  return new KrevealError("INPUT_MALFORMED", message, { location: file, fix: fix ?? "Fix the YAML syntax of the file." });
}

/** Converts one YAML document of a file; `checkDuplicates` is set for the first document only. */
class DocumentConverter {
  readonly containers: ContainerPosition[] = [];

  constructor(private readonly doc: Document.Parsed, private readonly file: string, private readonly checkDuplicates: boolean) {}

  document(): ParsedYamlDocument {
    const contents = this.doc.contents;
    const start = this.doc.range[0];
    if (contents === null || (isScalar(contents) && contents.type === YamlScalar.PLAIN && resolvePlainScalar(scalarText(contents)).kind === "null")) {
      // An empty document (or a bare null) is an empty branch, as in sops.
      const empty: Mapping = { kind: "map", items: [] };
      const root: ContainerPosition = { node: empty, flow: false, start, end: this.doc.range[2], parent: undefined, depth: 0, items: [] };
      return { branch: empty, root, containers: [root], start };
    }
    if (!isMap(contents)) {
      throw malformed(this.file, "a YAML document must be a mapping; sops does not support top-level sequences or scalars", "Wrap the content in a mapping, for example `data: [...]`.");
    }
    const root = this.mapping(contents, undefined, true, "");
    return { branch: root.node as Mapping, root, containers: this.containers, start };
  }

  private mapping(node: ParsedNode, parent: ContainerPosition | undefined, register: boolean, path: string): ContainerPosition {
    const map = node as unknown as { items: unknown[]; flow?: boolean; range: [number, number, number] };
    const result: Mapping = { kind: "map", items: [] };
    const position = this.container(result, node, parent, register);
    const seen = new Set<string>();

    for (const item of map.items) {
      if (!isPair(item)) {
        continue;
      }
      const key = this.key(item.key as ParsedNode | null, path);
      const keyPath = path === "" ? key : `${path}.${key}`;
      if (this.checkDuplicates && seen.has(key)) {
        throw malformed(this.file, `mapping key "${keyPath}" is defined more than once`, "Remove the duplicate key; sops 3.10 and later reject duplicate YAML keys.");
      }
      seen.add(key);

      const keyNode = item.key as ParsedNode;
      const valueNode = item.value as ParsedNode | null;
      const [value, child] = this.value(valueNode, position, register, keyPath);
      const pair: Pair = { kind: "pair", key, value };
      result.items.push(pair);
      position.items.push(this.itemPosition(keyNode.range[0], keyNode.range[1], valueNode, child, undefined));
    }
    return position;
  }

  private sequence(node: ParsedNode, parent: ContainerPosition | undefined, register: boolean, path: string): ContainerPosition {
    const seq = node as unknown as { items: unknown[] };
    const result: Sequence = { kind: "seq", items: [] };
    const position = this.container(result, node, parent, register);
    const dashes = sequenceDashOffsets(node);

    seq.items.forEach((item, index) => {
      const itemNode = (item ?? null) as ParsedNode | null;
      const [value, child] = this.value(itemNode, position, register, path);
      result.items.push(value);
      const dash = dashes[index];
      const start = dash ?? itemNode?.range[0] ?? position.end;
      position.items.push(this.itemPosition(start, undefined, itemNode, child, dash));
    });
    return position;
  }

  private container(node: Mapping | Sequence, ast: ParsedNode, parent: ContainerPosition | undefined, register: boolean): ContainerPosition {
    const flow = (ast as unknown as { flow?: boolean }).flow === true;
    const position: ContainerPosition = { node, flow, start: ast.range[0], end: ast.range[1], parent, depth: parent === undefined ? 0 : parent.depth + 1, items: [] };
    if (register) {
      this.containers.push(position);
    }
    return position;
  }

  private itemPosition(start: number, keyEnd: number | undefined, value: ParsedNode | null, child: ContainerPosition | undefined, dash: number | undefined): ItemPosition {
    let valueKind: ItemPosition["valueKind"] = "null";
    if (child !== undefined) {
      valueKind = child.flow ? "flow-collection" : "block-collection";
    } else if (value !== null && isScalar(value) && (value.type === YamlScalar.BLOCK_LITERAL || value.type === YamlScalar.BLOCK_FOLDED)) {
      valueKind = "block-scalar";
    } else if (value !== null && !(isScalar(value) && (value.value === null || value.range[0] === value.range[1]))) {
      valueKind = "scalar";
    }
    return { start, keyEnd, valueStart: value?.range[0], valueEnd: value?.range[1], dashOffset: dash, valueKind, child };
  }

  private key(node: ParsedNode | null, path: string): string {
    const where = path === "" ? "the top level" : `"${path}"`;
    if (node === null || !isScalar(node)) {
      throw malformed(this.file, `a mapping key at ${where} is not a string`, "Use only string keys: sops cannot encrypt a tree with other keys.");
    }
    const value = this.scalar(node, path);
    if (value.kind !== "str") {
      throw malformed(this.file, `the mapping key "${scalarText(node)}" at ${where} is a ${value.kind}, not a string`, "Quote the key: sops only supports string keys.");
    }
    return value.value;
  }

  private value(node: ParsedNode | null, parent: ContainerPosition, register: boolean, path: string): [Value, ContainerPosition | undefined] {
    if (node === null) {
      return [{ kind: "null" }, undefined];
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc) as ParsedNode | undefined;
      if (target === undefined) {
        throw malformed(this.file, `the alias *${node.source} at "${path}" has no anchor`);
      }
      return [this.value(target, parent, false, path)[0], undefined];
    }
    if (isMap(node)) {
      const child = this.mapping(node, parent, register, path);
      return [child.node, child];
    }
    if (isSeq(node)) {
      const child = this.sequence(node, parent, register, path);
      return [child.node, child];
    }
    return [this.scalar(node, path), undefined];
  }

  /** Types a scalar as yaml.v3 decodes it into `interface{}`. */
  private scalar(node: YamlScalar & YamlAstNode, path: string): Scalar {
    const text = scalarText(node);
    if (node.type !== YamlScalar.PLAIN && node.type !== undefined) {
      // Quoted and block scalars are strings whatever their tag, as yaml.v3 decodes them.
      return { kind: "str", value: text };
    }

    const tag = node.tag;
    if (tag === undefined) {
      return resolvePlainScalar(text);
    }
    if (!tag.startsWith(TAG_PREFIX)) {
      return { kind: "str", value: text };
    }
    return this.tagged(tag.slice(TAG_PREFIX.length), typeof node.source === "string" ? node.source : text, path);
  }

  private tagged(tag: string, text: string, path: string): Scalar {
    if (tag === "binary") {
      return this.binary(text, path);
    }
    if (!["str", "int", "float", "bool", "null", "timestamp"].includes(tag)) {
      return { kind: "str", value: text };
    }
    if (tag === "str") {
      return { kind: "str", value: text };
    }

    // yaml.v3 resolves the text as if it were plain, then requires the result to match the
    // tag; an int is accepted for !!float.
    const resolved = resolvePlainScalar(text);
    if (tag === "float" && resolved.kind === "int") {
      return { kind: "float", value: Number(resolved.value) };
    }
    const expected = tag === "timestamp" ? "time" : tag;
    if (resolved.kind !== expected) {
      throw malformed(this.file, `the value at "${path}" cannot be read as !!${tag}`, "Remove the tag or fix the value.");
    }
    return resolved;
  }

  /** `!!binary` contains base64, and yaml.v3 decodes it into a string of the decoded bytes. */
  private binary(text: string, path: string): Scalar {
    const base64 = text.replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64) || base64.length % 4 !== 0) {
      throw malformed(this.file, `the !!binary value at "${path}" is not valid base64`);
    }
    const bytes = Buffer.from(base64, "base64");
    try {
      return { kind: "str", value: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
    } catch {
      return { kind: "bytes", value: new Uint8Array(bytes) };
    }
  }

}

/** Parses every document of a YAML stream. Throws INPUT_MALFORMED naming `file` on bad input. */
export function parseYamlDocuments(text: string, file: string): ParsedYamlDocument[] {
  const parsed = parseAllDocuments(text, { schema: "failsafe", keepSourceTokens: true, uniqueKeys: false, merge: false, strict: false, prettyErrors: false });
  const list = Array.isArray(parsed) ? parsed : [];

  return list.map((doc, index) => {
    const error = doc.errors.at(0);
    if (error !== undefined) {
      const line = error.linePos?.[0].line;
      throw malformed(file, `invalid YAML (${error.code}${line === undefined ? "" : ` at line ${line}`})`);
    }
    return new DocumentConverter(doc, file, index === 0).document();
  });
}
