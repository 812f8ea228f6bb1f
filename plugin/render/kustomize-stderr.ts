/** The text that kyaml (kustomize's YAML library) writes before it dumps a YAML node into an error. */
const dumpMarker = "node contents:";

const hiddenNotice = "node contents: (hidden by kreveal render: the node may hold secret values)";

/**
 * Removes the YAML node dumps from kustomize's stderr. kyaml reports a wrong node kind as
 * "wrong node kind: expected X but got Y: node contents:" followed by the node. That node can be
 * a Secret's value: a replacement whose target path runs through `data.PASSWORD` prints the
 * base64 value (seen with kubectl v1.32 / kustomize v5.5.0).
 *
 * The dump runs to the end of the error message, which is the last thing kustomize prints. kubectl
 * writes a multi-line error between `err=<` and a line ` >`, with each line indented by a tab.
 * That closing line is kept, and everything else in the dump is dropped. Value tails are hidden
 * too (hideValueTails).
 */
export function hideNodeDumps(stderr: string): string {
  const start = stderr.indexOf(dumpMarker);
  if (start === -1) {
    return hideValueTails(stderr);
  }

  const rest = stderr.slice(start + dumpMarker.length);
  const closing = /^ >$/m.exec(rest);
  const remainder = closing === null ? "\n" : `\n${rest.slice(closing.index)}`;
  return `${hideValueTails(stderr.slice(0, start))}${hiddenNotice}${hideNodeDumps(remainder)}`;
}

/**
 * Markers of kustomize messages that end with a field's value, checked against the kustomize
 * v5.5.0 and go-yaml v3 sources and against kubectl v1.32.4 (kustomize v5.5.0) output:
 * - a replacement's `options.index N is out of bounds for value VALUE` (api/filters/replacement),
 *   where VALUE is the whole source field, e.g. a Secret's base64 data.
 * - go-yaml's type errors `cannot unmarshal !!str `VALUE` into TYPE`, which show up to 10
 *   characters of the value.
 */
const valueTailMarker = "for value ";
const valueTailNotice = "for value (hidden by kreveal)";
const unmarshalValue = /(cannot unmarshal \S+) `[\s\S]{0,10}?`( into )/g;

/**
 * Replaces the values that kustomize writes at the end of some error messages. When kubectl
 * quoted the message (`err="..."`, with `\"` escapes), the value runs to the closing quote. In
 * kubectl's multi-line `err=<` form it runs to the closing line ` >`. Otherwise it runs to the
 * end of stderr, because the error is the last thing kustomize prints and a value may span lines.
 */
export function hideValueTails(stderr: string): string {
  const text = stderr.replace(unmarshalValue, "$1 (value hidden by kreveal)$2");
  const start = text.indexOf(valueTailMarker);
  if (start === -1) {
    return text;
  }

  const before = text.slice(0, start);
  const rest = text.slice(start + valueTailMarker.length);
  const lineStart = before.lastIndexOf("\n") + 1;
  const line = before.slice(lineStart);

  let remainder = "\n";
  if (/err="(?:[^"\\]|\\.)*$/.test(line)) {
    const closing = closingQuote(rest);
    remainder = closing === -1 ? "\n" : rest.slice(closing);
  } else if (before.lastIndexOf("err=<\n") > before.lastIndexOf("\n >")) {
    const closing = /^ >$/m.exec(rest);
    remainder = closing === null ? "\n" : `\n${rest.slice(closing.index)}`;
  }
  return `${before}${valueTailNotice}${hideValueTails(remainder)}`;
}

/** Returns the index of the first `"` in `text` that no backslash escapes, or -1 when the line ends first. */
function closingQuote(text: string): number {
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character === "\\") {
      index++;
    } else if (character === '"') {
      return index;
    } else if (character === "\n") {
      return -1;
    }
  }
  return -1;
}
