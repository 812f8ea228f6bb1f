import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Script } from "node:vm";

/**
 * Loads the modules in dist/lib/ that scripts/bundle.js writes. Each file there is a script whose
 * value is a table of CommonJS modules by name, each written as a function:
 * `({ "cli.js": function (module, exports, require, __filename) { ... }, ... })`. main.js contains
 * every module that a generator run needs, and each other file contains one module that is
 * loaded on first use.
 *
 * The loader compiles each file with `vm.Script` because, unlike Node's own module loaders, it
 * accepts V8 code cache: the bytecode of every function that a warm-up run at build time
 * compiled. With it a run skips most compile work, which otherwise costs more than the rest of a
 * small KRM function call. V8 checks the cache against its own version, its flags and the source
 * length, and rejects a cache that does not match. The loader then compiles the source as usual.
 */
export interface BundleLoader {
  /** Compiles the file `name` in the folder and registers its modules; runs none of them. */
  load(name: string): void;
  /** Returns the exports of module `./NAME` (evaluated once), or of a Node built-in module. */
  require(id: string): unknown;
}

type ModuleBody = (module: { exports: unknown }, exports: unknown, require: (id: string) => unknown, filename: string) => void;

/**
 * Returns the path of the code cache that belongs to `file` and to this Node build. Naming the
 * Node version lets a run skip reading a cache that V8 would reject anyway.
 */
export function codeCachePath(file: string): string {
  return `${file}.${process.version}-${process.arch}.cache`;
}

/**
 * Creates a loader for the files in `folder`. `requireBuiltin` loads Node's built-in modules.
 * `scripts` receives each compiled script by file; the build's warm-up passes one shared map to
 * several loaders, so that one cache covers several runs.
 */
export function createBundleLoader(folder: string, requireBuiltin: (id: string) => unknown, scripts = new Map<string, Script>()): BundleLoader {
  const bodies = new Map<string, ModuleBody>();
  const modules = new Map<string, { exports: unknown }>();

  const loader: BundleLoader = {
    load(name) {
      const file = join(folder, name);
      const script = scripts.get(file) ?? compile(file);
      scripts.set(file, script);
      const table = script.runInThisContext() as Record<string, ModuleBody>;
      for (const [module, body] of Object.entries(table)) {
        bodies.set(module, body);
      }
    },

    require(id) {
      if (!id.startsWith("./")) {
        return requireBuiltin(id);
      }

      const name = id.slice(2);
      let module = modules.get(name);
      if (module !== undefined) {
        return module.exports;
      }

      // A module that main.js does not contain has a file of its own, named like the module.
      if (!bodies.has(name)) {
        loader.load(name);
      }
      const body = bodies.get(name);
      if (body === undefined) {
        throw new Error(`${join(folder, name)} does not define the module ${name}`);
      }

      module = { exports: {} };
      modules.set(name, module);
      body(module, module.exports, (dependency) => loader.require(dependency), join(folder, name));
      return module.exports;
    },
  };
  return loader;
}

function compile(file: string): Script {
  const source = readFileSync(file, "utf8");
  return new Script(source, { filename: file, cachedData: readCodeCache(file) });
}

function readCodeCache(file: string): Buffer | undefined {
  try {
    return readFileSync(codeCachePath(file));
  } catch {
    // No cache for this Node version (or none at all): V8 compiles the source.
    return undefined;
  }
}
