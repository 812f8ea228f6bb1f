import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { KrevealError } from "../../plugin/errors.js";
import { evaluateJsonPath, parseJsonPath, parseJsonPathTemplate, renderJsonPathTemplate } from "../../plugin/placeholders/json-path.js";

const data = {
  kind: "List",
  items: [
    { metadata: { name: "one" }, ports: [80, 443], ready: true },
    { metadata: { name: "two" }, ports: [8080], ready: false },
  ],
  users: [{ name: "myself", user: {} }, { name: "e2e", user: { username: "admin" } }],
  empty: [],
  nothing: null,
};

function render(template: string, root: unknown = data): string | undefined {
  return renderJsonPathTemplate(parseJsonPathTemplate(template), root);
}

function invalidMessage(template: string): string {
  try {
    parseJsonPathTemplate(template);
  } catch (error) {
    assert.ok(error instanceof KrevealError);
    assert.equal(error.code, "PLACEHOLDER_INVALID");
    return error.message;
  }
  assert.fail(`${template} was accepted`);
}

describe("jsonPath templates", () => {
  it("text around expressions", () => {
    assert.equal(render("kind is {.kind}"), "kind is List");
    assert.equal(render("{.kind}-{.items[0].metadata.name} "), "List-one ");
  });

  it("quoted literals with escapes", () => {
    assert.equal(render(`{'{"a":'}{"}"}`), '{"a":}');
    assert.equal(render(String.raw`{.kind}{'\t'}{"\n"}{'it\'s'}`), "List\t\nit's");
  });

  it("prints values as kubectl does", () => {
    assert.equal(render("{.items[0].ports[0]}"), "80");
    assert.equal(render("{.items[1].ready}"), "false");
    assert.equal(render("{.nothing}"), "null");
    assert.equal(render("{.items[1].metadata}"), '{"name":"two"}');
    assert.equal(render("{.items[0].ports}"), "[80,443]");
  });

  it("joins several results with a space", () => {
    assert.equal(render("{.items[*].metadata.name}"), "one two");
    assert.equal(render("{.items.*.metadata.name}"), "one two");
    assert.equal(render("{.empty[*]}"), "");
  });

  it("negative indexes and slices", () => {
    const list = { l: [0, 1, 2, 3, 4, 5] };
    assert.equal(render("{.l[-1]}", list), "5");
    assert.equal(render("{.l[1:3]}", list), "1 2");
    assert.equal(render("{.l[0:-1:2]}", list), "0 2 4");
    assert.equal(render("{.l[-2:]}", list), "4 5");
    assert.equal(render("{.l[:2]}", list), "0 1");
    assert.equal(render("{.l[::3]}", list), "0 3");
    assert.equal(render("{.l[0:-1]}", { l: [7] }), "");
  });

  it("quoted keys in brackets", () => {
    assert.equal(render(String.raw`{['a.b']['c d']}`, { "a.b": { "c d": "x" } }), "x");
    assert.equal(render(`{["kind"]}`), "List");
  });

  it("recursive descent", () => {
    assert.equal(render("{..name}"), "one two myself e2e");
    assert.equal(render("{.users..username}"), "admin");
  });

  it("current node", () => {
    assert.equal(render("{@}", "text"), "text");
    assert.equal(render("{$.kind}"), "List");
    assert.equal(render("{}", 3), "3");
  });

  it("range iterates the results", () => {
    assert.equal(render("{range .items[*]}[{.metadata.name}, {.ports[-1]}] {end}"), "[one, 443] [two, 8080] ");
    assert.equal(render("{range .items[0].ports[*]}<{@}>{end}!"), "<80><443>!");
    assert.equal(render("{range .empty[*]}x{end}done"), "done");
  });

  it("nested ranges", () => {
    assert.equal(render("{range .items[*]}{.metadata.name}:{range .ports[*]} {@}{end};{end}"), "one: 80 443;two: 8080;");
  });

  it("missing field or index gives undefined", () => {
    assert.equal(render("{.absent}"), undefined);
    assert.equal(render("{.items[5]}"), undefined);
    assert.equal(render("a{.kind}{range .items[*]}{.absent}{end}"), undefined);
    assert.equal(render("{.items[*].absent}"), undefined);
  });

  it("ports template from AVP's fixture", () => {
    const template = [
      "{'['}",
      "{range .service.ports[0:-1:1]}",
      `{'{"protocol":"TCP",'}`,
      `{'"port":'}{@}`,
      `{',"targetPort":'}{@}`,
      "{'},'}",
      "{end}",
      `{'{"protocol":"TCP",'}`,
      `{'"port":'}{.service.ports[-1]}`,
      `{',"targetPort":'}{.service.ports[-1]}`,
      "{'}]'}",
    ].join(" ");
    const root = { service: { ports: [80, 8080, 9090] } };
    const parsed = JSON.parse(render(template, root) ?? "") as unknown;
    assert.deepEqual(parsed, [80, 8080, 9090].map((port) => ({ protocol: "TCP", port, targetPort: port })));
  });
});

describe("jsonPath template errors", () => {
  const cases: readonly (readonly [string, RegExp])[] = [
    ["{range .items[*]}{.a}", /\{range\} has no matching \{end\}/],
    ["{.a}{end}", /\{end\} has no matching \{range\}/],
    ["{.a", /a \{ has no matching \}/],
    ["{'abc}", /a \{ has no matching \}/],
    ["{.a[1:2:0]}", /step greater than 0/],
    ["{.a[?(@.b)]}", /filter .* is not supported/],
    ["{.a[0,1]}", /union .* is not supported/],
    ["{.a[x]}", /is not an index/],
    ["{.a.}", /field name is missing/],
    ["{'a' .b}", /only whitespace may follow/],
    [String.raw`{'\q'}`, /unknown backslash escape/],
    ["{a}", /unexpected "a"/],
  ];
  for (const [template, expected] of cases) {
    it(`rejects ${template}`, () => {
      const message = invalidMessage(template);
      assert.match(message, expected);
      assert.ok(message.includes(`jsonPath "${template}"`), message);
    });
  }
});

describe("jsonPath modifier interface", () => {
  it("plain paths give keys and indexes", () => {
    assert.deepEqual(parseJsonPath("{.credentials.users[1].name}"), ["credentials", "users", 1, "name"]);
    assert.deepEqual(parseJsonPath(" $.a['b c'][0] "), ["a", "b c", 0]);
    assert.deepEqual(parseJsonPath("{.}"), []);
  });

  it("templates evaluate through their steps", () => {
    const steps = parseJsonPath("{range .items[*]}{.metadata.name},{end}");
    assert.ok(steps !== undefined);
    assert.equal(evaluateJsonPath(data, steps), "one,two,");
  });

  it("invalid templates give undefined", () => {
    assert.equal(parseJsonPath("{range .a}"), undefined);
  });

  it("steps from elsewhere are followed", () => {
    assert.equal(evaluateJsonPath(data, ["items", 1, "metadata", "name"]), "two");
    assert.equal(evaluateJsonPath(data, ["items", 9]), undefined);
  });
});
