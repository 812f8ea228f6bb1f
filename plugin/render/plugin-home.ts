import { realpathSync, statSync } from "node:fs";
import path from "node:path";

import { KrevealError } from "../errors.js";

/**
 * Finds kreveal's own kustomize plugin home: the `generators/` folder at the root of the kreveal
 * package, which contains one launcher per kind at `<group>/<version>/<lowercase kind>/<Kind>`.
 * The search starts at the script that Node runs (`dist/kreveal.js`, or the compiled
 * `build/plugin/entries/cli.js`), after resolving the symbolic link that `npm link` or a global
 * install puts on PATH, and returns `generators/` in the nearest folder above it that also
 * contains `package.json`. The code itself is bundled, so the script path is the reliable anchor.
 */
export function findPluginHome(entryScript: string | undefined = process.argv.at(1)): string {
  if (entryScript === undefined) {
    throw new KrevealError("FILE_NOT_FOUND", "kreveal's plugin folder cannot be found because Node was started without a script", {
      fix: "Run kreveal as dist/kreveal.js or through the kreveal command.",
    });
  }

  const start = path.dirname(realScriptPath(entryScript));
  for (let folder = start; ; folder = path.dirname(folder)) {
    const home = path.join(folder, "generators");
    if (isFile(path.join(folder, "package.json")) && isFolder(home)) {
      return home;
    }
    if (path.dirname(folder) === folder) {
      break;
    }
  }

  throw new KrevealError("FILE_NOT_FOUND", "kreveal's plugin folder generators/ was not found in any folder above the kreveal script", {
    location: start,
    fix: "Run kreveal from its repository or installed package, where generators/ sits next to dist/.",
  });
}

function realScriptPath(script: string): string {
  try {
    return realpathSync(script);
  } catch {
    return path.resolve(script);
  }
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
}

function isFolder(folder: string): boolean {
  return statSync(folder, { throwIfNoEntry: false })?.isDirectory() === true;
}
