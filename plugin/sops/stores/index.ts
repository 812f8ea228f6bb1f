/**
 * Store lookup: by name, by file extension as sops chooses, and by content for files that may or
 * may not be SOPS-encrypted.
 */
import { binaryStore } from "./binary.js";
import { dotenvStore } from "./dotenv.js";
import { iniStore } from "./ini.js";
import { jsonStore } from "./json.js";
import type { Store, StoreName } from "./store.js";
import { yamlStore } from "./yaml.js";

export { detectSopsStore } from "./detect.js";

const STORES: Readonly<Record<StoreName, Store>> = {
  yaml: yamlStore,
  json: jsonStore,
  dotenv: dotenvStore,
  ini: iniStore,
  binary: binaryStore,
};

export function storeByName(name: StoreName): Store {
  return STORES[name];
}

/** Returns the store sops picks from a file name: .yaml/.yml, .json, .env, .ini, anything else binary. */
export function storeNameForPath(path: string): StoreName {
  // sops compares extensions case-sensitively: `FILE.YAML` is a binary file to it.
  if (path.endsWith(".yaml") || path.endsWith(".yml")) {
    return "yaml";
  }
  if (path.endsWith(".json")) {
    return "json";
  }
  if (path.endsWith(".env")) {
    return "dotenv";
  }
  if (path.endsWith(".ini")) {
    return "ini";
  }
  return "binary";
}

export function storeForPath(path: string): Store {
  return STORES[storeNameForPath(path)];
}
