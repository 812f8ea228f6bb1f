/** The sidecar stand-in's own rules: Argo CD's environment for plugin commands and its output parsing. */
import assert from "node:assert/strict";
import { test } from "node:test";

import { apiVersionList, escapeParameterName, expandLikeGo, goJson, requestVariables } from "./argocd-env.js";
import { parseArgoManifests } from "./manifests.js";
import { commandEnvironment } from "./sidecar.js";
import { appRequest } from "./world.js";

test("expandLikeGo follows os.Expand", () => {
  const variables = new Map([
    ["ARGOCD_APP_NAME", "billing"],
    ["A", "x"],
  ]);
  const cases: [string, string][] = [
    ["$ARGOCD_APP_NAME-${A}", "billing-x"],
    ["$UNKNOWN|${UNKNOWN}", "|"],
    ["cost $$5", "cost $5"],
    ["trailing $", "trailing $"],
    ["${}gone", "gone"],
    ["${unclosed", "unclosed"],
    ["$.dot", "$.dot"],
    ["$1st", "st"],
  ];
  for (const [input, expected] of cases) {
    assert.equal(expandLikeGo(input, variables), expected, input);
  }
});

test("KUBE_API_VERSIONS is sorted and deduplicated", () => {
  const list = apiVersionList([
    { group: "apps", version: "v1", kind: "Deployment" },
    { group: "", version: "v1", kind: "Secret" },
    { group: "apps", version: "v1", kind: "StatefulSet" },
  ]);
  assert.deepEqual(list, ["apps/v1", "apps/v1/Deployment", "apps/v1/StatefulSet", "v1", "v1/Secret"]);
});

test("parameters become JSON and PARAM_ variables", () => {
  const request = appRequest("apps/x", {
    parameters: [
      { name: "values-files", array: ["a.yaml", "b.yaml"] },
      { name: "image.tags", map: { "web.tag": "1.0" } },
      { name: "note", string: "<a&b>" },
    ],
  });
  const variables = new Map(requestVariables(request));

  assert.equal(
    variables.get("ARGOCD_APP_PARAMETERS"),
    '[{"array":["a.yaml","b.yaml"],"name":"values-files"},{"map":{"web.tag":"1.0"},"name":"image.tags"},{"name":"note","string":"\\u003ca\\u0026b\\u003e"}]',
  );
  assert.equal(variables.get("PARAM_VALUES_FILES_0"), "a.yaml");
  assert.equal(variables.get("PARAM_VALUES_FILES_1"), "b.yaml");
  assert.equal(variables.get("PARAM_IMAGE_TAGS_WEB_TAG"), "1.0");
  assert.equal(variables.get("PARAM_NOTE"), "<a&b>");
  assert.equal(escapeParameterName("a-b.c"), "A_B_C");
  assert.equal(goJson(null), "null");
});

test("no parameters give ARGOCD_APP_PARAMETERS null", () => {
  const variables = new Map(requestVariables(appRequest("apps/x")));

  assert.equal(variables.get("ARGOCD_APP_PARAMETERS"), "null");
  assert.equal(variables.get("ARGOCD_APP_REVISION_SHORT"), "4f3c2b1");
  assert.equal(variables.get("ARGOCD_APP_REVISION_SHORT_8"), "4f3c2b1a");
});

test("plugin env expands build variables only", () => {
  const request = appRequest("apps/x", {
    pluginEnv: [
      { name: "first", value: "$ARGOCD_APP_NAMESPACE/${KUBE_VERSION}" },
      { name: "second", value: "$ARGOCD_ENV_first|$HOME" },
    ],
  });
  const env = commandEnvironment({ HOME: "/home/argocd", ARGOCD_APP_NAME: "from-sidecar" }, request);

  assert.equal(env.ARGOCD_ENV_first, "team-a-prod/1.29.3");
  assert.equal(env.ARGOCD_ENV_second, "|");
  assert.equal(env.ARGOCD_APP_NAME, "billing", "request variables override the sidecar's");
  assert.equal(env.HOME, "/home/argocd");
});

test("parseArgoManifests: nulls skipped, lists flattened", () => {
  const stdout = "---\n---\nnull\n---\nkind: ConfigMapList\nitems:\n  - {kind: ConfigMap, metadata: {name: a}}\n---\nkind: Secret\n";
  assert.deepEqual(
    parseArgoManifests(stdout).map((manifest) => manifest.kind),
    ["ConfigMap", "Secret"],
  );
});

test("parseArgoManifests rejects a document without kind", () => {
  assert.throws(() => parseArgoManifests("---\nkind: Secret\n---\nreplicaCount: 1\n"), /Kind' is missing/);
  assert.throws(() => parseArgoManifests("---\n- a\n"), /not a Kubernetes object/);
});
