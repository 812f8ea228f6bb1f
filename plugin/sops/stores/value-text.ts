/**
 * sops `ValToString`: how the dotenv and INI stores turn non-string decrypted values into text.
 */
import { KrevealError } from "../../errors.js";
import { formatFloatValToString, formatTimeRFC3339, parseRFC3339 } from "../../formats/go-format.js";
import type { Value } from "../tree.js";

/** Text of a scalar as Go's `ValToString` formats it; collections cannot be written flat. */
export function valueToText(value: Value, location: string): string {
  switch (value.kind) {
    case "str":
      return value.value;
    case "int":
      return value.value.toString();
    case "float":
      return formatFloatValToString(value.value);
    case "bool":
      return value.value ? "true" : "false";
    case "time": {
      // ValToString writes times with time.RFC3339, which has no fraction of a second.
      const time = parseRFC3339(value.value);
      return time === undefined ? value.value : formatTimeRFC3339(time);
    }
    case "null":
      return "<nil>";
    case "bytes":
      // Go's %v prints a []byte as its decimal byte values in brackets.
      return `[${Array.from(value.value).join(" ")}]`;
    case "map":
    case "seq":
      throw new KrevealError("INPUT_MALFORMED", `the value of "${location}" is a ${value.kind === "map" ? "mapping" : "list"}, which this file format cannot hold`, {
        location,
        fix: "Use a YAML or JSON file for nested values.",
      });
  }
}
