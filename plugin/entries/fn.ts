import { realpathSync } from "node:fs";

import { isMap, type YAMLMap } from "yaml";

import { KrevealError } from "../errors.js";
import { createInputReaderForCwd } from "../files/input-reader.js";
import { parseResourceList, stringifyResourceList, type ResourceList } from "../formats/resource-list.js";
import { runGenerator } from "../generators/registry.js";
import { renderFunctionOutput } from "../output/function-output.js";
import { wrapItems } from "../transformers/documents.js";
import { isTransformerManifest, runTransformer } from "../transformers/registry.js";
import { readStdin, writeStdout } from "./stdio.js";

/**
 * `kreveal fn`: runs as a KRM function. Reads a ResourceList on stdin, generates from its
 * `functionConfig` (or, for a transformer config, transforms its `items`), and writes one
 * ResourceList on stdout only when everything succeeded.
 * Relative paths in the config resolve against the cwd, which kustomize sets to the folder of
 * the kustomization that lists the generator and kpt leaves at its own cwd.
 */
export async function main(args: string[]): Promise<void> {
  if (args.length > 0) {
    throw new KrevealError("USAGE", "fn takes no arguments", { fix: "Run: kreveal fn < resource-list.yaml" });
  }

  const list = parseResourceList(await readStdin());
  const config = list.functionConfig;
  if (config === undefined) {
    throw new KrevealError("CONFIG_INVALID", "the ResourceList has no functionConfig", {
      location: "ResourceList on stdin",
      fix: "List the generator manifest under generators: in kustomize, or pass it with --fn-config (kpt fn eval) or configPath (Kptfile).",
    });
  }

  const manifest: unknown = config.toJS(list.document);
  if (isTransformerManifest(manifest)) {
    await transformItems(list, manifest, configFile(config));
    return;
  }

  const inputs = createInputReaderForCwd();
  const generated = await runGenerator(manifest, inputs, configFile(config));
  await writeStdout(renderFunctionOutput(list, generated));
}

/**
 * Transforms every item in place and writes all of them back, the config's own item included when
 * kpt sends it, so that the output has exactly the input's resources. kustomize treats a missing
 * item as deleted.
 */
async function transformItems(list: ResourceList, manifest: unknown, file: string | undefined): Promise<void> {
  const items = list.items.items as YAMLMap[];
  await runTransformer(manifest, wrapItems(items), { cwd: realpathSync.native(process.cwd()), ...(file === undefined ? {} : { file }) });
  await writeStdout(stringifyResourceList(list, items, []));
}

/** Returns the config's file as kpt records it in the path annotations, if there is one. */
function configFile(config: YAMLMap): string | undefined {
  const annotations = config.getIn(["metadata", "annotations"], false);
  if (!isMap(annotations)) {
    return undefined;
  }
  const path = annotations.get("internal.config.kubernetes.io/path") ?? annotations.get("config.kubernetes.io/path");
  return typeof path === "string" && path !== "" ? path : undefined;
}
