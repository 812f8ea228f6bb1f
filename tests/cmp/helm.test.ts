// helm cannot be installed on the test machines (no network to get.helm.sh), so these tests run
// templateChart against a fake `helm` shell script on PATH. The fake records its arguments and
// what it reads from the /dev/fd/N values files, and prints a fixed helm-style output.
import assert from "node:assert/strict";
import { copyFileSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";

import { parse } from "yaml";

import { Deadline } from "../../plugin/cmp/budget.js";
import { templateChart, type HelmOptions } from "../../plugin/cmp/helm.js";
import { KrevealError } from "../../plugin/errors.js";
import { waitForExit } from "../render/support.js";
import { fixture, tempDir, useTestKeys } from "../support/paths.js";
import { VaultTestServer } from "../support/vault-server.js";
import { captureStderr, chartRepo, fakeHelm, identity, listFiles, recordedLines, recordedTemplateOutput, recordedText, settings, type ChartRepo } from "./helm-support.js";

const token = "hvs.helm-values-test-token";
const vaultPassword = "vault-db-password-for-tests";
let server: VaultTestServer | undefined;

before(async () => {
  useTestKeys();
  delete process.env.KREVEAL_POLICY_FILE;
  server = await VaultTestServer.start();
  server.namespace().mountKv("secret", 2).addToken(token).write("secret/team-a/db", { password: vaultPassword, port: "5432" });
  process.env.VAULT_ADDR = server.url;
  process.env.VAULT_TOKEN = token;
});

after(async () => {
  await server?.close();
});

const prodValues = `# Production values; the password comes from Vault.
replicaCount: 3
enabled: yes
database:
  password: <vault:secret/data/team-a/db#password>
  port: "<vault:secret/data/team-a/db#port>"
`;

function options(repo: ChartRepo, env: NodeJS.ProcessEnv, overrides: Partial<HelmOptions> = {}): HelmOptions {
  return {
    appDir: repo.appDir,
    repoRoot: repo.root,
    app: identity(),
    settings: settings(),
    env,
    deadline: new Deadline(30),
    ...overrides,
  };
}

function helmEnv(bin: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`, KREVEAL_TEST_OUTPUT: recordedTemplateOutput, ...extra };
}

async function expectError(promise: Promise<unknown>): Promise<KrevealError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof KrevealError, `expected a KrevealError, got ${String(error)}`);
    return error;
  }
  assert.fail("templateChart succeeded but was expected to fail");
}

test("helm argv: name, namespace, versions, values", async () => {
  const repo = chartRepo();
  writeFileSync(path.join(repo.appDir, "values-prod.yaml"), prodValues);
  const { bin, records } = fakeHelm();
  const app = identity({ kubeVersion: "1.29.3", kubeApiVersions: ["apps/v1", "apps/v1/Deployment", "monitoring.coreos.com/v1"] });

  const { result, error } = await captureStderr(() => templateChart(options(repo, helmEnv(bin), { app, settings: settings({ valuesFiles: ["values-prod.yaml"] }) })));
  assert.equal(error, undefined);

  assert.deepEqual(recordedLines(records, "args"), [
    "template",
    "hello",
    ".",
    "--namespace",
    "team-a",
    "--include-crds",
    "--kube-version",
    "1.29.3",
    "--api-versions",
    "apps/v1",
    "--api-versions",
    "apps/v1/Deployment",
    "--api-versions",
    "monitoring.coreos.com/v1",
    "--values",
    "/dev/fd/3",
    "--values",
    "/dev/fd/4",
  ]);
  assert.deepEqual(recordedLines(records, "cwd"), [repo.appDir]);
  assert.ok(result !== undefined);
  assert.equal(result.length, 2);
  assert.deepEqual(
    result.map((document) => document.get("kind")),
    ["Service", "Deployment"],
  );
});

test("helm argv: release name, no flags", async () => {
  const repo = chartRepo();
  const { bin, records } = fakeHelm();
  const app = identity({ namespace: "" });

  const { error } = await captureStderr(() => templateChart(options(repo, helmEnv(bin), { app, settings: settings({ releaseName: "web.prod-1" }) })));
  assert.equal(error, undefined);

  assert.deepEqual(recordedLines(records, "args"), ["template", "web.prod-1", ".", "--include-crds", "--values", "/dev/fd/3"]);
});

test("values passed resolved, ordered, piped", async () => {
  const repo = chartRepo();
  writeFileSync(path.join(repo.appDir, "values-prod.yaml"), prodValues);
  writeFileSync(path.join(repo.appDir, "values-extra.yaml"), "extra: plain\n");
  const { bin, records } = fakeHelm();
  const valuesFiles = ["values-prod.yaml", "./values.yaml", "values-extra.yaml"];

  const { error } = await captureStderr(() => templateChart(options(repo, helmEnv(bin), { settings: settings({ valuesFiles }) })));
  assert.equal(error, undefined);

  // values.yaml comes first and its repeat in values-files is left out.
  assert.deepEqual(recordedLines(records, "args")?.slice(-6), ["--values", "/dev/fd/3", "--values", "/dev/fd/4", "--values", "/dev/fd/5"]);
  assert.deepEqual(recordedLines(records, "kinds"), ["pipe", "pipe", "pipe"]);

  const chartValues = parse(recordedText(records, "values-1")) as { service: { targetPort: number } };
  assert.equal(chartValues.service.targetPort, 8081);

  const prod = recordedText(records, "values-2");
  const parsedProd = parse(prod, { version: "1.1" }) as { replicaCount: number; enabled: boolean; database: { password: string; port: string } };
  assert.equal(parsedProd.database.password, vaultPassword);
  assert.equal(parsedProd.database.port, "5432");
  assert.equal(parsedProd.replicaCount, 3);
  // helm reads values as YAML 1.1, where an unquoted yes is a boolean; it must stay unquoted.
  assert.equal(parsedProd.enabled, true);
  assert.match(prod, /^enabled: yes$/m);
  assert.match(prod, /^# Production values; the password comes from Vault\.$/m);
  assert.doesNotMatch(prod, /<vault:/);

  assert.deepEqual(parse(recordedText(records, "values-3")), { extra: "plain" });
  assert.ok(server?.requests.some((request) => request.path === "secret/data/team-a/db" && request.status === 200));
});

test("YAML 1.1 non-string values quoted", async () => {
  const repo = chartRepo();
  server?.namespace().write("secret/team-a/flags", { pin: "0123", answer: "on" });
  writeFileSync(path.join(repo.appDir, "values-flags.yaml"), "pin: <vault:secret/data/team-a/flags#pin>\nanswer: <vault:secret/data/team-a/flags#answer>\n");
  const { bin, records } = fakeHelm();

  const { error } = await captureStderr(() => templateChart(options(repo, helmEnv(bin), { settings: settings({ valuesFiles: ["values-flags.yaml"] }) })));
  assert.equal(error, undefined);

  const flags = parse(recordedText(records, "values-2"), { version: "1.1" }) as Record<string, unknown>;
  assert.equal(flags.pin, "0123");
  assert.equal(flags.answer, "on");
});

test("values passed as /dev/fd paths", async () => {
  const repo = chartRepo();
  writeFileSync(path.join(repo.appDir, "values-prod.yaml"), prodValues);
  const before = listFiles(repo.outside);
  const { bin, records } = fakeHelm();

  const { error } = await captureStderr(() => templateChart(options(repo, helmEnv(bin), { settings: settings({ valuesFiles: ["values-prod.yaml"] }) })));
  assert.equal(error, undefined);

  assert.deepEqual(listFiles(repo.outside), before);
  assert.deepEqual(recordedLines(records, "kinds"), ["pipe", "pipe"]);
  const valuesArgs = (recordedLines(records, "args") ?? []).filter((arg) => arg.startsWith("/"));
  assert.deepEqual(valuesArgs, ["/dev/fd/3", "/dev/fd/4"]);
});

test("SOPS values decrypted in memory", async () => {
  const repo = chartRepo();
  copyFileSync(fixture("sops/_history/pr-1031-0b07dfbc5/example.yaml"), path.join(repo.appDir, "secrets.enc.yaml"));
  const { bin, records } = fakeHelm();

  const { error } = await captureStderr(() => templateChart(options(repo, helmEnv(bin), { settings: settings({ valuesFiles: ["secrets.enc.yaml"] }) })));
  assert.equal(error, undefined);

  const secrets = recordedText(records, "values-2");
  const parsed = parse(secrets) as { myapp1: string; app2: { db: { user: string } } };
  assert.equal(parsed.myapp1, "t00m4nys3cr3tzupdated");
  assert.equal(parsed.app2.db.user, "eve");
  assert.doesNotMatch(secrets, /ENC\[AES256_GCM|^sops:/m);
});

test("helm exit 1 is TOOL_FAILED", async () => {
  const repo = chartRepo();
  const { bin } = fakeHelm("echo 'Error: template: hello-world/templates/service.yaml:7:3: bad value' >&2\nexit 1\n");

  const { error, stderr } = await captureStderr(() => templateChart(options(repo, helmEnv(bin))));

  assert.ok(error instanceof KrevealError);
  assert.equal(error.code, "TOOL_FAILED");
  assert.match(error.message, /helm template failed with exit status 1/);
  assert.match(stderr, /^Error: template: hello-world\/templates\/service\.yaml:7:3: bad value$/m);
});

test("KREVEAL_HELM names the helm program", async () => {
  const repo = chartRepo();
  const { records, program } = fakeHelm(undefined, "helm-3.16");
  const env = { PATH: process.env.PATH ?? "", KREVEAL_TEST_OUTPUT: recordedTemplateOutput, KREVEAL_HELM: program };

  const { error } = await captureStderr(() => templateChart(options(repo, env)));
  assert.equal(error, undefined);
  assert.equal(recordedLines(records, "args")?.[0], "template");
});

test("KREVEAL_HELM relative path is rejected", async () => {
  const repo = chartRepo();
  const error = await expectError(templateChart(options(repo, { PATH: process.env.PATH ?? "", KREVEAL_HELM: "bin/helm" })));
  assert.equal(error.code, "CONFIG_INVALID");
  assert.equal(error.location, "KREVEAL_HELM");
});

test("missing helm is TOOL_FAILED", async () => {
  const repo = chartRepo();
  const error = await expectError(templateChart(options(repo, { PATH: tempDir("kreveal-empty-bin-") })));
  assert.equal(error.code, "TOOL_FAILED");
  assert.match(error.message, /helm template could not be started \(ENOENT\)/);
});

test("outside values file is PATH_OUTSIDE_ROOT", async () => {
  const repo = chartRepo();
  writeFileSync(path.join(repo.outside, "stolen.yaml"), "token: from-outside\n");
  const { bin, records } = fakeHelm();

  const error = await expectError(templateChart(options(repo, helmEnv(bin), { settings: settings({ valuesFiles: ["../../../stolen.yaml"] }) })));

  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.match(error.location ?? "", /values-files\[0\] "\.\.\/\.\.\/\.\.\/stolen\.yaml"/);
  assert.equal(recordedLines(records, "args"), undefined);
});

test("escaping values symlink is PATH_OUTSIDE_ROOT", async () => {
  const repo = chartRepo();
  writeFileSync(path.join(repo.outside, "stolen.yaml"), "token: from-outside\n");
  symlinkSync(path.join(repo.outside, "stolen.yaml"), path.join(repo.appDir, "values-link.yaml"));
  const { bin, records } = fakeHelm();

  const error = await expectError(templateChart(options(repo, helmEnv(bin), { settings: settings({ valuesFiles: ["values-link.yaml"] }) })));

  assert.equal(error.code, "PATH_OUTSIDE_ROOT");
  assert.match(error.message, /symbolic link/);
  assert.equal(recordedLines(records, "args"), undefined);
});

test("missing placeholder key names file", async () => {
  const repo = chartRepo();
  writeFileSync(path.join(repo.appDir, "values-prod.yaml"), "password: <vault:secret/data/team-a/db#nope>\n");
  const { bin, records } = fakeHelm();

  const error = await expectError(templateChart(options(repo, helmEnv(bin), { settings: settings({ valuesFiles: ["values-prod.yaml"] }) })));

  assert.equal(error.code, "PLACEHOLDER_MISSING");
  assert.match(error.describe(), /values-files\[0\] "values-prod\.yaml"/);
  assert.doesNotMatch(error.describe(), new RegExp(vaultPassword));
  assert.equal(recordedLines(records, "args"), undefined);
});

test("non-map values are INPUT_MALFORMED", async () => {
  const repo = chartRepo();
  writeFileSync(path.join(repo.appDir, "values-list.yaml"), "- a\n- b\n");
  writeFileSync(path.join(repo.appDir, "values-two.yaml"), "a: 1\n---\nb: 2\n");
  const { bin } = fakeHelm();

  for (const file of ["values-list.yaml", "values-two.yaml"]) {
    const error = await expectError(templateChart(options(repo, helmEnv(bin), { settings: settings({ valuesFiles: [file] }) })));
    assert.equal(error.code, "INPUT_MALFORMED", file);
    assert.match(error.location ?? "", new RegExp(file.replace(".", "\\.")), file);
  }
});

test("invalid release name is CONFIG_INVALID", async () => {
  const repo = chartRepo();
  const { bin, records } = fakeHelm();

  for (const releaseName of ["--post-renderer=/bin/sh", "Upper", "a".repeat(54)]) {
    const error = await expectError(templateChart(options(repo, helmEnv(bin), { settings: settings({ releaseName }) })));
    assert.equal(error.code, "CONFIG_INVALID", releaseName);
    assert.equal(error.location, "release-name", releaseName);
  }
  const unnamed = await expectError(templateChart(options(repo, helmEnv(bin), { app: identity({ name: "" }) })));
  assert.equal(unnamed.code, "CONFIG_INVALID");
  assert.equal(recordedLines(records, "args"), undefined);
});

test("timeout kills helm and is TIMEOUT", async () => {
  const repo = chartRepo();
  const pidFile = path.join(tempDir("kreveal-helm-pids-"), "pids");
  const { bin } = fakeHelm(`echo $$ > '${pidFile}'\nsleep 30 &\necho $! >> '${pidFile}'\nwait\n`);

  const started = Date.now();
  const { error } = await captureStderr(() => templateChart(options(repo, helmEnv(bin), { deadline: new Deadline(1) })));

  assert.ok(error instanceof KrevealError);
  assert.equal(error.code, "TIMEOUT");
  assert.match(error.message, /generate did not finish within 1 s/);
  assert.match(error.message, /helm template/);
  assert.ok(Date.now() - started < 10_000);
  for (const pid of readFileSync(pidFile, "utf8").trim().split("\n").map(Number)) {
    assert.ok(await waitForExit(pid, 5_000), `process ${pid} still runs`);
  }
});
