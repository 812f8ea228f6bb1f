/**
 * A fake `helm` for the sidecar tests, because Helm cannot be installed where they run. It
 * accepts only `helm template RELEASE CHART [flags]`. It records its arguments and the content
 * of every `--values` file (kreveal passes them as /dev/fd/N pipes) as JSON in the file named by
 * FAKE_HELM_RECORD. Then it prints the hello-world chart of tests/fixtures/helm rendered for the
 * merged values.
 *
 * The rendering below is WRITTEN BY HAND from the chart's templates (deployment.yaml,
 * service.yaml, _helpers.tpl) and the example's secret.yaml. It was not recorded from a real
 * `helm template` run. Like helm, it starts from the chart's own values.yaml and merges each
 * --values file over it in order, and it sorts the output by helm's install order.
 */
import { appendFileSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { parse } from "yaml";

type Values = Record<string, unknown>;

interface Chart {
  readonly name: string;
  readonly version: string;
  readonly appVersion: string;
}

interface Invocation {
  readonly release: string;
  readonly chartDir: string;
  readonly valuesFiles: string[];
}

function main(args: readonly string[]): void {
  const invocation = parseInvocation(args);
  const valuesTexts = invocation.valuesFiles.map((file) => readFileSync(file, "utf8"));
  record({ argv: args, cwd: process.cwd(), values: valuesTexts });

  const chart = parse(readFileSync(path.join(invocation.chartDir, "Chart.yaml"), "utf8")) as Chart;
  const defaults = parse(readFileSync(path.join(invocation.chartDir, "values.yaml"), "utf8")) as Values;
  const values = valuesTexts.reduce<Values>((merged, text) => mergeValues(merged, (parse(text) ?? {}) as Values), defaults);

  const templates = readdirSync(path.join(invocation.chartDir, "templates")).filter((file) => !file.startsWith("_"));
  const rendered = templates.map((file) => renderTemplate(file, { release: invocation.release, chart, values }));
  rendered.sort((left, right) => installOrder.indexOf(left.kind) - installOrder.indexOf(right.kind));

  process.stdout.write(rendered.map((entry) => `---\n# Source: ${chart.name}/templates/${entry.file}\n${entry.text}`).join(""));
}

function parseInvocation(args: readonly string[]): Invocation {
  if (args.length < 3 || args[0] !== "template") {
    fail(`fake helm supports only "helm template RELEASE CHART ...", got: ${args.join(" ")}`);
  }
  const valuesFiles: string[] = [];
  for (let index = 3; index < args.length; index += 1) {
    if (args[index] === "--values" || args[index] === "-f") {
      valuesFiles.push(args[index + 1] ?? fail("--values needs a file"));
      index += 1;
    }
  }
  return { release: args[1], chartDir: args[2], valuesFiles };
}

function record(entry: unknown): void {
  const file = process.env.FAKE_HELM_RECORD;
  if (file !== undefined && file !== "") {
    appendFileSync(file, `${JSON.stringify(entry)}\n`);
  }
}

/** Merges maps recursively. Any other value of `override` replaces the base value. */
function mergeValues(base: Values, override: Values): Values {
  const merged: Values = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] = isMap(current) && isMap(value) ? mergeValues(current, value) : value;
  }
  return merged;
}

function isMap(value: unknown): value is Values {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The kinds of this chart in helm's install order (Secret, then Service, then Deployment). */
const installOrder = ["Secret", "ServiceAccount", "Service", "Deployment"];

interface Context {
  readonly release: string;
  readonly chart: Chart;
  readonly values: Values;
}

function renderTemplate(file: string, context: Context): { file: string; kind: string; text: string } {
  switch (file) {
    case "deployment.yaml":
      return { file, kind: "Deployment", text: renderDeployment(context) };
    case "service.yaml":
      return { file, kind: "Service", text: renderService(context) };
    case "secret.yaml":
      return { file, kind: "Secret", text: renderSecret(context) };
    default:
      return fail(`fake helm has no hand-written rendering of templates/${file}`);
  }
}

function renderDeployment({ release, chart, values }: Context): string {
  const image = values.image as Values;
  const tag = stringValue(image.tag) === "" ? chart.appVersion : stringValue(image.tag);
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${fullname(release, chart, values)}
  labels:
${labels(release, chart, values, 4)}
spec:
  replicas: ${stringValue(values.replicaCount)}
  selector:
    matchLabels:
${selectorLabels(release, chart, values, 6)}
  template:
    metadata:
      labels:
${selectorLabels(release, chart, values, 8)}
    spec:
      serviceAccountName: ${serviceAccountName(release, chart, values)}
      containers:
        - name: ${chart.name}
          image: "${stringValue(image.repository)}:${tag}"
          imagePullPolicy: ${stringValue(image.pullPolicy)}
          ports:
            - name: http
              containerPort: ${stringValue((values.deployment as Values).containerPort)}
              protocol: TCP
          livenessProbe:
            httpGet:
              path: /
              port: http
          readinessProbe:
            httpGet:
              path: /
              port: http
`;
}

function renderService({ release, chart, values }: Context): string {
  const service = values.service as Values;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${fullname(release, chart, values)}
  labels:
${labels(release, chart, values, 4)}
spec:
  type: ${stringValue(service.type)}
  ports:
    - port: ${stringValue(service.port)}
      targetPort: ${stringValue(service.targetPort)}
      protocol: TCP
      name: http
  selector:
${selectorLabels(release, chart, values, 4)}
`;
}

function renderSecret({ release, chart, values }: Context): string {
  const database = values.database as Values;
  return `apiVersion: v1
kind: Secret
metadata:
  name: ${fullname(release, chart, values)}-db
  labels:
${labels(release, chart, values, 4)}
type: Opaque
stringData:
  username: ${JSON.stringify(stringValue(database.username))}
  password: ${JSON.stringify(stringValue(database.password))}
  # Left in the template on purpose: kreveal resolves placeholders in helm's output as well.
  api-token: "<vault:secret/data/team-a/api#token>"
`;
}

/** hello-world.name */
function chartName(chart: Chart, values: Values): string {
  return (stringValue(values.nameOverride) || chart.name).slice(0, 63).replace(/-$/, "");
}

/** hello-world.fullname */
function fullname(release: string, chart: Chart, values: Values): string {
  if (stringValue(values.fullnameOverride) !== "") {
    return stringValue(values.fullnameOverride).slice(0, 63).replace(/-$/, "");
  }
  const name = stringValue(values.nameOverride) || chart.name;
  const full = release.includes(name) ? release : `${release}-${name}`;
  return full.slice(0, 63).replace(/-$/, "");
}

/** hello-world.serviceAccountName */
function serviceAccountName(release: string, chart: Chart, values: Values): string {
  const account = values.serviceAccount as Values;
  if (account.create === true) {
    return stringValue(account.name) || fullname(release, chart, values);
  }
  return stringValue(account.name) || "default";
}

/** hello-world.selectorLabels, indented */
function selectorLabels(release: string, chart: Chart, values: Values, indent: number): string {
  return indentLines([`app.kubernetes.io/name: ${chartName(chart, values)}`, `app.kubernetes.io/instance: ${release}`], indent);
}

/** hello-world.labels, indented */
function labels(release: string, chart: Chart, values: Values, indent: number): string {
  const lines = [`helm.sh/chart: ${`${chart.name}-${chart.version}`.replace(/\+/g, "_")}`];
  lines.push(`app.kubernetes.io/name: ${chartName(chart, values)}`, `app.kubernetes.io/instance: ${release}`);
  if (chart.appVersion !== "") {
    lines.push(`app.kubernetes.io/version: ${JSON.stringify(chart.appVersion)}`);
  }
  lines.push("app.kubernetes.io/managed-by: Helm");
  return indentLines(lines, indent);
}

function indentLines(lines: readonly string[], indent: number): string {
  return lines.map((line) => `${" ".repeat(indent)}${line}`).join("\n");
}

function stringValue(value: unknown): string {
  if (value === undefined || value === null) {
    return "";
  }
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean" ? String(value) : JSON.stringify(value);
}

function fail(message: string): never {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
}

main(process.argv.slice(2));
