/**
 * Places YAML comments into the parsed tree as sops does: every comment line becomes a comment
 * item of the mapping or sequence that contains it, in document order.
 *
 * yaml.v3 attaches comments to nodes as head, line and foot comments, and sops turns them into
 * items. This module reproduces the result from source positions:
 * - an end-of-line comment after a scalar value goes just before that pair or element, marked
 *   inline; after a key whose value is empty or a block below, it goes before the pair; after a
 *   flow collection that is a mapping value, it becomes the first item inside that collection;
 * - a comment on its own line goes into the deepest collection, among those open around it, whose
 *   indentation is not greater than the comment's column, before the first item that follows it.
 * NOTE: yaml.v3 differs in rare layouts, for example a comment less indented than the key it
 * precedes inside a nested block, or comments inside multi-line flow collections. Those comments
 * still land in a containing collection, possibly in another position than sops puts them.
 */
import { CST, Lexer } from "yaml";
import type { Comment } from "../tree.js";
import type { ContainerPosition, ItemPosition } from "./yaml-parse.js";

interface SourceComment {
  readonly offset: number;
  readonly text: string;
}

interface Placement {
  readonly container: ContainerPosition;
  readonly index: number;
  readonly inline: boolean;
}

/** Finds comment tokens and their offsets; the lexer's zero-width mode markers take no space. */
export function findComments(text: string): SourceComment[] {
  const comments: SourceComment[] = [];
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === "doc-mode" || type === "flow-error-end" || type === "scalar") {
      continue;
    }
    if (type === "comment") {
      comments.push({ offset, text: token.slice(1) });
    }
    offset += token.length;
  }
  return comments;
}

class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      if (text[i] === "\n") {
        this.starts.push(i + 1);
      }
    }
  }

  lineStart(offset: number): number {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((this.starts[middle]) <= offset) {
        low = middle;
      } else {
        high = middle - 1;
      }
    }
    return this.starts[low];
  }

  sameLine(a: number, b: number): boolean {
    return this.lineStart(a) === this.lineStart(b);
  }
}

function itemEnd(item: ItemPosition): number {
  return item.valueEnd ?? item.keyEnd ?? item.start;
}

function ancestors(container: ContainerPosition | undefined): ContainerPosition[] {
  const chain: ContainerPosition[] = [];
  for (let current = container; current !== undefined; current = current.parent) {
    chain.push(current);
  }
  return chain;
}

export class CommentPlacer {
  private readonly lines: LineIndex;
  private readonly slots = new Map<ContainerPosition, Map<number, Comment[]>>();

  constructor(private readonly text: string, private readonly containers: readonly ContainerPosition[], private readonly root: ContainerPosition) {
    this.lines = new LineIndex(text);
  }

  place(comment: SourceComment): void {
    const lineStart = this.lines.lineStart(comment.offset);
    const before = this.text.slice(lineStart, comment.offset);
    const placement = (before.trim() === "" ? undefined : this.endOfLine(comment.offset)) ?? this.ownLine(comment.offset, comment.offset - lineStart);

    const bySlot = this.slots.get(placement.container) ?? new Map<number, Comment[]>();
    this.slots.set(placement.container, bySlot);
    const slot = bySlot.get(placement.index) ?? [];
    bySlot.set(placement.index, slot);
    slot.push(placement.inline ? { kind: "comment", text: comment.text, inline: true } : { kind: "comment", text: comment.text });
  }

  /** Inserts the placed comments into the tree's item lists. */
  apply(): void {
    for (const [container, bySlot] of this.slots) {
      const items = container.node.items as unknown[];
      const rebuilt: unknown[] = [];
      for (let index = 0; index <= items.length; index++) {
        rebuilt.push(...(bySlot.get(index) ?? []));
        if (index < items.length) {
          rebuilt.push(items[index]);
        }
      }
      items.splice(0, items.length, ...rebuilt);
    }
  }

  private endOfLine(offset: number): Placement | undefined {
    let best: { container: ContainerPosition; index: number; item: ItemPosition; end: number; onKey: boolean } | undefined;
    for (const container of this.containers) {
      container.items.forEach((item, index) => {
        const candidates: [number | undefined, boolean][] = [
          [item.valueKind === "block-scalar" ? item.valueStart : item.valueEnd, false],
          [item.valueKind === "null" || item.valueKind === "block-collection" ? item.keyEnd : undefined, true],
        ];
        for (const [end, onKey] of candidates) {
          if (end === undefined || end > offset || !this.lines.sameLine(end, offset)) {
            continue;
          }
          if (!onKey && item.valueKind !== "scalar" && item.valueKind !== "block-scalar" && item.valueKind !== "flow-collection") {
            continue;
          }
          if (best === undefined || end > best.end) {
            best = { container, index, item, end, onKey };
          }
        }
      });
    }

    if (best === undefined) {
      return undefined;
    }
    if (best.onKey) {
      return { container: best.container, index: best.index, inline: false };
    }
    if (best.item.valueKind === "flow-collection" && best.container.node.kind === "map" && best.item.child !== undefined) {
      return { container: best.item.child, index: 0, inline: false };
    }
    return { container: best.container, index: best.index, inline: true };
  }

  private ownLine(offset: number, column: number): Placement {
    let previous: ContainerPosition | undefined;
    let previousEnd = -1;
    let next: ContainerPosition | undefined;
    let nextStart = Infinity;
    for (const container of this.containers) {
      for (const item of container.items) {
        // The last item of a nested collection ends where its parent item ends, and the nested
        // one is the closer context, so a parent item with children is not a candidate.
        const end = itemEnd(item);
        const hasChildren = item.child !== undefined && item.child.items.length > 0;
        if (!hasChildren && end <= offset && end >= previousEnd) {
          previous = container;
          previousEnd = end;
        }
        if (item.start > offset && item.start < nextStart) {
          next = container;
          nextStart = item.start;
        }
      }
    }

    const enclosingFlow = this.containers.filter((container) => container.flow && container.start < offset && offset < container.end);
    // On equal depth the collection of the following item wins: a comment right before an item
    // is that item's head comment in yaml.v3.
    const candidates = enclosingFlow.length > 0 ? enclosingFlow : [...ancestors(next), ...ancestors(previous)].filter((container) => !container.flow);
    let chosen = this.deepestAtColumn(candidates, column) ?? this.root;
    let index = chosen.items.filter((item) => item.start < offset).length;

    // yaml.v3 keeps a comment that ends a nested block as the foot comment of the innermost last
    // node, so below the top level a trailing comment moves into the last item's collection.
    while (chosen !== this.root && !chosen.flow && index === chosen.items.length) {
      const child = chosen.items[index - 1]?.child;
      if (child === undefined || child.flow || child.items.length === 0) {
        break;
      }
      chosen = child;
      index = child.items.length;
    }
    return { container: chosen, index, inline: false };
  }

  private deepestAtColumn(candidates: readonly ContainerPosition[], column: number): ContainerPosition | undefined {
    let chosen: ContainerPosition | undefined;
    for (const container of candidates) {
      const fits = container.flow || this.columnOf(container.start) <= column;
      if (fits && (chosen === undefined || container.depth > chosen.depth)) {
        chosen = container;
      }
    }
    if (chosen !== undefined) {
      return chosen;
    }
    return candidates.reduce<ContainerPosition | undefined>((shallowest, container) => (shallowest === undefined || container.depth < shallowest.depth ? container : shallowest), undefined);
  }

  private columnOf(offset: number): number {
    return offset - this.lines.lineStart(offset);
  }
}
