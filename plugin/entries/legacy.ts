import { readFileSync, realpathSync } from "node:fs";

import type { Document } from "yaml";

import { KrevealError } from "../errors.js";
import { createInputReaderForCwd } from "../files/input-reader.js";
import { parseYamlStream } from "../formats/yaml-read.js";
import { runGenerator } from "../generators/registry.js";
import { readStdin, writeStdout } from "./stdio.js";
import { renderYamlStream } from "../output/yaml-stream.js";
import { renderDocumentStream } from "../transformers/documents.js";
import { isTransformerManifest, runTransformer } from "../transformers/registry.js";

/**
 * `kreveal legacy CONFIG`: runs as a kustomize legacy exec plugin. kustomize starts the plugin
 * with the path of a file holding the generator manifest and the kustomization folder as cwd, and
 * reads a YAML stream of the generated resources from stdout. A transformer config (listed under
 * `transformers:`) gets the kustomization's resources as a YAML stream on stdin and prints them
 * transformed. The config file may lie anywhere
 * (kustomize writes it to a temporary folder); the inputs it names must stay inside the repository.
 */
export async function main(args: string[]): Promise<void> {
  const file = args.at(0);
  if (file === undefined || args.length > 1) {
    throw new KrevealError("USAGE", "legacy takes exactly one argument, the generator config file", {
      fix: "Run: kreveal legacy CONFIG_FILE (kustomize does this when it finds the plugin under KUSTOMIZE_PLUGIN_HOME).",
    });
  }

  const manifest = readManifest(file);
  if (isTransformerManifest(manifest)) {
    await transformStdin(manifest, describeConfigFile(file));
    return;
  }

  const inputs = createInputReaderForCwd();
  const generated = await runGenerator(manifest, inputs, describeConfigFile(file));
  await writeStdout(renderYamlStream(generated));
}

/**
 * Transforms the resource stream on stdin and prints every resource back. A stream without
 * resources gives an empty output, which for kustomize means no resources, as before.
 */
async function transformStdin(manifest: unknown, file: string): Promise<void> {
  const text = strictUtf8Decode(await readStdin());
  const documents: Document[] = parseYamlStream(text, "resource stream on stdin").filter((document) => document.contents !== null);
  await runTransformer(manifest, documents, { cwd: realpathSync.native(process.cwd()), file });
  await writeStdout(renderDocumentStream(documents));
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

function strictUtf8Decode(bytes: Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new KrevealError("INPUT_MALFORMED", "the input is not valid UTF-8", { location: "resource stream on stdin" });
  }
}

/**
 * Names the config file in messages. kustomize passes a temporary copy of the manifest, so the
 * kustomization folder (from KUSTOMIZE_PLUGIN_CONFIG_ROOT) is named as well.
 */
function describeConfigFile(file: string): string {
  const root = process.env.KUSTOMIZE_PLUGIN_CONFIG_ROOT;
  return root === undefined || root === "" ? file : `${file} (listed in the kustomization in ${root})`;
}

/** Reads the config synchronously, because loading node:fs/promises costs about 1.5 ms of start-up. */
function readManifest(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new KrevealError("FILE_NOT_FOUND", "the generator config file cannot be read", {
      location: file,
      fix: "Pass the path of the generator manifest.",
      cause: error,
    });
  }

  const documents = parseYamlStream(text, file).filter((document) => document.contents !== null);
  const document = documents.at(0);
  if (document === undefined || documents.length > 1) {
    throw new KrevealError("CONFIG_INVALID", `expected one YAML document, found ${documents.length}`, {
      location: file,
      fix: "Put exactly one generator manifest in the config file.",
    });
  }
  return document.toJS();
}
