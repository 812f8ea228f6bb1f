import { isScalar, type Document } from "yaml";

import { KrevealError } from "../errors.js";
import { writeDocumentStream } from "../output/document-stream.js";
import { resolvePlaceholders } from "../placeholders/resolve.js";
import { prepareApp, withinBudget, type AppContext } from "./app-context.js";
import { readDirectory } from "./directory.js";
import { templateChart, type HelmOptions } from "./helm.js";
import { buildKustomization } from "./kustomize.js";
import { detectSource, type BuildSource } from "./source.js";

/**
 * `kreveal cmp generate`: builds the app folder (the working folder) as Argo CD's sidecar
 * requests, resolves the placeholders in the result and returns the YAML stream to print. The
 * caller prints it only when this resolves, so any failure leaves stdout empty. Notes and
 * warnings go to stderr as they come. A watchdog enforces the time budget even when a stage
 * hangs, by killing kreveal's children and exiting with status 1.
 */
export async function generate(): Promise<string> {
  const context = prepareApp(process.env);
  for (const warning of context.warnings) {
    process.stderr.write(`kreveal: warning: ${warning}\n`);
  }
  return withinBudget(context, () => generateWithin(context));
}

async function generateWithin(context: AppContext): Promise<string> {
  const { appDir, repoRoot, app, settings, childEnv, deadline } = context;
  const source = detectSource(appDir, settings.source);
  const built = await buildSource(source, { appDir, repoRoot, app, settings, env: childEnv, deadline });
  const documents = built.filter((document) => !isEmpty(document));
  if (documents.length === 0) {
    if (settings.allowEmpty) {
      return "";
    }
    throw new KrevealError("INPUT_EMPTY", `the ${source} source produced no resources`, {
      location: appDir,
      fix: "Check the Application's path and source. If an empty result is intended, set the allow-empty parameter to true.",
    });
  }

  deadline.enter("placeholder resolution");
  try {
    await resolvePlaceholders(documents, { cwd: appDir, timeoutMs: deadline.remainingMs() });
  } catch (error) {
    // A read cut short by the budget fails as a backend timeout, so the spent budget is reported as the cause.
    throw deadline.expired() ? deadline.timeoutError("placeholder resolution") : error;
  }
  return writeDocumentStream(documents);
}

/** Every source gets the same options as the Helm path. */
type BuildOptions = HelmOptions;

async function buildSource(source: BuildSource, options: BuildOptions): Promise<Document[]> {
  switch (source) {
    case "kustomize":
      return buildKustomization({ ...options, enableExec: process.env.KREVEAL_CMP_ENABLE_EXEC === "true" });
    case "helm":
      return templateChart(options);
    case "directory":
      options.deadline.enter("directory read");
      return readDirectory({ ...options, note: (message) => process.stderr.write(`kreveal: note: ${message}\n`) });
  }
}

/** Tells whether a document is empty: nothing, comments only, or null. */
function isEmpty(document: Document): boolean {
  const contents = document.contents;
  return contents === null || (isScalar(contents) && contents.value === null);
}
