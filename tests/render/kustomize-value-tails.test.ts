import assert from "node:assert/strict";
import { test } from "node:test";

import { hideNodeDumps, hideValueTails } from "../../plugin/render/kustomize-stderr.js";

/** Base64 of a test password, in place of a Secret's data value. */
const secret = "b3JkZXJzLXRlc3Q=";

test("value tail: kubectl quoted form", () => {
  const stderr = `E1204 23:14:59.922841   30517 run.go:72] "command failed" err="options.index 5 is out of bounds for value ${secret}"\n`;

  assert.equal(hideNodeDumps(stderr), 'E1204 23:14:59.922841   30517 run.go:72] "command failed" err="options.index 5 is out of bounds for value (hidden by kreveal)"\n');
});

test("value tail: escaped quotes stay hidden", () => {
  const stderr = 'E1 run.go:72] "command failed" err="options.index 5 is out of bounds for value a\\"b\\\\\\"c" code=1\nnext line\n';

  assert.equal(hideValueTails(stderr), 'E1 run.go:72] "command failed" err="options.index 5 is out of bounds for value (hidden by kreveal)" code=1\nnext line\n');
});

test("value tail: kubectl multi-line form", () => {
  const stderr = [
    'E1204 23:14:59.969011   30524 run.go:72] "command failed" err=<',
    "\toptions.index 5 is out of bounds for value line1 secret",
    '\tline2 "quoted" secret',
    " >",
    "",
  ].join("\n");

  assert.equal(
    hideValueTails(stderr),
    ['E1204 23:14:59.969011   30524 run.go:72] "command failed" err=<', "\toptions.index 5 is out of bounds for value (hidden by kreveal)", " >", ""].join("\n"),
  );
});

test("value tail: kustomize form to end", () => {
  const stderr = `kreveal: note: something\nError: options.index 5 is out of bounds for value first line\nsecond ${secret} line\n`;

  assert.equal(hideValueTails(stderr), "kreveal: note: something\nError: options.index 5 is out of bounds for value (hidden by kreveal)\n");
});

test("unmarshal error value is hidden", () => {
  const stderr = "Error: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str `b3JkZXJ...` into int\n  line 4: cannot unmarshal !!str `x`y` into bool\n";

  assert.equal(
    hideValueTails(stderr),
    "Error: yaml: unmarshal errors:\n  line 3: cannot unmarshal !!str (value hidden by kreveal) into int\n  line 4: cannot unmarshal !!str (value hidden by kreveal) into bool\n",
  );
});

test("value tail: other text stays", () => {
  const stderr = "Error: accumulating resources: something else failed\n";
  assert.equal(hideNodeDumps(stderr), stderr);
});

test("value tail and node dump together", () => {
  const stderr = `Warning: for value ${secret} x\nError: wrong node kind: expected ScalarNode but got MappingNode: node contents:\npassword: hunter2\n`;
  const hidden = hideNodeDumps(stderr);

  assert.ok(!hidden.includes(secret), hidden);
  assert.ok(!hidden.includes("hunter2"), hidden);
});
