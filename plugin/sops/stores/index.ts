/**
 * Store lookup: by name, by file extension as sops chooses, and by content for files that may or
 * may not be SOPS-encrypted.
 */
import { binaryStore } from "./binary.js";
import { dotenvStore } from "./dotenv.js";
import { storeNameForPath } from "./extension.js";
import { iniStore } from "./ini.js";
import { jsonStore } from "./json.js";
import type { Store, StoreName } from "./store.js";
import { yamlStore } from "./yaml.js";

export { detectSopsStore } from "./detect.js";
export { storeNameForPath } from "./extension.js";

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


export function storeForPath(path: string): Store {
  return STORES[storeNameForPath(path)];
}
