/**
 * Checks a Secret data key the way the Kubernetes API server does (IsConfigMapKey in
 * k8s.io/apimachinery): at most 253 characters from `[-._a-zA-Z0-9]`, and not `.`, `..` or
 * anything starting with `..`. Returns the reason the key is invalid, or undefined when it is valid.
 */
export function secretKeyProblem(key: string): string | undefined {
  if (key === "") {
    return "is empty";
  }
  if (key.length > 253) {
    return `is ${key.length} characters long; the maximum is 253`;
  }
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) {
    return "may contain only letters, digits, '-', '_' and '.'";
  }
  if (key === "." || key === ".." || key.startsWith("..")) {
    return "must not be '.' or '..' or start with '..'";
  }
  return undefined;
}
