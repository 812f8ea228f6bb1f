import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { readAppIdentity, readAppSettings } from "../../plugin/cmp/app-settings.js";
import { childEnvironment } from "../../plugin/cmp/child-env.js";
import { KrevealError } from "../../plugin/errors.js";

const defaults = { source: "auto", valuesFiles: [], releaseName: undefined, allowEmpty: false };

function parameters(...items: unknown[]): string {
  return JSON.stringify(items);
}

function configInvalid(pattern: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof KrevealError);
    assert.equal(error.code, "CONFIG_INVALID");
    assert.match(error.describe(), pattern);
    return true;
  };
}

describe("ARGOCD_APP_PARAMETERS", () => {
  test("absent or empty gives defaults", () => {
    for (const value of [undefined, "", "null", "[]", " null "]) {
      const env = value === undefined ? {} : { ARGOCD_APP_PARAMETERS: value };
      const { settings, warnings } = readAppSettings(env);
      assert.deepEqual(settings, defaults, String(value));
      assert.deepEqual(warnings, [], String(value));
    }
  });

  test("invalid JSON is CONFIG_INVALID", () => {
    assert.throws(() => readAppSettings({ ARGOCD_APP_PARAMETERS: "[{" }), configInvalid(/the parameter list is not valid JSON/));
  });

  test("non-array JSON is CONFIG_INVALID", () => {
    assert.throws(() => readAppSettings({ ARGOCD_APP_PARAMETERS: '{"name":"source"}' }), configInvalid(/is not a JSON array/));
  });

  test("malformed items are CONFIG_INVALID", () => {
    const cases: [unknown[], RegExp][] = [
      [["source"], /item 0 is not an object/],
      [[{ string: "helm" }], /item 0 has no name/],
      [[{ name: "source" }], /exactly one of string, array or map/],
      [[{ name: "source", string: "helm", array: ["x"] }], /exactly one of string, array or map/],
      [[{ name: "source", string: 3 }], /string field of the wrong JSON type/],
      [[{ name: "values-files", array: ["a", 1] }], /array field of the wrong JSON type/],
      [[{ name: "source", string: "helm" }, { name: "source", string: "kustomize" }], /names parameter "source" more than once/],
    ];
    for (const [items, pattern] of cases) {
      assert.throws(() => readAppSettings({ ARGOCD_APP_PARAMETERS: parameters(...items) }), configInvalid(pattern), JSON.stringify(items));
    }
  });

  test("each setting from a parameter", () => {
    const env = {
      ARGOCD_APP_PARAMETERS: parameters(
        { name: "source", string: "helm" },
        { name: "values-files", array: ["values-prod.yaml", "env/extra.yaml"] },
        { name: "release-name", string: "my-release" },
        { name: "allow-empty", string: "true" },
      ),
    };
    const { settings, warnings } = readAppSettings(env);
    assert.deepEqual(settings, { source: "helm", valuesFiles: ["values-prod.yaml", "env/extra.yaml"], releaseName: "my-release", allowEmpty: true });
    assert.deepEqual(warnings, []);
  });

  test("unknown parameter warned by name", () => {
    const { settings, warnings } = readAppSettings({ ARGOCD_APP_PARAMETERS: parameters({ name: "vault-token", string: "hvs.secret-token" }) });
    assert.deepEqual(settings, defaults);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? "", /^ignored parameter "vault-token": not a kreveal parameter \(parameters: source, values-files, release-name, allow-empty\)$/);
    assert.doesNotMatch(warnings.join("\n"), /hvs\.secret-token/);
  });

  test("wrong parameter type warned, ignored", () => {
    const env = {
      ARGOCD_APP_PARAMETERS: parameters({ name: "source", array: ["helm"] }, { name: "values-files", string: "a.yaml" }, { name: "allow-empty", map: { x: "y" } }),
      ARGOCD_ENV_KREVEAL_SOURCE: "directory",
    };
    const { settings, warnings } = readAppSettings(env);
    assert.deepEqual(warnings, [
      'ignored parameter "source": it must be a string, not an array',
      'ignored parameter "values-files": it must be an array, not a string',
      'ignored parameter "allow-empty": it must be a string, not a map',
    ]);
    // The ignored parameter does not hide the variable of the same setting.
    assert.equal(settings.source, "directory");
    assert.deepEqual(settings.valuesFiles, []);
  });

  test("empty string parameter counts as unset", () => {
    const { settings } = readAppSettings({ ARGOCD_APP_PARAMETERS: parameters({ name: "source", string: "" }), ARGOCD_ENV_KREVEAL_SOURCE: "helm" });
    assert.equal(settings.source, "helm");
  });
});

describe("ARGOCD_ENV_ settings", () => {
  test("each setting from a variable", () => {
    const env = {
      ARGOCD_ENV_KREVEAL_SOURCE: "kustomize",
      ARGOCD_ENV_KREVEAL_VALUES_FILES: " values-a.yaml, ,sub/values-b.yaml,",
      ARGOCD_ENV_KREVEAL_RELEASE_NAME: "web.v2",
      ARGOCD_ENV_KREVEAL_ALLOW_EMPTY: "false",
    };
    const { settings, warnings } = readAppSettings(env);
    assert.deepEqual(settings, { source: "kustomize", valuesFiles: ["values-a.yaml", "sub/values-b.yaml"], releaseName: "web.v2", allowEmpty: false });
    assert.deepEqual(warnings, []);
  });

  test("parameter wins over variable", () => {
    const env = {
      ARGOCD_APP_PARAMETERS: parameters({ name: "source", string: "directory" }, { name: "values-files", array: ["p.yaml"] }),
      ARGOCD_ENV_KREVEAL_SOURCE: "helm",
      ARGOCD_ENV_KREVEAL_VALUES_FILES: "e.yaml",
      ARGOCD_ENV_KREVEAL_ALLOW_EMPTY: "true",
    };
    const { settings } = readAppSettings(env);
    assert.equal(settings.source, "directory");
    assert.deepEqual(settings.valuesFiles, ["p.yaml"]);
    assert.equal(settings.allowEmpty, true);
  });

  test("empty variable counts as unset", () => {
    const { settings, warnings } = readAppSettings({ ARGOCD_ENV_KREVEAL_SOURCE: "", ARGOCD_ENV_KREVEAL_ALLOW_EMPTY: "" });
    assert.deepEqual(settings, defaults);
    assert.deepEqual(warnings, []);
  });

  test("PARAM_ copies are ignored", () => {
    const { settings, warnings } = readAppSettings({ PARAM_SOURCE: "helm", PARAM_VALUES_FILES_0: "x.yaml" });
    assert.deepEqual(settings, defaults);
    assert.deepEqual(warnings, []);
  });

  test("denied families warned by name only", () => {
    const names = [
      "VAULT_ADDR",
      "VAULT_TOKEN",
      "KREVEAL_POLICY_FILE",
      "KREVEAL_CMP_ENABLE_EXEC",
      "SOPS_AGE_KEY",
      "AWS_SECRET_ACCESS_KEY",
      "GOOGLE_APPLICATION_CREDENTIALS",
      "AZURE_CLIENT_SECRET",
      "AVP_TYPE",
      "KUSTOMIZE_PLUGIN_HOME",
      "HELM_PLUGINS",
      "GNUPGHOME",
      "HOME",
      "PATH",
      "NODE_OPTIONS",
    ];
    const env = Object.fromEntries(names.map((name, index) => [`ARGOCD_ENV_${name}`, `value-${index}-must-not-show`]));
    const { settings, warnings } = readAppSettings(env);

    assert.deepEqual(settings, defaults);
    assert.equal(warnings.length, names.length);
    for (const name of names) {
      assert.ok(
        warnings.includes(`ignored ARGOCD_ENV_${name}: ${name} may be set only in the sidecar's own environment, not by an Application`),
        `no warning for ${name}: ${warnings.join("\n")}`,
      );
    }
    assert.doesNotMatch(warnings.join("\n"), /must-not-show/);
  });

  test("other variables are not kreveal settings", () => {
    const { warnings } = readAppSettings({ ARGOCD_ENV_helm_args: "--set a=b", ARGOCD_ENV_kreveal_source: "helm", ARGOCD_ENV_vault_addr: "x" });
    const settingsList = "KREVEAL_SOURCE, KREVEAL_VALUES_FILES, KREVEAL_RELEASE_NAME, KREVEAL_ALLOW_EMPTY";
    assert.deepEqual([...warnings].sort(), [
      `ignored ARGOCD_ENV_helm_args: not a kreveal setting (settings: ${settingsList})`,
      `ignored ARGOCD_ENV_kreveal_source: not a kreveal setting (settings: ${settingsList}; names are case-sensitive)`,
      `ignored ARGOCD_ENV_vault_addr: not a kreveal setting (settings: ${settingsList})`,
    ]);
    assert.doesNotMatch(warnings.join("\n"), /--set/);
  });
});

describe("setting validation", () => {
  test("invalid source", () => {
    assert.throws(() => readAppSettings({ ARGOCD_ENV_KREVEAL_SOURCE: "kustomise" }), configInvalid(/^ARGOCD_ENV_KREVEAL_SOURCE: is "kustomise", not one of auto, kustomize, helm, directory/));
    assert.throws(() => readAppSettings({ ARGOCD_APP_PARAMETERS: parameters({ name: "source", string: "Helm" }) }), configInvalid(/parameter "source"/));
  });

  test("invalid allow-empty", () => {
    for (const value of ["yes", "TRUE", "1"]) {
      assert.throws(() => readAppSettings({ ARGOCD_ENV_KREVEAL_ALLOW_EMPTY: value }), configInvalid(/ARGOCD_ENV_KREVEAL_ALLOW_EMPTY: .*not true or false/), value);
    }
    assert.throws(() => readAppSettings({ ARGOCD_APP_PARAMETERS: parameters({ name: "allow-empty", string: "on" }) }), configInvalid(/parameter "allow-empty"/));
  });

  test("invalid release name", () => {
    for (const value of ["--post-renderer=/bin/sh", "My_Release", "a".repeat(54), "-x", "web."]) {
      assert.throws(() => readAppSettings({ ARGOCD_ENV_KREVEAL_RELEASE_NAME: value }), configInvalid(/not a valid Helm release name/), value);
    }
    assert.throws(() => readAppSettings({ ARGOCD_APP_PARAMETERS: parameters({ name: "release-name", string: "UPPER" }) }), configInvalid(/parameter "release-name"/));
  });

  test("invalid values files", () => {
    const cases: [string[], RegExp][] = [
      [["--set-file=x"], /entry 0 .* starts with "-"/],
      [["ok.yaml", "https://example.com/values.yaml"], /entry 1 .* is a URL/],
      [["/etc/passwd"], /entry 0 .* is not a relative path/],
      [["a.yaml", ""], /entry 1 is empty/],
    ];
    for (const [files, pattern] of cases) {
      assert.throws(() => readAppSettings({ ARGOCD_APP_PARAMETERS: parameters({ name: "values-files", array: files }) }), configInvalid(pattern), files.join(","));
    }
    assert.throws(() => readAppSettings({ ARGOCD_ENV_KREVEAL_VALUES_FILES: "a.yaml,-f" }), configInvalid(/ARGOCD_ENV_KREVEAL_VALUES_FILES: entry 1/));
  });
});

describe("app identity", () => {
  test("reads every variable", () => {
    const identity = readAppIdentity({
      ARGOCD_APP_NAME: "web",
      ARGOCD_APP_NAMESPACE: "team-a",
      ARGOCD_APP_PROJECT_NAME: "proj-a",
      ARGOCD_APP_SOURCE_PATH: "apps/web",
      KUBE_VERSION: "1.29.3",
      KUBE_API_VERSIONS: "apps/v1,,v1, batch/v1/Job ,",
    });
    assert.deepEqual(identity, {
      name: "web",
      namespace: "team-a",
      project: "proj-a",
      sourcePath: "apps/web",
      kubeVersion: "1.29.3",
      kubeApiVersions: ["apps/v1", "v1", "batch/v1/Job"],
    });
  });

  test("missing variables are empty", () => {
    assert.deepEqual(readAppIdentity({}), { name: "", namespace: "", project: "", sourcePath: "", kubeVersion: "", kubeApiVersions: [] });
  });
});

describe("child environment", () => {
  test("drops the Application's settings", () => {
    const env = {
      PATH: "/usr/bin",
      VAULT_ADDR: "https://vault.example",
      ARGOCD_APP_NAME: "web",
      ARGOCD_APP_PROJECT_NAME: "proj-a",
      ARGOCD_APP_PARAMETERS: "[]",
      ARGOCD_ENV_KREVEAL_SOURCE: "helm",
      ARGOCD_ENV_VAULT_ADDR: "https://evil.example",
      PARAM_SOURCE: "helm",
      PARAM_VALUES_FILES_0: "a.yaml",
      KREVEAL_REPO_ROOT: "/old",
    };
    const child = childEnvironment(env, { KREVEAL_REPO_ROOT: "/repo", KUSTOMIZE_PLUGIN_HOME: "/plugins" });
    assert.deepEqual(child, {
      PATH: "/usr/bin",
      VAULT_ADDR: "https://vault.example",
      ARGOCD_APP_NAME: "web",
      ARGOCD_APP_PROJECT_NAME: "proj-a",
      KREVEAL_REPO_ROOT: "/repo",
      KUSTOMIZE_PLUGIN_HOME: "/plugins",
    });
  });
});
