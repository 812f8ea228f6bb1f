import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

import type { AppIdentity, AppSettings } from "../../plugin/cmp/app-settings.js";
import { repoRoot, tempDir } from "../support/paths.js";

/** The real hello-world chart copied into this repository, with its provenance. */
export const helloWorldChart = path.join(repoRoot, "tests/fixtures/helm/hello-world");

/**
 * A shortened `helm template` output of the hello-world chart for the fake helm to print. It is
 * written by hand in helm's layout (`---` and a `# Source:` comment per document), because helm
 * is not installed on the test machines.
 */
export const recordedTemplateOutput = `---
# Source: hello-world/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: hello-hello-world
  labels:
    app.kubernetes.io/name: hello-world
spec:
  type: ClusterIP
  ports:
    - port: 80
      targetPort: 8081
---
# Source: hello-world/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello-hello-world
spec:
  replicas: 1
`;

/** A repository copy with the chart in `apps/hello`, and a folder outside it for escape tests. */
export interface ChartRepo {
  /** The folder above the repository; files here are outside the repository root. */
  readonly outside: string;
  readonly root: string;
  /** The chart folder, apps/hello below the root. */
  readonly appDir: string;
}

export function chartRepo(): ChartRepo {
  const outside = tempDir("kreveal-helm-");
  const root = path.join(outside, "repo");
  const appDir = path.join(root, "apps", "hello");
  mkdirSync(appDir, { recursive: true });
  cpSync(helloWorldChart, appDir, { recursive: true });
  return { outside, root, appDir };
}

/**
 * Writes a fake `helm` into a new folder and returns that folder and the folder where the fake
 * records what it saw. Helm cannot be installed on the test machines (no network), so the fake
 * replaces it. The fake records its arguments and its working folder. For each `/dev/fd/N`
 * argument it records whether it is a pipe and the text read from it (test values, not real
 * secrets). Then it prints the recorded `helm template` output. `script` replaces the printing step.
 */
export function fakeHelm(script = `printf '%s' "$KREVEAL_TEST_OUTPUT"\n`, name = "helm"): { bin: string; records: string; program: string } {
  const bin = tempDir("kreveal-helm-bin-");
  const records = tempDir("kreveal-helm-records-");
  const program = path.join(bin, name);
  const lines = [
    "#!/bin/sh",
    `records='${records}'`,
    `printf '%s\\n' "$@" > "$records/args"`,
    `pwd > "$records/cwd"`,
    "n=0",
    "for arg in \"$@\"; do",
    "  case \"$arg\" in",
    "    /dev/fd/*)",
    "      n=$((n + 1))",
    "      if [ -p \"$arg\" ]; then echo pipe; else echo other; fi >> \"$records/kinds\"",
    "      cat \"$arg\" > \"$records/values-$n\"",
    "      ;;",
    "  esac",
    "done",
    script,
  ];
  writeFileSync(program, lines.join("\n"));
  chmodSync(program, 0o755);
  return { bin, records, program };
}

/** Returns the lines a fake helm recorded in `file`, or undefined when it never ran. */
export function recordedLines(records: string, file: string): string[] | undefined {
  const full = path.join(records, file);
  if (!existsSync(full)) {
    return undefined;
  }
  return readFileSync(full, "utf8").split("\n").slice(0, -1);
}

export function recordedText(records: string, file: string): string {
  return readFileSync(path.join(records, file), "utf8");
}

export function identity(overrides: Partial<AppIdentity> = {}): AppIdentity {
  return { name: "hello", namespace: "team-a", project: "team-a", sourcePath: "apps/hello", kubeVersion: "", kubeApiVersions: [], ...overrides };
}

export function settings(overrides: Partial<AppSettings> = {}): AppSettings {
  return { source: "auto", valuesFiles: [], releaseName: undefined, allowEmpty: false, ...overrides };
}

/** Lists every file below `folder`, relative to it, sorted. */
export function listFiles(folder: string): string[] {
  return (readdirSync(folder, { recursive: true, withFileTypes: true }) as { name: string; parentPath?: string; path?: string; isFile(): boolean }[])
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(folder, path.join(entry.parentPath ?? entry.path ?? folder, entry.name)))
    .sort();
}

/** Runs `action` while collecting what is written to process.stderr. */
export async function captureStderr<T>(action: () => Promise<T>): Promise<{ result: T | undefined; error: unknown; stderr: string }> {
  const chunks: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array): boolean => {
    chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
    return true;
  });

  try {
    return { result: await action(), error: undefined, stderr: chunks.join("") };
  } catch (error) {
    return { result: undefined, error, stderr: chunks.join("") };
  } finally {
    process.stderr.write = original;
  }
}
