import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { parse, parseAllDocuments } from "yaml";

import { KrevealErrors } from "../../plugin/errors.js";
import { caught, fakeBackend, resolveText } from "./support.js";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

describe("placeholder resolution rules", () => {
  it("resolves several placeholders in one string", async () => {
    const vault = fakeBackend("vault", { "kv/db": { user: "app", host: "db.local" } });
    const output = await resolveText("kind: ConfigMap\nmetadata: {name: c}\ndata:\n  url: postgres://<vault:kv/db#user>@<vault:kv/db#host>:5432/x\n", [vault]);
    assert.equal((parse(output) as { data: { url: string } }).data.url, "postgres://app@db.local:5432/x");
  });

  it("never scans substituted text again", async () => {
    const vault = fakeBackend("vault", { "kv/a": { tricky: "<vault:kv/b#other>", other: "no" } });
    const output = await resolveText("kind: ConfigMap\nmetadata: {name: c}\ndata:\n  v: <vault:kv/a#tricky>\n", [vault]);
    assert.equal((parse(output) as { data: { v: string } }).data.v, "<vault:kv/b#other>");
    assert.deepEqual(vault.reads, ["kv/a"]);
  });

  it("resolves inside base64 Secret data", async () => {
    const vault = fakeBackend("vault", { "kv/a": { pw: "s3cret" } });
    const config = "user: admin\npassword: <vault:kv/a#pw>\n";
    const output = await resolveText(`kind: Secret\nmetadata: {name: s}\ndata:\n  config.yaml: ${b64(config)}\n`, [vault]);
    const data = (parse(output) as { data: Record<string, string> }).data;
    assert.equal(Buffer.from(data["config.yaml"] ?? "", "base64").toString("utf8"), "user: admin\npassword: s3cret\n");
  });

  it("keeps base64 without placeholders byte-identical", async () => {
    const vault = fakeBackend("vault", { "kv/a": { pw: "czNjcmV0" } });
    const plain = b64("just <text> here");
    const binary = Buffer.from([0xff, 0x00, 0x3c]).toString("base64");
    const input = `kind: Secret\nmetadata: {name: s}\ndata:\n  a: ${plain}\n  b: '${binary}'\n  c: <vault:kv/a#pw>\n`;
    const output = await resolveText(input, [vault]);
    assert.match(output, new RegExp(`\\n  a: ${plain.replace(/[+/=]/g, "\\$&")}\\n`));
    assert.match(output, new RegExp(`\\n  b: '${binary.replace(/[+/=]/g, "\\$&")}'\\n`));
    assert.match(output, /\n {2}c: czNjcmV0\n/);
  });

  it("rejects non-base64 results in Secret data", async () => {
    const vault = fakeBackend("vault", { "kv/a": { pw: "not base64!" } });
    const error = await caught(() => resolveText("kind: Secret\nmetadata: {name: s}\ndata:\n  c: <vault:kv/a#pw>\n", [vault]));
    assert.equal(error.code, "PLACEHOLDER_INVALID");
    assert.equal(error.location, "Secret/s: data.c");
    assert.doesNotMatch(error.describe(), /not base64!/);
  });

  it("writes awkward values as valid YAML", async () => {
    const values = ["line one\nline two\n", 'say "hi" and \'bye\'', "a # not a comment", "  leading spaces", "- dash", "yes", "0123", "", "{x}", "trailing  \n\n"];
    const secret = Object.fromEntries(values.map((value, index) => [`k${index}`, value]));
    const vault = fakeBackend("vault", { "kv/a": secret });
    const fields = values.map((_value, index) => `  f${index}: <vault:kv/a#k${index}>\n  q${index}: "<vault:kv/a#k${index}>"\n  b${index}: |\n    <vault:kv/a#k${index}>`).join("\n");
    const output = await resolveText(`kind: Thing\nmetadata: {name: t}\nspec:\n${fields}\n`, [vault]);

    const documents = parseAllDocuments(output);
    assert.equal(documents.length, 1);
    const [document] = documents;
    assert.deepEqual(document.errors, []);
    const spec = (document.toJS() as { spec: Record<string, string> }).spec;
    for (const [index, value] of values.entries()) {
      assert.equal(spec[`f${index}`], value, `plain field ${index}`);
      assert.equal(spec[`q${index}`], value, `quoted field ${index}`);
      assert.equal(spec[`b${index}`], `${value}\n`, `block field ${index}`);
    }
  });

  it("fetches each distinct secret once", async () => {
    const vault = fakeBackend("vault", { "kv/a": { x: "1", y: "2" }, "kv/a#3": { x: "old" }, "kv/b": { z: "3" } });
    const input = [
      "kind: ConfigMap\nmetadata: {name: one}\ndata: {a: <vault:kv/a#x>, b: <vault:kv/a#y>, c: <vault:kv/a#x#3>}",
      "kind: ConfigMap\nmetadata: {name: two}\ndata: {a: '<vault:kv/a#x><vault:kv/b#z>', b: <path:kv/a#y>}",
    ].join("\n---\n");
    const output = await resolveText(input, [vault]);
    assert.deepEqual([...vault.reads].sort(), ["kv/a", "kv/a#3", "kv/b"]);
    const resources = parseAllDocuments(output).map((document) => document.toJS() as { data: Record<string, string> });
    assert.deepEqual(
      resources.map((resource) => resource.data),
      [
        { a: "1", b: "2", c: "old" },
        { a: "13", b: "2" },
      ],
    );
  });

  it("limits concurrent reads", async () => {
    const secrets = Object.fromEntries(Array.from({ length: 40 }, (_unused, index) => [`kv/s${index}`, { k: "v" }]));
    const vault = fakeBackend("vault", secrets, 5);
    const data = Object.keys(secrets).map((path, index) => `  k${index}: <vault:${path}#k>`).join("\n");
    await resolveText(`kind: ConfigMap\nmetadata: {name: c}\ndata:\n${data}\n`, [vault], { concurrency: 4 });
    assert.equal(vault.reads.length, 40);
    assert.equal(vault.maxInFlight(), 4);
  });

  it("reads up to 16 at once by default", async () => {
    const secrets = Object.fromEntries(Array.from({ length: 40 }, (_unused, index) => [`kv/s${index}`, { k: "v" }]));
    const vault = fakeBackend("vault", secrets, 5);
    const data = Object.keys(secrets).map((path, index) => `  k${index}: <vault:${path}#k>`).join("\n");
    await resolveText(`kind: ConfigMap\nmetadata: {name: c}\ndata:\n${data}\n`, [vault]);
    assert.equal(vault.maxInFlight(), 16);
  });

  it("reports every missing key together", async () => {
    const vault = fakeBackend("vault", { "kv/a": { present: "visible-value" } });
    const input = [
      "kind: Secret\nmetadata: {name: s}\nstringData:\n  a: <vault:kv/a#gone>\n  b: <vault:kv/a#present>\n",
      "kind: Deployment\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      containers:\n      - env:\n        - value: x-<vault:kv/nothere#k>\n",
    ].join("---\n");
    const error = await caught(() => resolveText(input, [vault]));
    assert.ok(error instanceof KrevealErrors);
    assert.deepEqual(
      error.errors.map((item) => [item.code, item.location]),
      [
        ["PLACEHOLDER_MISSING", "Secret/s: stringData.a"],
        ["PLACEHOLDER_MISSING", "Deployment/d: spec.template.spec.containers[0].env[0].value"],
      ],
    );
    assert.match(error.describe(), /<vault:kv\/a#gone>/);
    assert.match(error.describe(), /<vault:kv\/nothere#k>/);
    assert.doesNotMatch(error.describe(), /visible-value/);
  });

  it("reports a failed read once", async () => {
    const failing = {
      scheme: "vault",
      read: () => Promise.reject(new Error("response body with s3cret")),
    };
    const error = await caught(() => resolveText("kind: ConfigMap\nmetadata: {name: c}\ndata: {a: <vault:kv/a#x>, b: <vault:kv/a#y>}\n", [failing]));
    assert.equal(error.code, "BACKEND_FAILED");
    assert.doesNotMatch(error.describe(), /s3cret/);
  });

  it("turns a whole placeholder into its native type", async () => {
    const vault = fakeBackend("vault", { "kv/a": { replicas: 3, ports: "[80, 443]" } });
    const output = await resolveText("kind: Deployment\nmetadata: {name: d}\nspec:\n  replicas: <vault:kv/a#replicas>\n  ports: <vault:kv/a#ports | jsonParse>\n  name: r<vault:kv/a#replicas>\n", [vault]);
    assert.deepEqual((parse(output) as { spec: unknown }).spec, { replicas: 3, ports: [80, 443], name: "r3" });
  });

  it("writes ConfigMap values as strings", async () => {
    const vault = fakeBackend("vault", { "kv/a": { n: 5 } });
    const output = await resolveText("kind: ConfigMap\nmetadata: {name: c}\ndata:\n  n: <vault:kv/a#n>\n", [vault]);
    assert.equal((parse(output) as { data: { n: unknown } }).data.n, "5");
  });

  it("leaves map keys and other text alone", async () => {
    const vault = fakeBackend("vault", {});
    const input = "kind: CustomResourceDefinition\nmetadata:\n  name: c\nspec:\n  <vault:kv/a#k>: key\n  description: Set <name> to the <kind> of the object.\n";
    const output = await resolveText(input, [vault]);
    assert.equal(output, input);
    assert.deepEqual(vault.reads, []);
  });

  it("writes quoted and stringData numbers as text", async () => {
    const vault = fakeBackend("vault", { "kv/a": { n: 5, on: true } });
    const input = "kind: Secret\nmetadata:\n  name: s\n  labels:\n    n: \"<vault:kv/a#n>\"\n    plain: <vault:kv/a#n>\nstringData:\n  n: <vault:kv/a#n>\n  on: <vault:kv/a#on>\n";
    const output = parse(await resolveText(input, [vault])) as { metadata: { labels: unknown }; stringData: unknown };
    assert.deepEqual(output.metadata.labels, { n: "5", plain: 5 });
    assert.deepEqual(output.stringData, { n: "5", on: "true" });
  });

  it("rejects an object in a ConfigMap", async () => {
    const vault = fakeBackend("vault", { "kv/a": { j: '{"a":1}' } });
    const error = await caught(() => resolveText("kind: ConfigMap\nmetadata: {name: c}\ndata:\n  j: <vault:kv/a#j | jsonParse>\n", [vault]));
    assert.equal(error.code, "PLACEHOLDER_INVALID");
    assert.equal(error.location, "ConfigMap/c: data.j");
  });

  it("rejects an object inside text", async () => {
    const vault = fakeBackend("vault", { "kv/a": { j: '{"a":1}' } });
    const error = await caught(() => resolveText("kind: Thing\nmetadata: {name: t}\nspec:\n  j: x<vault:kv/a#j | jsonParse>\n", [vault]));
    assert.equal(error.code, "PLACEHOLDER_INVALID");
    assert.match(error.message, /must be the whole value/);
  });

  it("times out a read that hangs", async () => {
    const hanging = { scheme: "vault", read: () => new Promise<Record<string, unknown>>(() => undefined) };
    const error = await caught(() => resolveText("kind: Thing\nmetadata: {name: t}\nspec:\n  a: <vault:kv/a#b>\n", [hanging], { timeoutMs: 50 }));
    assert.equal(error.code, "BACKEND_TIMEOUT");
  });
});
