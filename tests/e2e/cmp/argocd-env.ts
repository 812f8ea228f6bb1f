/**
 * The environment that Argo CD's repo-server builds for a config management plugin's `init` and
 * `generate` commands (Argo CD 3.x, CMP v2 sidecar), rebuilt for tests. The rules follow
 * reposerver/repository/repository.go (newEnv, getPluginEnvs, getPluginParamEnvs) and the
 * Env.Envsubst and ApplicationSourcePluginParameters.Environ methods of the Application types.
 */

/** One entry of an Application's `spec.source.plugin.env`. */
export interface PluginEnvEntry {
  readonly name: string;
  readonly value: string;
}

/** One entry of `spec.source.plugin.parameters`: exactly one of string, array or map is set. */
export interface PluginParameter {
  readonly name: string;
  readonly string?: string;
  readonly array?: readonly string[];
  readonly map?: Readonly<Record<string, string>>;
}

/** An API resource served by the destination cluster, as discovery lists it. */
export interface ApiResource {
  /** The API group; empty for the core group. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
}

/** What the Application and its destination cluster contribute to the command's environment. */
export interface AppRequest {
  readonly appName: string;
  readonly namespace: string;
  readonly project: string;
  readonly revision: string;
  readonly repoUrl: string;
  readonly sourcePath: string;
  readonly targetRevision: string;
  /** The cluster version without build metadata, e.g. `1.29.3`; empty when unknown. */
  readonly kubeVersion: string;
  readonly apiResources: readonly ApiResource[];
  readonly pluginEnv: readonly PluginEnvEntry[];
  /** undefined means the Application sets no parameters (Argo CD then passes JSON `null`). */
  readonly parameters: readonly PluginParameter[] | undefined;
}

/**
 * Builds the request's variables in Argo CD's order. Go's exec keeps the last value of a repeated
 * name, so a caller that layers this list over the sidecar's own environment must apply the
 * entries in order.
 */
export function requestVariables(request: AppRequest): [string, string][] {
  const build: [string, string][] = [
    ["ARGOCD_APP_NAME", request.appName],
    ["ARGOCD_APP_NAMESPACE", request.namespace],
    ["ARGOCD_APP_PROJECT_NAME", request.project],
    ["ARGOCD_APP_REVISION", request.revision],
    ["ARGOCD_APP_REVISION_SHORT", request.revision.slice(0, 7)],
    ["ARGOCD_APP_REVISION_SHORT_8", request.revision.slice(0, 8)],
    ["ARGOCD_APP_SOURCE_REPO_URL", request.repoUrl],
    ["ARGOCD_APP_SOURCE_PATH", request.sourcePath],
    ["ARGOCD_APP_SOURCE_TARGET_REVISION", request.targetRevision],
    ["KUBE_VERSION", request.kubeVersion],
    ["KUBE_API_VERSIONS", apiVersionList(request.apiResources).join(",")],
  ];

  // Plugin env values are expanded against the variables above only, not against the sidecar's
  // environment and not against earlier plugin env entries.
  const lookup = new Map(build);
  const pluginEnv = request.pluginEnv.map((entry): [string, string] => [`ARGOCD_ENV_${entry.name}`, expandLikeGo(entry.value, lookup)]);

  return [...build, ...pluginEnv, ...parameterVariables(request.parameters)];
}

/**
 * Lists `group/version` and `group/version/Kind` for every resource, without repeats, sorted by
 * byte order. The core group's version is written alone (`v1`, `v1/Secret`), as Go's
 * GroupVersion.String() does.
 */
export function apiVersionList(resources: readonly ApiResource[]): string[] {
  const entries = new Set<string>();
  for (const resource of resources) {
    const groupVersion = resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
    entries.add(groupVersion);
    entries.add(`${groupVersion}/${resource.kind}`);
  }
  return [...entries].sort(compareBytes);
}

/**
 * Expands `$NAME` and `${NAME}` the way Go's os.Expand does with Argo CD's mapping: unknown
 * names become "", `$$` becomes `$`, a `$` followed by no name stays, and the invalid forms
 * `${}` and an unclosed `${` are dropped.
 */
export function expandLikeGo(text: string, variables: ReadonlyMap<string, string>): string {
  let output = "";
  let copiedUpTo = 0;

  for (let index = 0; index < text.length; index += 1) {
    if (text[index] !== "$" || index + 1 >= text.length) {
      continue;
    }
    output += text.slice(copiedUpTo, index);

    const [name, width] = shellName(text.slice(index + 1));
    if (name === "" && width === 0) {
      output += "$";
    } else if (name !== "") {
      output += name === "$" ? "$" : (variables.get(name) ?? "");
    }
    index += width;
    copiedUpTo = index + 1;
  }
  return output + text.slice(copiedUpTo);
}

/** Reads the variable name after a `$`; returns the name and how many characters it used. */
function shellName(rest: string): [string, number] {
  if (rest.startsWith("{")) {
    if (rest.length > 2 && isShellSpecial(rest.charAt(1)) && rest[2] === "}") {
      return [rest.charAt(1), 3];
    }
    const close = rest.indexOf("}", 1);
    if (close === 1) {
      return ["", 2];
    }
    return close === -1 ? ["", 1] : [rest.slice(1, close), close + 1];
  }

  if (isShellSpecial(rest.charAt(0))) {
    return [rest.charAt(0), 1];
  }
  const match = /^[A-Za-z0-9_]*/.exec(rest);
  const name = match?.[0] ?? "";
  return [name, name.length];
}

function isShellSpecial(character: string): boolean {
  return "*#$@!?-0123456789".includes(character) && character !== "";
}

/** ARGOCD_APP_PARAMETERS followed by the derived PARAM_ variables of each parameter. */
function parameterVariables(parameters: readonly PluginParameter[] | undefined): [string, string][] {
  const variables: [string, string][] = [["ARGOCD_APP_PARAMETERS", goJson(parameters ?? null)]];

  for (const parameter of parameters ?? []) {
    const base = `PARAM_${escapeParameterName(parameter.name)}`;
    if (parameter.string !== undefined) {
      variables.push([base, parameter.string]);
    }
    for (const [key, value] of Object.entries(parameter.map ?? {})) {
      variables.push([`${base}_${escapeParameterName(key)}`, value]);
    }
    (parameter.array ?? []).forEach((value, position) => variables.push([`${base}_${position}`, value]));
  }
  return variables;
}

/** Upper-cases the name and replaces every character outside [A-Z0-9_] with `_`. */
export function escapeParameterName(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9_]/g, "_");
}

/**
 * Serializes like Go's encoding/json: map keys sorted, and `<`, `>`, `&`, U+2028 and U+2029
 * escaped as \u sequences.
 */
export function goJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, inner: unknown) => (isPlainMap(inner) ? sortKeys(inner) : inner));
  return text.replace(/[<>&\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function sortKeys(map: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(map).sort(compareBytes).map((key) => [key, map[key]]));
}

function compareBytes(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, "utf8"), Buffer.from(right, "utf8"));
}
