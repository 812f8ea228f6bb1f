import { readdirSync } from "node:fs";
import path from "node:path";

import { readSmallRegularFile } from "../files/small-file.js";
import { detectSopsStore } from "../sops/stores/index.js";

/** Files larger than this are not read. */
export const maxFileBytes = 1024 * 1024;

/** At most this many files are looked at, counting every regular file met, whatever its name. */
export const maxFiles = 5000;

/** Text that shows a file is meant for kreveal or for one of the tools that kreveal replaces. */
const markers = ["kreveal.dev/", "viaduct.ai/v1", "goabout.com/v1beta1", "<vault:", "<sops:", "<path:", "avp.kubernetes.io/path"].map((marker) => Buffer.from(marker));

const encryptedValueMarker = Buffer.from("ENC[AES256_GCM,");

const extensions = [".yaml", ".yml", ".json", ".env", ".ini"];

/**
 * `kreveal cmp discover`: returns true when the app folder uses kreveal. That is the case when a
 * file below it contains one of the markers or is a SOPS-encrypted file (`ENC[AES256_GCM,` values
 * and sops metadata). Only files named Kustomization or ending in .yaml, .yml, .json, .env or .ini
 * are read.
 *
 * Folders are walked breadth first in name order, so the files next to the kustomization come
 * first. Dot-folders such as .git, symbolic links and files over 1 MiB are skipped, and at most
 * 5000 files are looked at. Nothing is decrypted. An unreadable file or folder is skipped, so
 * discovery never throws.
 */
export function discover(appDir: string): boolean {
  const queue = [appDir];
  let filesSeen = 0;

  for (let folder = queue.shift(); folder !== undefined; folder = queue.shift()) {
    for (const entry of listFolder(folder)) {
      const entryPath = path.join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith(".")) {
          queue.push(entryPath);
        }
        continue;
      }
      if (!entry.isFile()) {
        continue;
      }

      filesSeen++;
      if (filesSeen > maxFiles) {
        return false;
      }
      if (isCandidate(entry.name) && usesKreveal(entryPath)) {
        return true;
      }
    }
  }
  return false;
}

function listFolder(folder: string): { name: string; isDirectory(): boolean; isFile(): boolean }[] {
  try {
    // Names in one folder are unique, so two entries never compare equal.
    return readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  } catch {
    return [];
  }
}

function isCandidate(name: string): boolean {
  return name === "Kustomization" || extensions.some((extension) => name.endsWith(extension));
}

/** Reads one file (at most 1 MiB) and looks for the markers. A file that cannot be read counts as not using kreveal. */
function usesKreveal(file: string): boolean {
  const bytes = readSmallRegularFile(file, maxFileBytes);
  if (bytes === undefined) {
    return false;
  }

  if (markers.some((marker) => bytes.includes(marker))) {
    return true;
  }
  return bytes.includes(encryptedValueMarker) && detectSopsStore(bytes, file) !== undefined;
}

