import { isScalar, type Document } from "yaml";

import { KrevealError } from "../errors.js";
import { writeDocumentStream } from "../output/document-stream.js";
import { resolvePlaceholders } from "../placeholders/resolve.js";
import { prepareApp, withinBudget, type AppContext } from "./app-context.js";
import { readDirectory } from "./directory.js";
import { templateChart, type HelmOptions } from "./helm.js";
import { buildKustomization } from "./kustomize.js";
import { countResources } from "./resource-count.js";
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

  // Argo CD replaces list documents by their items, so an empty List is no resource, and an
  // empty result makes an Application with automated pruning delete what it deployed.
  if (countResources(documents, outputNames[source]) === 0) {
    if (settings.allowEmpty) {
      return "";
    }
    const only = documents.length === 0 ? "" : " (only lists without items, which Argo CD applies as nothing)";
    throw new KrevealError("INPUT_EMPTY", `the ${source} source produced no resources${only}`, {
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

/** The names of the built output in error locations. */
const outputNames: Record<BuildSource, string> = {
  kustomize: "kustomize build output",
  helm: "helm template output",
  directory: "plain folder manifests",
};

/** Every source gets the same options as the Helm path. */
type BuildOptions = HelmOptions;

async function buildSource(source: BuildSource, options: BuildOptions): Promise<Document[]> {
  switch (source) {
    case "kustomize":
      return buildKustomization({
        ...options,
        enableExec: process.env.KREVEAL_CMP_ENABLE_EXEC === "true",
        allowRemoteBases: process.env.KREVEAL_CMP_ALLOW_REMOTE_BASES === "true",
      });
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
