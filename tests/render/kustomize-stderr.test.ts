import assert from "node:assert/strict";
import { test } from "node:test";

import { hideNodeDumps } from "../../plugin/render/kustomize-stderr.js";

test("node dump: kubectl format", () => {
  const stderr = [
    "# Warning: 'vars' is deprecated.",
    'E1204 10:00:00.000000   100 run.go:72] "command failed" err=<',
    "\twrong node kind: expected MappingNode but got ScalarNode: node contents:",
    "\taHVudGVyMg==",
    "\tsecond line",
    " >",
    "",
  ].join("\n");

  assert.equal(
    hideNodeDumps(stderr),
    [
      "# Warning: 'vars' is deprecated.",
      'E1204 10:00:00.000000   100 run.go:72] "command failed" err=<',
      "\twrong node kind: expected MappingNode but got ScalarNode: node contents: (hidden by kreveal render: the node may hold secret values)",
      " >",
      "",
    ].join("\n"),
  );
});

test("node dump: kustomize format", () => {
  const stderr = "Error: wrong node kind: expected ScalarNode but got MappingNode: node contents:\npassword: hunter2\nuser: admin\n";
  assert.equal(hideNodeDumps(stderr), "Error: wrong node kind: expected ScalarNode but got MappingNode: node contents: (hidden by kreveal render: the node may hold secret values)\n");
});

test("node dump: several dumps", () => {
  const stderr = "a: node contents:\n\tone\n >\nb: node contents:\n\ttwo\n >\n";
  const hidden = hideNodeDumps(stderr);
  assert.doesNotMatch(hidden, /one|two/);
  assert.equal(hidden.split("(hidden by kreveal render").length - 1, 2);
});

test("node dump: other stderr unchanged", () => {
  const stderr = "kreveal: app.enc.env: no available private key [KEY_NOT_AVAILABLE]\n";
  assert.equal(hideNodeDumps(stderr), stderr);
});
