import { statSync } from "node:fs";
import path from "node:path";

import { KrevealError } from "../errors.js";
import type { SourceType } from "./app-settings.js";

/** The sources generate builds. */
export type BuildSource = Exclude<SourceType, "auto">;

/** The file names that kustomize accepts for a kustomization. */
export const kustomizationFiles = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/**
 * Chooses how to build the app folder `appDir`. With `auto`, a kustomization file makes it a
 * kustomize source, else a Chart.yaml a Helm chart, else a plain folder of manifests. A source
 * named by the Application must have its file: kustomize without a kustomization, or helm
 * without Chart.yaml, is a FILE_NOT_FOUND error.
 */
export function detectSource(appDir: string, setting: SourceType): BuildSource {
  const hasKustomization = kustomizationFiles.some((name) => isFile(path.join(appDir, name)));
  const hasChart = isFile(path.join(appDir, "Chart.yaml"));

  switch (setting) {
    case "auto":
      if (hasKustomization) {
        return "kustomize";
      }
      return hasChart ? "helm" : "directory";
    case "kustomize":
      if (!hasKustomization) {
        throw missingFile("kustomize", `kustomization file (${kustomizationFiles.join(", ")})`);
      }
      return "kustomize";
    case "helm":
      if (!hasChart) {
        throw missingFile("helm", "Chart.yaml");
      }
      return "helm";
    case "directory":
      return "directory";
  }
}

function missingFile(source: BuildSource, file: string): KrevealError {
  return new KrevealError("FILE_NOT_FOUND", `the source is set to ${source}, but the app folder contains no ${file}`, {
    location: "source",
    fix: "Point the Application's path at the folder with that file, or remove the source setting so that kreveal detects the source.",
  });
}

function isFile(file: string): boolean {
  return statSync(file, { throwIfNoEntry: false })?.isFile() === true;
}
