import { parseAllDocuments } from "yaml";

/** A Kubernetes object as the repo-server keeps it after parsing the plugin's stdout. */
export type Manifest = Record<string, unknown>;

/**
 * Parses a plugin's stdout as Argo CD does. Empty and `null` documents are skipped, and every
 * other document must be a map with a non-empty string `kind`. Objects whose kind ends in `List`
 * are replaced by their `items`. Any problem throws, because Argo CD then drops the whole result
 * and reports the generation as failed.
 */
export function parseArgoManifests(stdout: string): Manifest[] {
  const manifests: Manifest[] = [];

  for (const [index, document] of parseAllDocuments(stdout).entries()) {
    if (document.errors.length > 0) {
      throw new Error(`document ${index}: invalid YAML: ${document.errors[0]?.message ?? ""}`);
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) {
      continue;
    }
    manifests.push(...flattenList(requireObject(value, `document ${index}`)));
  }
  return manifests;
}

function flattenList(object: Manifest): Manifest[] {
  const kind = object.kind as string;
  if (!kind.endsWith("List") || !Array.isArray(object.items)) {
    return [object];
  }
  return object.items.map((item: unknown, position) => requireObject(item, `${kind} item ${position}`));
}

function requireObject(value: unknown, where: string): Manifest {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where}: not a Kubernetes object (a YAML map is expected)`);
  }
  const object = value as Manifest;
  if (typeof object.kind !== "string" || object.kind === "") {
    throw new Error(`${where}: Object 'Kind' is missing`);
  }
  return object;
}

/** Returns the one manifest of `kind` (and `name`, when given); throws when there is not exactly one. */
export function findManifest(manifests: readonly Manifest[], kind: string, name?: string): Manifest {
  const found = manifests.filter((manifest) => manifest.kind === kind && (name === undefined || manifestName(manifest) === name));
  if (found.length !== 1) {
    const listed = manifests.map((manifest) => `${String(manifest.kind)}/${manifestName(manifest)}`).join(", ");
    throw new Error(`expected one ${kind}${name === undefined ? "" : ` named ${name}`}, found ${found.length} among: ${listed}`);
  }
  return found[0];
}

export function manifestName(manifest: Manifest): string {
  const metadata = (manifest.metadata ?? {}) as { name?: unknown };
  return typeof metadata.name === "string" ? metadata.name : "";
}

/** Collects a Secret's values: `data` decoded from base64, with the `stringData` entries added on top. */
export function secretValues(secret: Manifest): Record<string, string> {
  const data = (secret.data ?? {}) as Record<string, string>;
  const decoded = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")]));
  return { ...decoded, ...((secret.stringData ?? {}) as Record<string, string>) };
}
