/** Line length of the base64 text that kustomize's built-in secretGenerator writes. */
const kustomizeLineLength = 70;

/**
 * Encodes a Secret value as kustomize's built-in secretGenerator does (kustomize v5.5,
 * kyaml/yaml/datamap.go). The text is standard base64. When it is 70 characters or longer, a `\n`
 * follows every 70 characters and the last line. kustomize hashes `data` as text, so this keeps
 * the name suffix equal to the built-in's for the same content. The API server decodes `data`
 * with Go's base64 decoder, which ignores line breaks.
 */
export function kustomizeBase64(value: Uint8Array): string {
  const encoded = Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (encoded.length < kustomizeLineLength) {
    return encoded;
  }

  let wrapped = "";
  for (let start = 0; start < encoded.length; start += kustomizeLineLength) {
    wrapped += `${encoded.slice(start, start + kustomizeLineLength)}\n`;
  }
  return wrapped;
}
