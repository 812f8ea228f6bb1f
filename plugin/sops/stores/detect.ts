/**
 * Detection of SOPS-encrypted files from their content. It runs on every generator input, so it
 * first looks for the text `sops` and the shape of each store's metadata, and parses a file only
 * when that shape is present. Parse errors are caught, so anything unreadable counts as plain.
 */
import { binaryStore } from "./binary.js";
import { dotenvStore } from "./dotenv.js";
import { storeNameForPath } from "./extension.js";
import { iniStore } from "./ini.js";
import { jsonStore } from "./json.js";
import type { Store, StoreName } from "./store.js";
import { yamlStore } from "./yaml.js";

/** Cheap text tests: does the content look like it carries this store's metadata? */
const SHAPES: Readonly<Record<Exclude<StoreName, "binary">, RegExp>> = {
  json: /^\s*\{[\s\S]*"sops"\s*:/,
  yaml: /^(sops:|["']sops["']\s*:)|^\{[\s\S]*"sops"\s*:/m,
  dotenv: /^sops_(lastmodified|mac)=/m,
  ini: /^\s*\[\s*sops\s*\]\s*$/m,
};

const STORES: Readonly<Record<Exclude<StoreName, "binary">, Store>> = { json: jsonStore, yaml: yamlStore, dotenv: dotenvStore, ini: iniStore };

/** Returns the store the extension names, or undefined for an extension sops reads as binary. */
function extensionStore(path: string): Exclude<StoreName, "binary"> | undefined {
  const name = storeNameForPath(path);
  return name === "binary" ? undefined : name;
}

function hasSopsMetadata(metadata: Record<string, unknown> | undefined): boolean {
  return metadata !== undefined && ("mac" in metadata || "lastmodified" in metadata);
}

/** Parses with one store; any failure means "not this store". */
function tryStore(name: Exclude<StoreName, "binary">, bytes: Uint8Array, text: string, path: string): boolean {
  if (!SHAPES[name].test(text)) {
    return false;
  }
  try {
    return hasSopsMetadata(STORES[name].parse(bytes, path).metadata);
  } catch {
    return false;
  }
}

/** Checks for the binary store's envelope: a JSON object with exactly the keys `data` and `sops`. */
function isBinaryEnvelope(bytes: Uint8Array, path: string): boolean {
  try {
    const document = binaryStore.parse(bytes, path);
    const branch = document.branches.at(0);
    const keys = (branch?.items ?? []).flatMap((item) => (item.kind === "pair" ? [item.key] : []));
    return hasSopsMetadata(document.metadata) && keys.length === 1 && keys[0] === "data";
  } catch {
    return false;
  }
}

/**
 * Tells whether a file is SOPS-encrypted, judged from its content, and which store reads it.
 * Returns undefined for plain files, empty files and anything unreadable.
 */
export function detectSopsStore(bytes: Uint8Array, path: string): StoreName | undefined {
  if (bytes.length === 0 || Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf("sops") === -1) {
    return undefined;
  }
  const text = new TextDecoder().decode(bytes);

  if (SHAPES.json.test(text) && isBinaryEnvelope(bytes, path)) {
    return path.endsWith(".json") ? "json" : "binary";
  }

  const preferred = extensionStore(path);
  const order: Exclude<StoreName, "binary">[] = ["json", "yaml", "dotenv", "ini"];
  if (preferred !== undefined) {
    order.splice(order.indexOf(preferred), 1);
    order.unshift(preferred);
  }
  return order.find((name) => tryStore(name, bytes, text, path));
}
