/**
 * The subset of Kubernetes JSONPath that the `jsonPath` modifier supports: an optional `$`, then
 * dotted keys (`.a.b`), `[N]` indexes and `['key']` keys, optionally inside one pair of braces,
 * as in `{.credentials.user}` or `.items[0].name`. Filters, wildcards, ranges, recursive descent
 * and templates of several expressions are not supported.
 */

const stepPattern = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\['([^']*)'\]/y;

/** Parses an expression into keys (strings) and indexes (numbers), or undefined when it is outside the subset. */
export function parseJsonPath(expression: string): (string | number)[] | undefined {
  let body = expression.trim();
  if (body.startsWith("{") && body.endsWith("}")) {
    body = body.slice(1, -1).trim();
  }
  if (body.startsWith("$")) {
    body = body.slice(1);
  }
  if (body === "" || body === ".") {
    return [];
  }

  const steps: (string | number)[] = [];
  stepPattern.lastIndex = 0;
  while (stepPattern.lastIndex < body.length) {
    const match = stepPattern.exec(body);
    if (match === null) {
      return undefined;
    }
    const [, dotted, index, quoted] = match as (string | undefined)[];
    steps.push(index === undefined ? (dotted ?? quoted ?? "") : Number(index));
  }
  return steps;
}

/** Follows the steps from `root`. Returns undefined when a step finds nothing. */
export function evaluateJsonPath(root: unknown, steps: readonly (string | number)[]): unknown {
  let current = root;
  for (const step of steps) {
    if (typeof step === "number") {
      current = Array.isArray(current) ? (current as unknown[])[step] : undefined;
    } else if (typeof current === "object" && current !== null && !Array.isArray(current) && Object.hasOwn(current, step)) {
      current = (current as Record<string, unknown>)[step];
    } else {
      return undefined;
    }
    if (current === undefined) {
      return undefined;
    }
  }
  return current;
}
