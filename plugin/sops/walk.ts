import { createHash, type Hash, type KeyObject } from "node:crypto";

import { KrevealError, withLocation } from "../errors.js";
import { looksEncrypted, openValue, parseEncryptedValue } from "./cipher.js";
import { isEncrypted, type SelectionRule } from "./rules.js";
import { type Branch, type Comment, type Mapping, type Scalar, type Sequence, type Value } from "./tree.js";
import { canonicalBytes, typedScalar } from "./values.js";

// SHA-256("sops"), fed first into the MAC of files written with mac_only_encrypted, so that the
// two MAC modes can never produce the same digest.
const macOnlyEncryptedPrefix = Buffer.from("8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69", "hex");

export interface WalkOptions {
  readonly dataKey: KeyObject;
  readonly rule: SelectionRule;
  readonly macOnlyEncrypted: boolean;
  /** Keep `str` values as raw bytes (binary store). */
  readonly keepBytes: boolean;
}

/**
 * Decrypts every encrypted leaf of the branches in place, in document order, and returns the
 * uppercase hex SHA-512 of the leaves that the MAC covers.
 */
export function decryptBranches(branches: Branch[], options: WalkOptions): string {
  const hash = createHash("sha512");
  if (options.macOnlyEncrypted) {
    hash.update(macOnlyEncryptedPrefix);
  }

  const walker = new Walker(options, hash);
  for (const branch of branches) {
    walker.walkMapping(branch, [], []);
  }
  return hash.digest("hex").toUpperCase();
}

class Walker {
  constructor(
    private readonly options: WalkOptions,
    private readonly hash: Hash,
  ) {}

  walkMapping(map: Mapping, path: readonly string[], outerComments: readonly string[][]): void {
    let run: string[] = [];

    map.items.forEach((item, index) => {
      if (item.kind === "comment") {
        const opened = this.openComment(item, path);
        map.items[index] = opened;
        run.push(opened.text);
        return;
      }

      item.value = this.walkValue(item.value, [...path, item.key], [...outerComments, run]);
      run = [];
    });
  }

  private walkSequence(seq: Sequence, path: readonly string[], outerComments: readonly string[][]): void {
    let run: string[] = [];

    seq.items.forEach((item, index) => {
      if (item.kind === "comment") {
        const opened = this.openComment(item, path);
        seq.items[index] = opened;
        run.push(opened.text);
        return;
      }

      // List indices are not part of the key path: every element uses the sequence's own path.
      seq.items[index] = this.walkValue(item, path, [...outerComments, run]);
      run = [];
    });
  }

  private walkValue(value: Value, path: readonly string[], comments: readonly string[][]): Value {
    if (value.kind === "map") {
      this.walkMapping(value, path, comments);
      return value;
    }
    if (value.kind === "seq") {
      this.walkSequence(value, path, comments);
      return value;
    }
    return this.walkLeaf(value, path, comments.flat());
  }

  private walkLeaf(leaf: Scalar, path: readonly string[], comments: readonly string[]): Scalar {
    // sops never visits nulls: they are neither encrypted nor part of the MAC.
    if (leaf.kind === "null") {
      return leaf;
    }

    const encrypted = isEncrypted(this.options.rule, path, comments, false);
    const plain = encrypted ? this.openLeaf(leaf, path) : leaf;
    if (encrypted || !this.options.macOnlyEncrypted) {
      this.hash.update(canonicalBytes(plain));
    }
    return plain;
  }

  private openLeaf(leaf: Scalar, path: readonly string[]): Scalar {
    const keyPath = path.join(".");

    // Empty strings are never encrypted, so an encrypted position may hold "".
    if (leaf.kind === "str" && leaf.value === "") {
      return leaf;
    }
    if (leaf.kind !== "str" || !looksEncrypted(leaf.value)) {
      throw new KrevealError("SOPS_VALUE_INVALID", "the value should be encrypted but is plaintext", {
        location: keyPath,
        fix: "The value was added or changed by hand. Edit the file with sops, or add the key to the file's unencrypted rule.",
      });
    }

    try {
      const value = parseEncryptedValue(leaf.value);
      const plaintext = openValue(value, this.options.dataKey, additionalData(path));
      return typedScalar(plaintext, value.type, this.options.keepBytes);
    } catch (error) {
      throw withLocation(error, keyPath);
    }
  }

  /**
   * Opens an encrypted comment. Comments are not covered by the MAC, and sops keeps a comment
   * that does not open as it is (older versions left comments in plaintext). The key path of a
   * comment is the path of the mapping or sequence around it, but YAML libraries attach comments
   * to different nodes, so every ancestor path is tried, innermost first.
   */
  private openComment(item: Comment, path: readonly string[]): Comment {
    if (!looksEncrypted(item.text)) {
      return item;
    }

    let value;
    try {
      value = parseEncryptedValue(item.text);
    } catch {
      return item;
    }
    for (let length = path.length; length >= 0; length--) {
      try {
        const plaintext = openValue(value, this.options.dataKey, additionalData(path.slice(0, length)));
        return { ...item, text: plaintext.toString("utf8") };
      } catch {
        // Try the next ancestor.
      }
    }
    return item;
  }
}

/** Builds the additional data of a value: its mapping keys joined with `:`, plus a final `:`. */
function additionalData(path: readonly string[]): string {
  return path.map((key) => `${key}:`).join("") || ":";
}
