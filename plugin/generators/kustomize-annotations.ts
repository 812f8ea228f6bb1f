import type { KrevealError } from "../errors.js";
import { configError, isRecord } from "./manifest.js";
import { warn } from "./warnings.js";

/** Annotation that makes kustomize append the content hash to a generated resource's name and rewrite references to it. */
export const needsHashAnnotation = "kustomize.config.k8s.io/needs-hash";
/** Annotation that selects whether kustomize creates, merges or replaces a resource of the same name. */
export const behaviorAnnotation = "kustomize.config.k8s.io/behavior";

/** The spellings that Go's strconv.ParseBool accepts, which is how kustomize reads needs-hash. */
const goBooleans = new Set(["1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False"]);
const behaviors = new Set(["create", "merge", "replace"]);

/** A problem with a kustomize annotation on a generated resource. */
export interface AnnotationProblem {
  /** The annotation's field path, e.g. `metadata.annotations["kustomize.config.k8s.io/behavior"]`. */
  readonly field: readonly PropertyKey[];
  readonly message: string;
  readonly fix: string;
  /** True when kustomize fails the build on it; false when kustomize silently reads it as something else. */
  readonly failsBuild: boolean;
}

/**
 * Checks the needs-hash and behavior annotations of a resource that a generator emits, the two
 * that kustomize reads and removes from generator output (kustomize v5.5). A needs-hash value
 * that Go's ParseBool rejects fails the kustomize build. A behavior other than create, merge or
 * replace is read as create without a word.
 */
export function checkKustomizeAnnotations(resource: Readonly<Record<string, unknown>>): AnnotationProblem[] {
  const metadata = isRecord(resource.metadata) ? resource.metadata : {};
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : {};
  const problems: AnnotationProblem[] = [];

  const needsHash = annotations[needsHashAnnotation];
  if (needsHash !== undefined && typeof needsHash !== "boolean" && !(typeof needsHash === "string" && goBooleans.has(needsHash))) {
    problems.push({
      field: ["metadata", "annotations", needsHashAnnotation],
      message: 'must be "true" or "false" (kustomize accepts the spellings of Go\'s strconv.ParseBool)',
      fix: 'Write "true" to append the content hash to the name, or remove the annotation.',
      failsBuild: true,
    });
  }

  const behavior = annotations[behaviorAnnotation];
  if (behavior !== undefined && !(typeof behavior === "string" && behaviors.has(behavior))) {
    problems.push({
      field: ["metadata", "annotations", behaviorAnnotation],
      message: "must be create, merge or replace; kustomize reads any other value as create",
      fix: "Write the value in lower case: create, merge or replace.",
      failsBuild: false,
    });
  }
  return problems;
}

/**
 * Checks a generated resource's kustomize annotations and reports each problem: a config error in
 * `errors` when kustomize would fail the build (or for every problem when `strict`), else a
 * warning on stderr. `fieldOf` turns an annotation's path into the field that messages name.
 */
export function reportAnnotationProblems(
  resource: Readonly<Record<string, unknown>>,
  description: string,
  fieldOf: (field: readonly PropertyKey[]) => string,
  errors: KrevealError[],
  strict = false,
): void {
  for (const problem of checkKustomizeAnnotations(resource)) {
    const field = fieldOf(problem.field);
    if (problem.failsBuild || strict) {
      errors.push(configError(description, field, problem.message, problem.fix));
    } else {
      warn(`${description}: ${field}`, `${problem.message}. ${problem.fix}`);
    }
  }
}
