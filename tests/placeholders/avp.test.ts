import assert from "node:assert/strict";
import { describe, it } from "node:test";

import { parse, parseAllDocuments } from "yaml";

import { caught, fakeBackend, resolveText } from "./support.js";

describe("AVP compatibility", () => {
  it("<KEY> reads the annotation's path", async () => {
    const vault = fakeBackend("vault", { "secret/app": { name: "web", tag: "1.2" } });
    const input = [
      "kind: Deployment",
      "metadata:",
      "  name: <name>",
      "  annotations:",
      "    avp.kubernetes.io/path: secret/app",
      "spec:",
      "  image: registry/<name>:< tag >",
      "",
    ].join("\n");
    const output = parse(await resolveText(input, [vault])) as { metadata: { name: string }; spec: { image: string } };
    assert.equal(output.metadata.name, "web");
    assert.equal(output.spec.image, "registry/web:1.2");
  });

  it("<KEY> needs the annotation", async () => {
    const vault = fakeBackend("vault", {});
    const input = "kind: Thing\nmetadata:\n  name: t\nspec:\n  a: <beep>\n  b: 'see <boop>'\n";
    assert.equal(await resolveText(input, [vault]), input);
  });

  it("secret-version applies to <KEY> only", async () => {
    const vault = fakeBackend("vault", { "kv/data/v": { secret: "latest" }, "kv/data/v#1": { secret: "first" }, "kv/data/v#2": { secret: "second" } });
    const input = [
      "kind: Secret",
      "metadata:",
      "  name: s",
      "  annotations: {avp.kubernetes.io/path: kv/data/v, avp.kubernetes.io/secret-version: '1'}",
      "stringData:",
      "  generic: <secret>",
      "  inline: <path:kv/data/v#secret>",
      "  pinned: <path:kv/data/v#secret#2>",
      "",
    ].join("\n");
    const output = parse(await resolveText(input, [vault])) as { stringData: Record<string, string> };
    assert.deepEqual(output.stringData, { generic: "first", inline: "latest", pinned: "second" });
  });

  it("kv-version 1 ignores versions", async () => {
    const vault = fakeBackend("vault", { "secret/v": { k: "only" } });
    const input = "kind: ConfigMap\nmetadata:\n  name: c\n  annotations: {avp.kubernetes.io/kv-version: '1'}\ndata:\n  a: <path:secret/v#k#4>\n";
    const output = parse(await resolveText(input, [vault])) as { data: { a: string } };
    assert.equal(output.data.a, "only");
    assert.deepEqual(vault.reads, ["secret/v"]);
  });

  it("rejects an unknown kv-version", async () => {
    const error = await caught(() => resolveText("kind: ConfigMap\nmetadata:\n  name: c\n  annotations: {avp.kubernetes.io/kv-version: '3'}\n", []));
    assert.equal(error.code, "PLACEHOLDER_INVALID");
  });

  for (const [annotation, value] of [
    ["avp.kubernetes.io/ignore", "True"],
    ["kreveal.dev/ignore", "true"],
  ]) {
    it(`${annotation} skips the resource`, async () => {
      const vault = fakeBackend("vault", {});
      const input = `kind: Secret\nmetadata:\n  name: s\n  annotations:\n    ${annotation}: "${value}"\n    avp.kubernetes.io/path: secret/app\nstringData:\n  a: <path:kv/a#b>\n  b: <key>\n`;
      assert.equal(await resolveText(input, [vault]), input);
      assert.deepEqual(vault.reads, []);
    });
  }

  it("remove-missing drops missing entries", async () => {
    const vault = fakeBackend("vault", { "kv/a": { here: "aGk=" } });
    const input = "kind: Secret\nmetadata:\n  name: s\n  annotations: {avp.kubernetes.io/remove-missing: 'true'}\ndata:\n  kept: <path:kv/a#here>\n  gone: <path:kv/a#absent>\n";
    const [document] = parseAllDocuments(await resolveText(input, [vault]));
    assert.deepEqual((document.toJS() as { data: unknown }).data, { kept: "aGk=" });
  });

  it("remove-missing is only for Secret and ConfigMap", async () => {
    const input = "kind: Service\nmetadata:\n  name: s\n  annotations: {avp.kubernetes.io/remove-missing: 'true'}\n";
    const error = await caught(() => resolveText(input, []));
    assert.equal(error.code, "PLACEHOLDER_INVALID");
    assert.equal(error.location, "Service/s: metadata.annotations");
  });

  it("remove-missing keeps list items failing", async () => {
    const vault = fakeBackend("vault", { "kv/a": {} });
    const input = "kind: ConfigMap\nmetadata:\n  name: c\n  annotations: {avp.kubernetes.io/remove-missing: 'true'}\ndata:\n  list: [<path:kv/a#absent>]\n";
    const error = await caught(() => resolveText(input, [vault]));
    assert.equal(error.code, "PLACEHOLDER_MISSING");
  });

  it("modifier pipelines from AVP's fixtures", async () => {
    const vault = fakeBackend("vault", {
      "secret/jsonstring": { secret: '{"credentials":{"user":"u1"}}' },
      "secret/base64": { encoded_secret: Buffer.from('{"key2":"v2"}').toString("base64") },
      "secret/data": { data: '{"deployment":{"replicas":3}}' },
    });
    const input = [
      "kind: Deployment",
      "metadata: {name: d, annotations: {avp.kubernetes.io/path: secret/data}}",
      "spec:",
      "  replicas: <  data |jsonPath  {.deployment.replicas}|  jsonParse >",
      "  a: <path:secret/jsonstring#secret | jsonParse | jsonPath {.credentials.user} | base64encode>",
      "  b: <path:secret/base64#encoded_secret | base64decode | jsonPath {.key2} | base64encode>",
      "",
    ].join("\n");
    const output = parse(await resolveText(input, [vault])) as { spec: Record<string, unknown> };
    assert.deepEqual(output.spec, { replicas: 3, a: Buffer.from("u1").toString("base64"), b: Buffer.from("v2").toString("base64") });
  });
});
