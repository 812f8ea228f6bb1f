import assert from "node:assert/strict";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { parse } from "yaml";

import { readAppSettings } from "../../plugin/cmp/app-settings.js";
import { loadTenantPolicy } from "../../plugin/policy/load.js";
import { repoRoot } from "../support/paths.js";

// Checks cmp.yaml, the example Applications and the policy files against kreveal's own
// readers: the settings an Application passes must be ones that kreveal accepts without a
// warning, and the policy files must pass the policy loader's strict validation.

interface Announcement {
  name: string;
  title?: string;
  tooltip?: string;
  collectionType?: string;
  itemType?: string;
  string?: string;
}

interface PluginConfig {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown> & {
    parameters: { static: Announcement[] };
  };
}

interface Application {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string };
  spec: {
    project: string;
    source: {
      repoURL: string;
      path: string;
      plugin: {
        name: string;
        parameters?: { name: string; string?: string; array?: string[] }[];
        env?: { name: string; value: string }[];
      };
    };
    destination: { server?: string; name?: string; namespace: string };
  };
}

function readYaml(relative: string): unknown {
  return parse(readFileSync(path.join(repoRoot, relative), "utf8"));
}

const pluginConfig = readYaml("cmp.yaml") as PluginConfig;

const applicationFiles = readdirSync(path.join(repoRoot, "examples/argocd"))
  .filter((name) => /^application-.*\.yaml$/.test(name))
  .sort();

/**
 * Builds the variables that Argo CD's repo-server gives the plugin for `application`:
 * ARGOCD_APP_PARAMETERS (the parameters as JSON) and one ARGOCD_ENV_<name> per env entry.
 */
function pluginEnv(application: Application): NodeJS.ProcessEnv {
  const plugin = application.spec.source.plugin;
  const env: NodeJS.ProcessEnv = {
    ARGOCD_APP_NAME: application.metadata.name,
    ARGOCD_APP_PROJECT_NAME: application.spec.project,
    ARGOCD_APP_PARAMETERS: JSON.stringify(plugin.parameters ?? null),
  };
  for (const variable of plugin.env ?? []) {
    env[`ARGOCD_ENV_${variable.name}`] = variable.value;
  }
  return env;
}

test("cmp.yaml is a CMP v2 sidecar config", () => {
  assert.equal(pluginConfig.apiVersion, "argoproj.io/v1alpha1");
  assert.equal(pluginConfig.kind, "ConfigManagementPlugin");
  assert.equal(pluginConfig.metadata.name, "kreveal");
  assert.deepEqual(pluginConfig.spec.init, { command: ["kreveal", "cmp", "init"] });
  assert.deepEqual(pluginConfig.spec.generate, { command: ["kreveal", "cmp", "generate"] });
  assert.deepEqual(pluginConfig.spec.discover, { find: { command: ["kreveal", "cmp", "discover"] } });
});

test("cmp.yaml lacks version, argocd-cm fields", () => {
  // spec.version would rename the plugin to kreveal-<version>. lockRepo and allowConcurrency
  // belong to the removed argocd-cm plugins, and the sidecar ignores them.
  for (const field of ["version", "lockRepo", "allowConcurrency"]) {
    assert.ok(!(field in pluginConfig.spec), `cmp.yaml sets spec.${field}`);
  }
});

test("cmp.yaml announces every Application setting", () => {
  const announced = pluginConfig.spec.parameters.static;

  assert.deepEqual(
    announced.map((parameter) => parameter.name),
    ["source", "values-files", "release-name", "allow-empty"],
  );
  for (const parameter of announced) {
    assert.ok((parameter.title ?? "") !== "", `${parameter.name} has a title`);
    assert.ok((parameter.tooltip ?? "") !== "", `${parameter.name} has a tooltip`);
  }
  assert.equal(announced[1]?.collectionType, "array");
  assert.equal(announced[1]?.itemType, "string");
});

test("cmp.yaml announcements match kreveal's parameter types", () => {
  for (const parameter of pluginConfig.spec.parameters.static) {
    const sample = parameter.collectionType === "array" ? { name: parameter.name, array: ["values.yaml"] } : { name: parameter.name, string: parameter.string ?? "web" };
    const result = readAppSettings({ ARGOCD_APP_PARAMETERS: JSON.stringify([sample]) });

    assert.deepEqual(result.warnings, [], `kreveal accepts parameter ${parameter.name} as announced`);
  }
});

test("cmp.yaml defaults are kreveal's defaults", () => {
  const defaults = readAppSettings({}).settings;
  const announced = new Map(pluginConfig.spec.parameters.static.map((parameter) => [parameter.name, parameter.string]));

  assert.equal(announced.get("source"), defaults.source);
  assert.equal(announced.get("allow-empty"), String(defaults.allowEmpty));
});

test("example Applications exist", () => {
  assert.deepEqual(applicationFiles, ["application-directory.yaml", "application-helm.yaml", "application-kustomize.yaml"]);
});

for (const file of applicationFiles) {
  test(`${file} names the kreveal plugin`, () => {
    const application = readYaml(`examples/argocd/${file}`) as Application;

    assert.equal(application.apiVersion, "argoproj.io/v1alpha1");
    assert.equal(application.kind, "Application");
    assert.equal(application.metadata.namespace, "argocd");
    assert.equal(application.spec.source.plugin.name, pluginConfig.metadata.name);
    assert.notEqual(application.spec.destination.namespace, "");
  });

  test(`${file} settings pass kreveal without warnings`, () => {
    const application = readYaml(`examples/argocd/${file}`) as Application;
    const result = readAppSettings(pluginEnv(application));

    assert.deepEqual(result.warnings, []);
  });

  test(`${file} points at an example app`, () => {
    const application = readYaml(`examples/argocd/${file}`) as Application;
    const appFolder = path.join(repoRoot, application.spec.source.path);
    const settings = readAppSettings(pluginEnv(application)).settings;

    assert.match(application.spec.source.path, /^examples\/argocd\/apps\/[a-z-]+$/);
    assert.ok(statSync(appFolder, { throwIfNoEntry: false })?.isDirectory(), `${application.spec.source.path} is a folder`);
    for (const valuesFile of settings.valuesFiles) {
      assert.ok(statSync(path.join(appFolder, valuesFile), { throwIfNoEntry: false })?.isFile(), `values file ${valuesFile} exists in ${application.spec.source.path}`);
    }
  });

  test(`${file} project is in the example policy`, () => {
    const application = readYaml(`examples/argocd/${file}`) as Application;
    const policy = loadTenantPolicy(path.join(repoRoot, "examples/argocd/policy.yaml"));

    assert.ok(policy.projects.has(application.spec.project), `project ${application.spec.project} has rules in examples/argocd/policy.yaml`);
  });
}

test("example policy lists two projects", () => {
  const policy = loadTenantPolicy(path.join(repoRoot, "examples/argocd/policy.yaml"));

  assert.deepEqual([...policy.projects.keys()].sort(), ["team-a", "team-b"]);
  assert.deepEqual(policy.projects.get("team-a")?.backends.get("vault")?.paths, ["secret/data/team-a"]);
  assert.equal(policy.projects.get("team-b")?.backends.has("vault"), false);
});

test("install overlay policy denies every project", () => {
  const policy = loadTenantPolicy(path.join(repoRoot, "deploy/argocd/tenant-policy.yaml"));

  assert.equal(policy.projects.size, 0);
});
