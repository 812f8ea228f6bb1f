// Bundles the compiled entry point into dist/ with esbuild. Heavy modules that the code loads
// with dynamic import() (openpgp, key sources) become separate chunks, so start-up reads only
// what a run needs.
import { build } from "esbuild";
import { chmod, rm } from "node:fs/promises";

await rm("dist", { recursive: true, force: true });
await build({
  entryPoints: { kreveal: "build/plugin/entries/cli.js" },
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunks/[name]-[hash]",
  // The yaml package's "node" export is CommonJS and calls require(); ESM output has no require
  // of its own, so every output file gets one from createRequire.
  banner: {
    js: '#!/usr/bin/env node\nimport { createRequire as createRequireForBundle } from "node:module";\nconst require = createRequireForBundle(import.meta.url);',
  },
  // The yaml package's ES module build lets esbuild drop the parts kreveal never calls; its
  // CommonJS build, which Node's export condition would pick, is kept whole.
  alias: { yaml: "./node_modules/yaml/browser/index.js" },
  logLevel: "warning",
});
await chmod("dist/kreveal.js", 0o755);
