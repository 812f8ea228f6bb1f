import type { StoreName } from "./store.js";

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
