import { readFileSync } from "node:fs";
import { isAbsolute } from "node:path";

import type * as z from "zod/mini";

import { KrevealError, KrevealErrors } from "../errors.js";
import { parseYamlStream } from "../formats/yaml-read.js";
import { formatPolicyField, pathSegments } from "./paths.js";
import { tenantPolicyFields, tenantPolicySchema, type TenantPolicyFile } from "./schema.js";

/** A validated tenant policy file. */
export interface TenantPolicy {
  /** The policy file's path, as KREVEAL_POLICY_FILE names it. */
  readonly file: string;
  /** The rules by Argo CD project name. */
  readonly projects: ReadonlyMap<string, ProjectRules>;
  /** `requireProjectKeys`: every SOPS decryption needs the project's own `sops.ageKeyFile`. */
  readonly requireProjectKeys: boolean;
}

/** The rules of one Argo CD project: the backends and paths it may read. */
export interface ProjectRules {
  /** The rule by placeholder scheme (`vault`, `sops`). A scheme without a rule is denied. */
  readonly backends: ReadonlyMap<string, BackendRule>;
  /** `projects.<project>.vault.role`, when set. */
  readonly vaultRole: string | undefined;
  /** `projects.<project>.sops.ageKeyFile`, an absolute path, when set. */
  readonly sopsAgeKeyFile: string | undefined;
}

/** The path prefixes that one backend may be read at. */
export interface BackendRule {
  /** The prefixes as the file writes them, for messages. */
  readonly paths: readonly string[];
  /** The same prefixes split into segments. The sops prefix `.` is the empty list, which matches every file. */
  readonly prefixes: readonly (readonly string[])[];
}

/** Policies loaded by this process, by file path: the file is read and checked once. */
const loaded = new Map<string, TenantPolicy>();

/**
 * Reads and validates the tenant policy file at `file`, once per process. The reads are
 * synchronous because the asynchronous file API loads node:fs/promises and starts libuv's thread
 * pool, which slows down the start of every run. Throws CONFIG_INVALID naming the file, and the
 * field for a schema problem, when the file is missing, invalid YAML or JSON, or breaks the schema.
 */
export function loadTenantPolicy(file: string): TenantPolicy {
  const cached = loaded.get(file);
  if (cached !== undefined) {
    return cached;
  }

  // A relative path would be looked up from the working folder, which in Argo CD is the
  // Application's folder, so a repository could supply its own policy.
  if (!isAbsolute(file)) {
    throw new KrevealError("CONFIG_INVALID", "KREVEAL_POLICY_FILE must be an absolute path", {
      location: file,
      fix: "Set KREVEAL_POLICY_FILE to the absolute path of the policy file in the sidecar, outside every repository.",
    });
  }

  const content = parsePolicyText(readPolicyText(file), file);
  const policy = buildPolicy(validatePolicy(content, file), file);
  loaded.set(file, policy);
  return policy;
}

function readPolicyText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new KrevealError("CONFIG_INVALID", `the tenant policy file cannot be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"})`, {
      location: file,
      fix: "Check KREVEAL_POLICY_FILE: it must name a readable YAML or JSON TenantPolicy file.",
      cause: error,
    });
  }
}

/** Parses the file as YAML (JSON is YAML too) and returns its one document as plain data. */
function parsePolicyText(text: string, file: string): unknown {
  let documents;
  try {
    documents = parseYamlStream(text, file);
  } catch (error) {
    if (!(error instanceof KrevealError)) {
      throw error;
    }
    throw new KrevealError("CONFIG_INVALID", `${error.message} in the tenant policy file`, {
      location: file,
      fix: "Fix the YAML or JSON syntax at that position.",
      cause: error,
    });
  }

  if (documents.length > 1) {
    throw new KrevealError("CONFIG_INVALID", `the tenant policy file contains ${documents.length} YAML documents, but a policy is one document`, {
      location: file,
      fix: "Remove the extra --- separators and documents.",
    });
  }
  return documents[0]?.toJS() as unknown;
}

/** Checks the content against the schema and throws every problem together. */
function validatePolicy(content: unknown, file: string): TenantPolicyFile {
  const result = tenantPolicySchema().safeParse(content, { reportInput: true });
  if (result.success) {
    return result.data;
  }

  const errors: KrevealError[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        errors.push(fieldError(file, [...issue.path, key], "unknown field in the tenant policy", `Remove it or fix its spelling. ${tenantPolicyFields}`));
      }
      continue;
    }
    errors.push(fieldError(file, issue.path, describeIssue(issue), undefined));
  }
  throw errors.length === 1 ? errors[0] : new KrevealErrors(errors);
}

/** Turns the validated file into rules, checking every path prefix. */
function buildPolicy(content: TenantPolicyFile, file: string): TenantPolicy {
  const projects = new Map<string, ProjectRules>();
  const errors: KrevealError[] = [];

  for (const [project, rules] of Object.entries(content.projects)) {
    const backends = new Map<string, BackendRule>();
    for (const [scheme, rule] of [["vault", rules.vault], ["sops", rules.sops]] as const) {
      if (rule === undefined) {
        continue;
      }
      const prefixes = rule.paths.map((path, index) => {
        const segments = scheme === "sops" && path === "." ? [] : pathSegments(path);
        if (segments === undefined) {
          const problem = scheme === "sops" ? `is not a valid folder prefix ("." is the whole repository)` : "is not a valid Vault path prefix";
          errors.push(fieldError(file, ["projects", project, scheme, "paths", index], `${problem}: it is empty or has an empty, "." or ".." segment`, undefined));
        }
        return segments ?? [];
      });
      backends.set(scheme, { paths: rule.paths.map((path) => path.replace(/^\/+|\/+$/g, "")), prefixes });
    }

    // A relative key file would be looked up from the working folder, which is inside the
    // Application's repository, so the repository could supply the project's key.
    const sopsAgeKeyFile = rules.sops?.ageKeyFile;
    if (sopsAgeKeyFile !== undefined && !isAbsolute(sopsAgeKeyFile)) {
      errors.push(fieldError(file, ["projects", project, "sops", "ageKeyFile"], "must be an absolute path", "Name the project's age keys file by its absolute path in the sidecar, outside every repository."));
    }
    projects.set(project, { backends, vaultRole: rules.vault?.role, sopsAgeKeyFile });
  }

  if (errors.length > 0) {
    throw errors.length === 1 ? errors[0] : new KrevealErrors(errors);
  }
  return { file, projects, requireProjectKeys: content.requireProjectKeys ?? false };
}

function fieldError(file: string, path: readonly PropertyKey[], message: string, fix: string | undefined): KrevealError {
  return new KrevealError("CONFIG_INVALID", message, { location: `${file}: ${formatPolicyField(path)}`, fix });
}

/** Describes one schema problem by types and expected values, as zod/mini carries no message texts. */
function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required" : `must be ${typeName(issue.expected)}, not ${typeName(valueType(issue.input))}`;
    case "invalid_value":
      return `must be ${issue.values.map((value) => JSON.stringify(value)).join(" or ")}`;
    case "too_small":
      return "must not be empty";
    case "invalid_key":
      return "is not a valid project name: it must not be empty";
    default:
      return `is invalid (${issue.code})`;
  }
}

function valueType(value: unknown): string {
  if (value === null) {
    return "null";
  }
  return Array.isArray(value) ? "array" : typeof value;
}

function typeName(type: string): string {
  switch (type) {
    case "object":
    case "record":
      return "a mapping";
    case "array":
      return "a list";
    case "null":
      return "null";
    default:
      return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
  }
}
