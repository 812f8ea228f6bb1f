// Bundles the compiled code (build/) into dist/ with esbuild, then writes V8 code cache for it:
//   dist/kreveal.js      the launcher (plugin/entries/launcher.ts), CommonJS
//   dist/package.json    marks dist/ as CommonJS, so that Node skips its ES module loader
//   dist/lib/main.js     the modules that `kreveal fn` and `kreveal legacy` need for a
//                        SecretGenerator: cli.js, the two commands, the generator, yaml, zod
//   dist/lib/*-HASH.js   every other module (SOPS decryption, key sources, openpgp,
//                        age-encryption, other commands and generators), one file each, loaded on
//                        first use
//   dist/lib/*.cache     code cache for the Node version that ran the build
// esbuild splits the code into ES modules, then each one is turned into a CommonJS function,
// the format that plugin/entries/bundle-loader.ts compiles with the cache.
import { build, transform } from "esbuild";
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";

import { writeCodeCache } from "./code-cache.js";

/** The entry points whose modules, with all that they import, go into main.js. */
const mainEntries = [
  "build/plugin/entries/cli.js",
  "build/plugin/entries/fn.js",
  "build/plugin/entries/legacy.js",
  "build/plugin/generators/secret-generator/generate.js",
];

const library = "dist/lib";

/** Fails on warnings too: each one (an empty import.meta, say) would break a run. */
function checkWarnings(result, output) {
  if (result.warnings.length > 0) {
    throw new Error(`esbuild reported ${result.warnings.length} warning(s) for ${output}`);
  }
}

/** Splits the code into ES modules: one per entry point and dynamic import(), plus shared chunks. */
async function splitModules() {
  const result = await build({
    entryPoints: ["build/plugin/entries/cli.js"],
    outdir: library,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    entryNames: "[name]",
    chunkNames: "[name]-[hash]",
    // The yaml package's ES module build lets esbuild drop the parts kreveal never calls; its
    // CommonJS build, which Node's export condition would pick, is kept whole.
    alias: { yaml: "./node_modules/yaml/browser/index.js" },
    // Without comments the code is a third smaller and pure ASCII (esbuild escapes other
    // characters in strings and regular expressions). Node reads ASCII source faster, and V8
    // keeps it in one byte per character instead of two. Names stay as written, for stack traces
    // and error class names.
    minifyWhitespace: true,
    metafile: true,
    write: false,
    logLevel: "warning",
  });
  checkWarnings(result, "the split build");
  return result;
}

/** Returns the output files (as `dist/lib/NAME.js`) of the main entries and of all that they import statically. */
function mainModules(metafile) {
  const outputs = Object.entries(metafile.outputs);
  const pending = mainEntries.map((entry) => {
    const output = outputs.find(([, info]) => info.entryPoint === entry);
    if (output === undefined) {
      throw new Error(`${entry} is listed in mainEntries of scripts/bundle.js but esbuild made no module for it`);
    }
    return output[0];
  });

  const found = new Set();
  while (pending.length > 0) {
    const file = pending.pop();
    if (found.has(file)) {
      continue;
    }
    found.add(file);
    for (const dependency of metafile.outputs[file].imports) {
      if (dependency.kind === "import-statement" && !dependency.external) {
        pending.push(dependency.path);
      }
    }
  }
  return found;
}

/**
 * Turns one ES module into `"NAME": function (module, exports, require, __filename) {...}`.
 * import() becomes require() through the loader, since vm.Script has no loader for import(),
 * and import.meta.url becomes the module file's URL (plugin-home.ts finds generators/ with it).
 */
async function toCommonJsEntry(name, code) {
  const result = await transform(code, {
    format: "cjs",
    platform: "node",
    target: "node20",
    supported: { "dynamic-import": false },
    define: { "import.meta.url": "__importMetaUrl" },
    minifyWhitespace: true,
    sourcefile: name,
    logLevel: "warning",
  });
  checkWarnings(result, name);

  const metaUrl = result.code.includes("__importMetaUrl") ? 'var __importMetaUrl=require("node:url").pathToFileURL(__filename).href;' : "";
  // ES modules run in strict mode, and so do their functions.
  return `${JSON.stringify(name)}: function (module, exports, require, __filename) {"use strict";${metaUrl}\n${result.code}}`;
}

await rm("dist", { recursive: true, force: true });
await mkdir(library, { recursive: true });

const split = await splitModules();
const inMain = mainModules(split.metafile);
const mainTable = [];
for (const file of split.outputFiles) {
  const output = path.relative(process.cwd(), file.path);
  const name = path.basename(output);
  const entry = await toCommonJsEntry(name, file.text);
  if (inMain.has(output)) {
    mainTable.push(entry);
  } else {
    await writeFile(output, `({${entry}\n})\n`);
  }
}
await writeFile(path.join(library, "main.js"), `({${mainTable.join(",\n")}\n})\n`);

const launcher = await build({
  entryPoints: ["build/plugin/entries/launcher.js"],
  outfile: "dist/kreveal.js",
  bundle: true,
  format: "cjs",
  platform: "node",
  target: "node20",
  banner: { js: "#!/usr/bin/env node" },
  logLevel: "warning",
});
checkWarnings(launcher, "dist/kreveal.js");
await chmod("dist/kreveal.js", 0o755);
await writeFile("dist/package.json", `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);

await writeCodeCache();
