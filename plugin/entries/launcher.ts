import { join } from "node:path";

import { createBundleLoader } from "./bundle-loader.js";

/**
 * The `kreveal` executable, dist/kreveal.js: the file that kpt runs as `node dist/kreveal.js fn`
 * and that the legacy kustomize plugin requires. scripts/bundle.js bundles it as CommonJS, since
 * Node sets up its ES module loader only for an ES module entry and that costs several
 * milliseconds. The launcher then runs cli.ts from dist/lib/main.js with the code cache that the
 * build wrote (see bundle-loader.ts).
 *
 * `__dirname` and `require` are those of dist/kreveal.js: this file only runs as that CommonJS
 * bundle.
 */
const library = join(__dirname, "lib");
// The bundle's modules require only Node's built-in modules, through this file's own require:
// node:module and its createRequire would load parts of the ES module loader.
const loader = createBundleLoader(library, require);

try {
  loader.load("main.js");
  const main = loader.require("./cli.js") as { finished: Promise<void> };
  void main.finished.then(() => process.nextTick(exitWhenIdle));
} catch (error) {
  // A missing or unreadable bundle file. Errors of a command never get here: runMain reports them.
  const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.name : "unknown error");
  process.stderr.write(`kreveal: cannot load ${join(library, "main.js")} (${reason}); run npm run build\n`);
  process.exitCode = 1;
}

/**
 * Exits right away when the command has finished and nothing is pending: no timer, no child
 * process and no stderr write still queued on a pipe. Once used, process.stderr lists its pipe or
 * TTY as well, so any use of it keeps the normal exit. A normal exit would first run the garbage
 * collection that V8 scheduled during the run, then free the whole heap, which together cost
 * about 2 ms (measured on Node 20). This runs from process.nextTick, after every promise
 * reaction already queued. stdout is complete, because the commands write it with writeSync.
 * process.exit() keeps process.exitCode and emits 'exit' but not 'beforeExit', which kreveal
 * does not listen to.
 */
function exitWhenIdle(): void {
  if (process.getActiveResourcesInfo().length === 0) {
    process.exit();
  }
}
