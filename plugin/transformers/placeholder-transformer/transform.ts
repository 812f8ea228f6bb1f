import type { Document } from "yaml";

import { parseManifest } from "../../generators/manifest.js";
import { resolvePlaceholders } from "../../placeholders/resolve.js";
import type { TransformerContext } from "../registry.js";
import { placeholderTransformerFields, placeholderTransformerSchema } from "./schema.js";

/**
 * Resolves the placeholders in every resource, changing only the strings that contain them. Other
 * fields, kustomize's build annotations (needs-hash and needsHashSuffix included) and the number
 * and order of resources stay as they came. Throws every invalid or missing placeholder together.
 */
export async function transform(manifest: unknown, documents: readonly Document[], context: TransformerContext): Promise<void> {
  const config = parseManifest(placeholderTransformerSchema, manifest, context.description, placeholderTransformerFields);
  const spec = config.spec ?? {};

  await resolvePlaceholders(documents, {
    cwd: context.cwd,
    ...(typeof spec.concurrency === "number" ? { concurrency: spec.concurrency } : {}),
    ...(typeof spec.timeoutSeconds === "number" ? { timeoutMs: spec.timeoutSeconds * 1000 } : {}),
  });
}
