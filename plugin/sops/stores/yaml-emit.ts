/**
 * Decrypted tree to YAML text, as `sops --decrypt` writes it: every branch becomes a yaml.v3
 * document with indent 4, and comment items become head, line or foot comments of the nodes
 * around them the way sops attaches them before calling yaml.v3's encoder.
 */
import { formatFloatG } from "../../formats/go-format.js";
import { emitYamlDocuments, type YamlNode } from "../../formats/yaml-emitter.js";
import { encodeStringNode } from "../../formats/yaml-scalar-analysis.js";
import type { Branch, Comment, Mapping, Scalar, Sequence, Value } from "../tree.js";

type CommentField = "head" | "line" | "foot";

/** Adds comment lines to a node field, the way sops joins them: `#` before each line. */
function attach(node: YamlNode, field: CommentField, comments: string[]): void {
  if (comments.length === 0) {
    return;
  }
  const text = `#${comments.join("\n#")}`;
  const existing = node[field];
  if (existing === undefined || existing === "") {
    node[field] = text;
  } else {
    node[field] = field === "head" ? `${text}\n${existing}` : `${existing}\n${text}`;
  }
  comments.length = 0;
}

function stringNode(value: string): YamlNode {
  return { kind: "scalar", ...encodeStringNode(value) };
}

function plainNode(value: string): YamlNode {
  return { kind: "scalar", value, style: "plain" };
}

/** yaml.v3 writes floats with Go 'g' formatting and the YAML spellings of the special values. */
function floatText(value: number): string {
  if (Number.isNaN(value)) {
    return ".nan";
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? ".inf" : "-.inf";
  }
  return formatFloatG(value);
}

function scalarNode(scalar: Scalar): YamlNode {
  switch (scalar.kind) {
    case "str":
      return stringNode(scalar.value);
    case "bytes":
      // NOTE: sops never produces `bytes` values (only Python sops wrote that type), and yaml.v3
      // would write a Go []byte as a list of numbers. The bytes are written as UTF-8 text instead.
      return stringNode(new TextDecoder().decode(scalar.value));
    case "int":
      return plainNode(scalar.value.toString());
    case "float":
      return plainNode(floatText(scalar.value));
    case "bool":
      return plainNode(scalar.value ? "true" : "false");
    case "time":
      return plainNode(scalar.value);
    case "null":
      return plainNode("null");
  }
}

/** Sorts a comment into the head run or the end-of-line run waiting for the next node. */
function collect(item: Comment, head: string[], inline: string[]): void {
  (item.inline === true ? inline : head).push(item.text);
}

function mappingNode(map: Mapping): YamlNode {
  const node: YamlNode = { kind: "mapping", content: [] };
  const head: string[] = [];
  const inline: string[] = [];
  let beginning = true;

  for (const item of map.items) {
    if (item.kind === "comment") {
      collect(item, head, inline);
      continue;
    }
    if (beginning) {
      attach(node, "head", head);
      beginning = false;
    }
    const key = stringNode(item.key);
    attach(key, "head", head);
    const value = valueNode(item.value);
    attach(value, "line", inline);
    node.content.push(key, value);
  }

  const rest = [...head, ...inline];
  attach(beginning ? node : (node.content[node.content.length - 2]), beginning ? "head" : "foot", rest);
  return node;
}

function sequenceNode(seq: Sequence): YamlNode {
  const node: YamlNode = { kind: "sequence", content: [] };
  const head: string[] = [];
  const inline: string[] = [];
  let beginning = true;

  for (const item of seq.items) {
    if (item.kind === "comment") {
      collect(item, head, inline);
      continue;
    }
    if (beginning) {
      attach(node, "head", head);
      beginning = false;
    }
    const child = valueNode(item);
    attach(child, "head", head);
    attach(child, "line", inline);
    node.content.push(child);
  }

  const rest = [...head, ...inline];
  attach(beginning ? node : (node.content[node.content.length - 1]), beginning ? "head" : "foot", rest);
  return node;
}

function valueNode(value: Value): YamlNode {
  if (value.kind === "map") {
    return mappingNode(value);
  }
  if (value.kind === "seq") {
    return sequenceNode(value);
  }
  return scalarNode(value);
}

/** Writes decrypted branches as `sops --decrypt` does for a YAML file. */
export function emitYamlBranches(branches: readonly Branch[], indent = 4): string {
  return emitYamlDocuments(branches.map(mappingNode), indent);
}
