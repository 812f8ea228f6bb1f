import { isMap, type YAMLMap } from "yaml";

import { KrevealError } from "../errors.js";
import { createInputReaderForCwd } from "../files/input-reader.js";
import { parseResourceList } from "../formats/resource-list.js";
import { runGenerator } from "../generators/registry.js";
import { renderFunctionOutput } from "../output/function-output.js";
import { readStdin, writeStdout } from "./stdio.js";

/**
 * `kreveal fn`: runs as a KRM function. Reads a ResourceList on stdin, generates from its
 * `functionConfig`, and writes one ResourceList on stdout only when everything succeeded.
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

  const inputs = createInputReaderForCwd();
  const generated = await runGenerator(config.toJS(list.document), inputs, configFile(config));
  await writeStdout(renderFunctionOutput(list, generated));
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
