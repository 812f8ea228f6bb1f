/**
 * A YAML writer that reproduces the output of Go's yaml.v3 encoder (`SetIndent(n)`, block style)
 * for node trees with head, line and foot comments, which is how `sops --decrypt` prints YAML.
 * It follows yaml.v3's event-driven state machine, including where that library places
 * comments around nested collections, so that output matches byte for byte. Anchors, tags and
 * non-empty flow collections are not supported: sops output never contains them.
 */
import { analyzeScalar, selectScalarStyle, type ScalarStyle } from "./yaml-scalar-analysis.js";
import { YamlWriter } from "./yaml-writer.js";

/** Comments as yaml.v3 nodes carry them: lines starting with `#`, joined by newlines. */
export interface YamlComments {
  head?: string;
  line?: string;
  foot?: string;
}

export type YamlNode =
  | ({ kind: "scalar"; value: string; style: ScalarStyle } & YamlComments)
  /** `content` alternates keys and values. */
  | ({ kind: "mapping"; content: YamlNode[] } & YamlComments)
  | ({ kind: "sequence"; content: YamlNode[] } & YamlComments);

type YamlEvent =
  | { kind: "document-start" | "document-end" | "stream-end" }
  | { kind: "mapping-start"; head?: string; tail?: string }
  | { kind: "mapping-end"; tail?: string; line?: string; foot?: string }
  | { kind: "sequence-start"; head?: string }
  | { kind: "sequence-end"; line?: string; foot?: string }
  | { kind: "scalar"; value: string; style: ScalarStyle; head?: string; line?: string; foot?: string; tail?: string };

type State =
  | "first-document-start" | "document-start" | "document-content" | "document-end" | "end"
  | "flow-sequence-first-item" | "flow-mapping-first-key"
  | "block-sequence-first-item" | "block-sequence-item"
  | "block-mapping-first-key" | "block-mapping-key" | "block-mapping-simple-value" | "block-mapping-value";

/** Turns a node into events the way yaml.v3's encoder does, moving key foot comments to the next key. */
function serialize(node: YamlNode, tail: string | undefined, events: YamlEvent[]): void {
  if (node.kind === "scalar") {
    events.push({ kind: "scalar", value: node.value, style: node.style, head: node.head, line: node.line, foot: node.foot, tail });
    return;
  }
  if (node.kind === "sequence") {
    events.push({ kind: "sequence-start", head: node.head });
    for (const item of node.content) {
      serialize(item, undefined, events);
    }
    events.push({ kind: "sequence-end", line: node.line, foot: node.foot });
    return;
  }

  events.push({ kind: "mapping-start", tail, head: node.head });
  let pendingTail: string | undefined;
  for (let i = 0; i + 1 < node.content.length; i += 2) {
    const key = node.content[i];
    const keyFoot = key.foot;
    serialize(keyFoot === undefined ? key : { ...key, foot: undefined }, pendingTail, events);
    pendingTail = keyFoot;
    serialize(node.content[i + 1], undefined, events);
  }
  events.push({ kind: "mapping-end", tail: pendingTail, line: node.line, foot: node.foot });
}

/** Writes one YAML document per root node, separated by `---`, as a yaml.v3 `Encoder` does. */
export function emitYamlDocuments(roots: readonly YamlNode[], indent = 4): string {
  const events: YamlEvent[] = [];
  for (const root of roots) {
    events.push({ kind: "document-start" });
    serialize(root, undefined, events);
    events.push({ kind: "document-end" });
  }
  events.push({ kind: "stream-end" });
  return new YamlEmitter(events, indent).run();
}

class YamlEmitter extends YamlWriter {
  private state: State = "first-document-start";
  private readonly states: State[] = [];
  private readonly indents: number[] = [];
  private position = 0;
  private rootContext = false;
  private simpleKeyContext = false;
  private headComment = "";
  private lineComment = "";
  private footComment = "";
  private tailComment = "";
  private keyLineComment = "";

  constructor(private readonly events: readonly YamlEvent[], private readonly bestIndent: number) {
    super();
  }

  run(): string {
    for (; this.position < this.events.length; this.position++) {
      const event = this.events[this.position];
      this.takeComments(event);
      this.dispatch(event);
    }
    return this.out;
  }

  private takeComments(event: YamlEvent): void {
    const comments = event as { head?: string; line?: string; foot?: string; tail?: string };
    this.headComment = comments.head || this.headComment;
    this.lineComment = comments.line || this.lineComment;
    this.footComment = comments.foot || this.footComment;
    this.tailComment = comments.tail || this.tailComment;
  }

  private dispatch(event: YamlEvent): void {
    switch (this.state) {
      case "first-document-start":
      case "document-start":
        return this.documentStart(event, this.state === "first-document-start");
      case "document-content":
        return this.documentContent(event);
      case "document-end":
        return this.documentEnd();
      case "flow-sequence-first-item":
        return this.emptyFlowCollection(event, "[", "]");
      case "flow-mapping-first-key":
        return this.emptyFlowCollection(event, "{", "}");
      case "block-sequence-first-item":
      case "block-sequence-item":
        return this.blockSequenceItem(event, this.state === "block-sequence-first-item");
      case "block-mapping-first-key":
      case "block-mapping-key":
        return this.blockMappingKey(event, this.state === "block-mapping-first-key");
      case "block-mapping-simple-value":
      case "block-mapping-value":
        return this.blockMappingValue(event, this.state === "block-mapping-simple-value");
      case "end":
        throw new Error("YAML emitter received an event after the end of the stream");
    }
  }

  private popState(): void {
    this.state = this.states.pop() ?? "end";
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  private increaseIndent(flow: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) {
      this.indent = flow ? this.bestIndent : 0;
    } else if (this.states[this.states.length - 1] === "block-sequence-item") {
      // The first indentation inside a sequence item only skips the "- " indicator.
      this.indent += 2;
    } else {
      this.indent = this.bestIndent * Math.floor((this.indent + this.bestIndent) / this.bestIndent);
    }
  }

  private documentStart(event: YamlEvent, first: boolean): void {
    if (event.kind === "stream-end") {
      if (this.openEnded) {
        this.writeIndicator("...", true, false, false);
        this.writeIndent();
      }
      this.state = "end";
      return;
    }

    if (!first) {
      this.writeIndent();
      this.writeIndicator("---", true, false, false);
      this.writeIndent();
    }
    this.state = "document-content";
  }

  private documentContent(event: YamlEvent): void {
    this.states.push("document-end");
    this.processHeadComment();
    this.emitNode(event, true, false);
    this.processLineComment();
    this.processFootComment();
  }

  private documentEnd(): void {
    // yaml.v3 always separates a document's foot comment by a blank line.
    this.footIndent = 0;
    this.processFootComment();
    this.footIndent = -1;
    this.writeIndent();
    this.state = "document-start";
  }

  /** Only empty collections are written in flow style, as `[]` and `{}`. */
  private emptyFlowCollection(event: YamlEvent, open: string, close: string): void {
    this.writeIndicator(open, true, true, false);
    this.increaseIndent(true);
    if (event.kind !== "sequence-end" && event.kind !== "mapping-end") {
      throw new Error("YAML emitter supports flow style only for empty collections");
    }
    if (event.kind === "mapping-end") {
      this.processHeadComment();
    }
    this.popIndent();
    if (event.kind === "sequence-end" && this.column === 0) {
      this.writeIndent();
    }
    this.writeIndicator(close, false, false, false);
    this.processLineComment();
    this.processFootComment();
    this.popState();
  }

  private blockSequenceItem(event: YamlEvent, first: boolean): void {
    if (first) {
      this.increaseIndent(false);
    }
    if (event.kind === "sequence-end") {
      this.popIndent();
      this.popState();
      return;
    }
    this.processHeadComment();
    this.writeIndent();
    this.writeIndicator("-", true, false, true);
    this.states.push("block-sequence-item");
    this.emitNode(event, false, false);
    this.processLineComment();
    this.processFootComment();
  }

  private blockMappingKey(event: YamlEvent, first: boolean): void {
    if (first) {
      this.increaseIndent(false);
    }
    this.processHeadComment();
    if (event.kind === "mapping-end") {
      this.popIndent();
      this.popState();
      return;
    }

    this.writeIndent();
    if (this.lineComment !== "") {
      this.keyLineComment = this.lineComment;
      this.lineComment = "";
    }
    if (this.isSimpleKey(event)) {
      this.states.push("block-mapping-simple-value");
      this.emitNode(event, false, true);
      return;
    }
    this.writeIndicator("?", true, false, true);
    this.states.push("block-mapping-value");
    this.emitNode(event, false, false);
  }

  private blockMappingValue(event: YamlEvent, simple: boolean): void {
    if (simple) {
      this.writeIndicator(":", false, false, false);
    } else {
      this.writeIndent();
      this.writeIndicator(":", true, false, true);
    }

    if (this.keyLineComment !== "") {
      if (event.kind === "scalar") {
        if (this.lineComment === "") {
          this.lineComment = this.keyLineComment;
          this.keyLineComment = "";
        }
      } else if (event.kind === "mapping-start" || event.kind === "sequence-start") {
        // A block follows, so the key's line comment is written now, after the colon.
        [this.lineComment, this.keyLineComment] = [this.keyLineComment, this.lineComment];
        this.processLineComment();
        [this.lineComment, this.keyLineComment] = [this.keyLineComment, this.lineComment];
      }
    }

    this.states.push("block-mapping-key");
    this.emitNode(event, false, false);
    this.processLineComment();
    this.processFootComment();
  }

  /** Decides between `key: value` and the `? key` form, used for multi-line keys and keys over 128 bytes. */
  private isSimpleKey(event: YamlEvent): boolean {
    if (event.kind !== "scalar") {
      return this.isEmptyCollectionAhead();
    }
    return !analyzeScalar(event.value).multiline && Buffer.byteLength(event.value, "utf8") <= 128;
  }

  private isEmptyCollectionAhead(): boolean {
    const next = this.events.at(this.position + 1);
    const current = this.events.at(this.position);
    return (
      (current?.kind === "mapping-start" && next?.kind === "mapping-end") ||
      (current?.kind === "sequence-start" && next?.kind === "sequence-end")
    );
  }

  private emitNode(event: YamlEvent, root: boolean, simpleKey: boolean): void {
    this.rootContext = root;
    this.simpleKeyContext = simpleKey;
    switch (event.kind) {
      case "scalar":
        return this.emitScalar(event.value, event.style);
      case "sequence-start":
        this.state = this.isEmptyCollectionAhead() ? "flow-sequence-first-item" : "block-sequence-first-item";
        return;
      case "mapping-start":
        this.state = this.isEmptyCollectionAhead() ? "flow-mapping-first-key" : "block-mapping-first-key";
        return;
      default:
        throw new Error(`YAML emitter expected a node, got ${event.kind}`);
    }
  }

  private emitScalar(value: string, requested: ScalarStyle): void {
    const style = selectScalarStyle(value, requested, { flow: false, simpleKey: this.simpleKeyContext });
    this.increaseIndent(true);
    switch (style) {
      case "plain":
        this.writePlain(value, this.rootContext);
        break;
      case "single":
        this.writeSingleQuoted(value);
        break;
      case "double":
        this.writeDoubleQuoted(value);
        break;
      case "literal":
        this.writeLiteralHeader(value, this.bestIndent);
        this.processLineComment();
        this.writeLiteralBody(value);
        break;
    }
    this.popIndent();
    this.popState();
  }

  private processHeadComment(): void {
    if (this.tailComment !== "") {
      this.writeIndent();
      this.writeComment(this.tailComment);
      this.tailComment = "";
      this.footIndent = Math.max(this.indent, 0);
    }
    if (this.headComment !== "") {
      this.writeIndent();
      this.writeComment(this.headComment);
      this.headComment = "";
    }
  }

  private processLineComment(): void {
    if (this.lineComment === "") {
      return;
    }
    if (!this.whitespace) {
      this.put(" ");
    }
    this.writeComment(this.lineComment);
    this.lineComment = "";
  }

  private processFootComment(): void {
    if (this.footComment === "") {
      return;
    }
    this.writeIndent();
    this.writeComment(this.footComment);
    this.footComment = "";
    this.footIndent = Math.max(this.indent, 0);
  }
}
