/** The text that kyaml (kustomize's YAML library) writes before it dumps a YAML node into an error. */
const dumpMarker = "node contents:";

const hiddenNotice = "node contents: (hidden by kreveal render: the node may hold secret values)";

/**
 * Removes the YAML node dumps from kustomize's stderr. kyaml reports a wrong node kind as
 * "wrong node kind: expected X but got Y: node contents:" followed by the node, and that node can
 * be a Secret's value: a replacement whose target path runs through `data.PASSWORD` prints the
 * base64 value (seen with kubectl v1.32 / kustomize v5.5.0).
 *
 * The dump runs to the end of the error message, which is the last thing kustomize prints. kubectl
 * writes a multi-line error between `err=<` and a line ` >`, each line indented by a tab, so that
 * closing line is kept. Everything else in the dump is dropped.
 */
export function hideNodeDumps(stderr: string): string {
  const start = stderr.indexOf(dumpMarker);
  if (start === -1) {
    return stderr;
  }

  const rest = stderr.slice(start + dumpMarker.length);
  const closing = /^ >$/m.exec(rest);
  const remainder = closing === null ? "\n" : `\n${rest.slice(closing.index)}`;
  return `${stderr.slice(0, start)}${hiddenNotice}${hideNodeDumps(remainder)}`;
}
