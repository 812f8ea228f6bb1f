/**
 * A SOPS encrypter for tests and examples only. kreveal itself never encrypts. It writes files the
 * way sops 3.13 does (AES-256-GCM values with 32-byte IVs, key-path additional data, SHA-512 MAC,
 * age- or PGP-wrapped data keys, Shamir key groups) so that tests can cover types and layouts
 * that no upstream fixture has. It reuses kreveal's stores to parse the plaintext and to write
 * the result, so a test built only on this writer would share the reader's mistakes: the real
 * fixtures from sops are the check on both.
 */
import { createCipheriv, createHash, randomBytes } from "node:crypto";

import { Encrypter, armor } from "age-encryption";

import { formatFloatF } from "../../plugin/formats/go-format.js";
import { isEncrypted, selectionRule, defaultRule, type SelectionRule } from "../../plugin/sops/rules.js";
import { storeByName } from "../../plugin/sops/stores/index.js";
import type { StoreName } from "../../plugin/sops/stores/store.js";
import { canonicalBytes } from "../../plugin/sops/values.js";
import { mapping, pair, str, type Branch, type Mapping, type Scalar, type Sequence, type Value } from "../../plugin/sops/tree.js";
import { splitSecret } from "./shamir-split.js";

/** Wraps a data key (or share) for one recipient and returns the metadata entry's fields. */
export type KeyWrapper = (secret: Uint8Array) => Promise<{ source: string; fields: Record<string, string> }>;

export interface SopsWriteOptions {
  readonly store: StoreName;
  readonly plaintext: string | Uint8Array;
  /** One list of wrappers per key group. Several groups split the data key with Shamir. */
  readonly groups: readonly (readonly KeyWrapper[])[];
  readonly threshold?: number;
  readonly rule?: { readonly field: Parameters<typeof selectionRule>[0]; readonly value: string };
  readonly macOnlyEncrypted?: boolean;
  readonly lastModified?: string;
  readonly version?: string;
}

/** Wraps with age-encryption in process (fast; used for bulk files). */
export function ageWrapper(recipient: string): KeyWrapper {
  return async (secret) => {
    const encrypter = new Encrypter();
    encrypter.addRecipient(recipient);
    const enc = armor.encode(await encrypter.encrypt(secret));
    return { source: "age", fields: { recipient, enc } };
  };
}

/** Encrypts a plaintext document and returns the SOPS file's bytes. */
export async function writeSops(options: SopsWriteOptions): Promise<Uint8Array> {
  const store = storeByName(options.store === "binary" ? "json" : options.store);
  const bytes = typeof options.plaintext === "string" ? Buffer.from(options.plaintext, "utf8") : options.plaintext;
  const branches: Branch[] =
    options.store === "binary" ? [mapping([pair("data", str(Buffer.from(bytes).toString("utf8")))])] : store.parse(bytes, "plaintext").branches;

  const dataKey = randomBytes(32);
  const rule = options.rule === undefined ? defaultRule : selectionRule(options.rule.field, options.rule.value);
  const hash = createHash("sha512");
  if (options.macOnlyEncrypted === true) {
    hash.update(Buffer.from("8a3fd2ad54ce66527b1034f3d147be0b0b975b3bf44f72c6fdadec8176f27d69", "hex"));
  }
  for (const branch of branches) {
    encryptMapping(branch, [], { dataKey, rule, hash, macOnlyEncrypted: options.macOnlyEncrypted === true });
  }

  const lastModified = options.lastModified ?? new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const mac = encryptText(hash.digest("hex").toUpperCase(), dataKey, lastModified, "str");
  const metadata = await buildMetadata(options, dataKey, lastModified, mac);

  return emitWithMetadata(options.store, branches, metadata);
}

interface EncryptContext {
  readonly dataKey: Buffer;
  readonly rule: SelectionRule;
  readonly hash: ReturnType<typeof createHash>;
  readonly macOnlyEncrypted: boolean;
}

function encryptMapping(map: Mapping, path: string[], context: EncryptContext): void {
  for (const item of map.items) {
    if (item.kind === "pair") {
      item.value = encryptValue(item.value, [...path, item.key], context);
    }
  }
}

function encryptValue(value: Value, path: string[], context: EncryptContext): Value {
  if (value.kind === "map") {
    encryptMapping(value, path, context);
    return value;
  }
  if (value.kind === "seq") {
    const seq: Sequence = value;
    seq.items.forEach((item, index) => {
      if (item.kind !== "comment") {
        seq.items[index] = encryptValue(item, path, context);
      }
    });
    return seq;
  }
  return encryptLeaf(value, path, context);
}

function encryptLeaf(leaf: Scalar, path: string[], context: EncryptContext): Scalar {
  if (leaf.kind === "null") {
    return leaf;
  }

  const encrypted = isEncrypted(context.rule, path, [], false);
  if (encrypted || !context.macOnlyEncrypted) {
    context.hash.update(canonicalBytes(leaf));
  }
  if (!encrypted || (leaf.kind === "str" && leaf.value === "")) {
    return leaf;
  }

  const [type, text] = plaintextOf(leaf);
  return str(encryptText(text, context.dataKey, path.map((key) => `${key}:`).join(""), type));
}

function plaintextOf(leaf: Scalar): [string, Buffer] {
  switch (leaf.kind) {
    case "str":
      return ["str", Buffer.from(leaf.value, "utf8")];
    case "bytes":
      return ["str", Buffer.from(leaf.value)];
    case "int":
      return ["int", Buffer.from(leaf.value.toString())];
    case "float":
      return ["float", Buffer.from(formatFloatF(leaf.value))];
    case "bool":
      return ["bool", Buffer.from(leaf.value ? "True" : "False")];
    case "time":
      return ["time", Buffer.from(leaf.value)];
    case "null":
      return ["str", Buffer.alloc(0)];
  }
}

function encryptText(text: string | Buffer, dataKey: Buffer, additionalData: string, type: string): string {
  const iv = randomBytes(32);
  const cipher = createCipheriv("aes-256-gcm", dataKey, iv);
  cipher.setAAD(Buffer.from(additionalData, "utf8"));
  const data = Buffer.concat([cipher.update(text), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `ENC[AES256_GCM,data:${data.toString("base64")},iv:${iv.toString("base64")},tag:${tag.toString("base64")},type:${type}]`;
}

async function buildMetadata(options: SopsWriteOptions, dataKey: Buffer, lastModified: string, mac: string): Promise<Record<string, unknown>> {
  const metadata: Record<string, unknown> = {};
  const groups = options.groups;

  if (groups.length === 1) {
    Object.assign(metadata, await wrapGroup(groups[0] ?? [], dataKey));
  } else {
    const threshold = options.threshold ?? groups.length;
    const shares = splitSecret(dataKey, groups.length, threshold);
    metadata.key_groups = await Promise.all(groups.map((group, index) => wrapGroup(group, shares[index] ?? new Uint8Array())));
    metadata.shamir_threshold = threshold;
  }

  metadata.lastmodified = lastModified;
  metadata.mac = mac;
  if (options.rule !== undefined) {
    metadata[options.rule.field] = options.rule.value;
  } else {
    metadata.unencrypted_suffix = "_unencrypted";
  }
  if (options.macOnlyEncrypted === true) {
    metadata.mac_only_encrypted = true;
  }
  metadata.version = options.version ?? "3.13.2";
  return metadata;
}

async function wrapGroup(wrappers: readonly KeyWrapper[], secret: Uint8Array): Promise<Record<string, unknown[]>> {
  const group: Record<string, unknown[]> = {};
  for (const wrap of wrappers) {
    const entry = await wrap(secret);
    (group[entry.source] ??= []).push(entry.fields);
  }
  return group;
}

function emitWithMetadata(storeName: StoreName, branches: Branch[], metadata: Record<string, unknown>): Uint8Array {
  switch (storeName) {
    case "yaml":
    case "json":
    case "binary": {
      const first = branches.at(0);
      if (first === undefined) {
        branches.push(mapping([pair("sops", toTree(metadata))]));
      } else {
        first.items.push(pair("sops", toTree(metadata)));
      }
      return storeByName(storeName === "binary" ? "json" : storeName).emit(branches);
    }
    case "dotenv": {
      const branch = branches[0] ?? mapping();
      for (const [key, value] of flatten(metadata, "")) {
        branch.items.push(pair(`sops_${key}`, str(value)));
      }
      return storeByName("dotenv").emit([branch]);
    }
    case "ini": {
      const section = mapping(flatten(metadata, "").map(([key, value]) => pair(key, str(value.replace(/\n/g, "\\n")))));
      const branch = branches[0] ?? mapping();
      branch.items.push(pair("sops", section));
      return storeByName("ini").emit([branch]);
    }
  }
}

/** Flattens metadata as sops does for dotenv and INI: `__map_<key>` and `__list_<n>` joiners. */
function flatten(value: unknown, prefix: string): [string, string][] {
  if (Array.isArray(value)) {
    return value.flatMap((item: unknown, index) => flatten(item, `${prefix}__list_${index}`));
  }
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => flatten(item, prefix === "" ? key : `${prefix}__map_${key}`));
  }
  return [[prefix, String(value)]];
}

function toTree(value: unknown): Value {
  if (Array.isArray(value)) {
    return { kind: "seq", items: value.map(toTree) };
  }
  if (typeof value === "object" && value !== null) {
    return mapping(Object.entries(value).map(([key, item]) => pair(key, toTree(item))));
  }
  if (typeof value === "boolean") {
    return { kind: "bool", value };
  }
  if (typeof value === "number") {
    return { kind: "int", value: BigInt(value) };
  }
  return str(String(value));
}
