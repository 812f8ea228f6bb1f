/**
 * Evaluation of the kubectl JSONPath templates that the `jsonPath` modifier accepts (see
 * json-path-parse.ts for the syntax). Output follows kubectl: strings print as they are, other
 * values as JSON, and the several results of one expression are joined by a space.
 */

import { type JsonPathNode, type JsonPathStep, parseJsonPathTemplate } from "./json-path-parse.js";

export { parseJsonPathTemplate } from "./json-path-parse.js";
export type { JsonPathNode, JsonPathStep } from "./json-path-parse.js";

/**
 * Renders a parsed template against `root`. Returns undefined when a field or index step finds
 * nothing, so that the caller can report a missing value. Wildcards, slices and `..` that find
 * nothing print nothing.
 */
export function renderJsonPathTemplate(nodes: readonly JsonPathNode[], root: unknown): string | undefined {
  let output = "";
  for (const node of nodes) {
    if (node.kind === "text") {
      output += node.text;
      continue;
    }

    const values = evaluateSteps(root, node.steps);
    if (values === undefined) {
      return undefined;
    }

    if (node.kind === "expression") {
      output += values.map(printValue).join(" ");
      continue;
    }
    for (const value of values) {
      const body = renderJsonPathTemplate(node.body, value);
      if (body === undefined) {
        return undefined;
      }
      output += body;
    }
  }
  return output;
}

/** Applies the steps to `current`. Returns every node found, or undefined when a field or index step finds nothing. */
export function evaluateSteps(current: unknown, steps: readonly JsonPathStep[]): unknown[] | undefined {
  let values: unknown[] = [current];
  for (const step of steps) {
    const next = values.flatMap((value) => applyStep(value, step));
    if ((step.kind === "field" || step.kind === "index") && values.length > 0 && next.length === 0) {
      return undefined;
    }
    values = next;
  }
  return values;
}

function applyStep(value: unknown, step: JsonPathStep): unknown[] {
  switch (step.kind) {
    case "field":
      return isObject(value) && Object.hasOwn(value, step.name) ? [value[step.name]] : [];
    case "wildcard":
      return Array.isArray(value) ? [...(value as unknown[])] : isObject(value) ? Object.values(value) : [];
    case "recursive":
      return descendants(value);
    case "index": {
      if (!Array.isArray(value)) {
        return [];
      }
      const index = step.index < 0 ? step.index + value.length : step.index;
      return index >= 0 && index < value.length ? [(value as unknown[])[index]] : [];
    }
    case "slice":
      return Array.isArray(value) ? sliceList(value as unknown[], step) : [];
  }
}

/**
 * Selects `list[start:end:step]`. Negative bounds count from the end, as in kubectl.
 * NOTE: bounds outside the list are clamped to it, where kubectl reports an out-of-bounds error.
 */
function sliceList(list: readonly unknown[], slice: { start: number | undefined; end: number | undefined; step: number }): unknown[] {
  const bound = (value: number | undefined, fallback: number) => {
    if (value === undefined) {
      return fallback;
    }
    const absolute = value < 0 ? value + list.length : value;
    return Math.min(Math.max(absolute, 0), list.length);
  };

  const selected: unknown[] = [];
  for (let index = bound(slice.start, 0); index < bound(slice.end, list.length); index += slice.step) {
    selected.push(list[index]);
  }
  return selected;
}

/** Returns the node and all nodes below it, parents before children, in key and list order. */
function descendants(value: unknown): unknown[] {
  const children = Array.isArray(value) ? (value as unknown[]) : isObject(value) ? Object.values(value) : [];
  return [value, ...children.flatMap(descendants)];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function printValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Templates behind the step lists that parseJsonPath returns. The `jsonPath` modifier stores a
 * step list and passes it back to evaluateJsonPath, so this keeps the parsed template alongside.
 */
const templates = new WeakMap<readonly (string | number)[], readonly JsonPathNode[]>();

/**
 * Parses a template for the `jsonPath` modifier. Returns its keys (strings) and indexes (numbers)
 * when it is one plain path such as `{.a.b[0]}`, an empty list for any other template, or
 * undefined when the template is invalid. parseJsonPathTemplate gives the reason.
 */
export function parseJsonPath(expression: string): (string | number)[] | undefined {
  let nodes: JsonPathNode[];
  try {
    nodes = parseJsonPathTemplate(expression);
  } catch {
    return undefined;
  }

  const only = nodes.length === 1 ? nodes[0] : undefined;
  const plain = only?.kind === "expression" && only.steps.every((step) => step.kind === "field" || (step.kind === "index" && step.index >= 0));
  const steps = plain ? only.steps.map(plainStep) : [];
  templates.set(steps, nodes);
  return steps;
}

function plainStep(step: JsonPathStep): string | number {
  if (step.kind === "field") {
    return step.name;
  }
  return step.kind === "index" ? step.index : "";
}

/**
 * Renders the template behind `steps` (from parseJsonPath) against `root`, or follows `steps` as
 * keys and indexes when they came from elsewhere. Returns the printed text, or undefined when a
 * field or index step finds nothing.
 */
export function evaluateJsonPath(root: unknown, steps: readonly (string | number)[]): string | undefined {
  const nodes = templates.get(steps) ?? [{ kind: "expression", steps: steps.map((step): JsonPathStep => (typeof step === "number" ? { kind: "index", index: step } : { kind: "field", name: step })) }];
  return renderJsonPathTemplate(nodes, root);
}
