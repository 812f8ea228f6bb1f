import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { KrevealError, KrevealErrors } from "../../plugin/errors.js";
import { createInputReader } from "../../plugin/files/input-reader.js";
import { runGenerator, type KubernetesObject } from "../../plugin/generators/registry.js";
import { kustomizeBase64 } from "../../plugin/generators/secret-generator/base64.js";
import { tempDir } from "../support/paths.js";

/** Creates a repository folder with `.git`, a kustomization folder `app/` and the given files below it. */
function makeRepo(files: Record<string, string | Uint8Array>): { root: string; cwd: string } {
  const root = tempDir();
  mkdirSync(path.join(root, ".git"));
  const cwd = path.join(root, "app");
  mkdirSync(cwd);
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
  return { root, cwd };
}

function manifest(fields: Record<string, unknown>, name = "app-secret"): Record<string, unknown> {
  return { apiVersion: "kreveal.dev/v1alpha1", kind: "SecretGenerator", metadata: { name }, ...fields };
}

async function generate(repo: { root: string; cwd: string }, fields: Record<string, unknown>): Promise<KubernetesObject> {
  const objects = await runGenerator(manifest(fields), createInputReader(repo), "gen.yaml");
  assert.equal(objects.length, 1);
  const [secret] = objects;
  return secret;
}

async function generateError(repo: { root: string; cwd: string }, fields: Record<string, unknown>): Promise<KrevealError[]> {
  try {
    await runGenerator(manifest(fields), createInputReader(repo), "gen.yaml");
  } catch (error) {
    if (error instanceof KrevealErrors) {
      return [...error.errors];
    }
    if (error instanceof KrevealError) {
      return [error];
    }
    throw error;
  }
  assert.fail("the generator succeeded");
}

function decoded(secret: KubernetesObject): Record<string, string> {
  const data = (secret.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, "base64").toString("utf8")]));
}

test("SecretGenerator: files, envs and literals", async () => {
  const repo = makeRepo({ "app/db.env": "USER=admin\nPASS=\"s3cret\"\n", "app/tls/cert.pem": "CERT\n", "app/ca.crt": "CA\n" });
  const secret = await generate(repo, {
    files: ["tls/cert.pem", "root.crt=ca.crt"],
    envs: ["db.env"],
    literals: ["TOKEN='abc'", 'QUOTED="x=y"', "RAW=a'b"],
  });

  assert.equal(secret.apiVersion, "v1");
  assert.equal(secret.kind, "Secret");
  assert.equal(secret.type, "Opaque");
  assert.deepEqual(secret.metadata, { name: "app-secret", annotations: { "kustomize.config.k8s.io/needs-hash": "true" } });
  assert.deepEqual(decoded(secret), {
    PASS: '"s3cret"',
    QUOTED: "x=y",
    RAW: "a'b",
    TOKEN: "abc",
    USER: "admin",
    "cert.pem": "CERT\n",
    "root.crt": "CA\n",
  });
  assert.deepEqual(Object.keys(secret.data as object), ["PASS", "QUOTED", "RAW", "TOKEN", "USER", "cert.pem", "root.crt"]);
});

test("SecretGenerator: binary file bytes kept", async () => {
  const bytes = Uint8Array.from([0, 255, 128, 10, 13]);
  const repo = makeRepo({ "app/blob.bin": bytes });
  const secret = await generate(repo, { files: ["blob.bin"] });
  assert.deepEqual(secret.data, { "blob.bin": Buffer.from(bytes).toString("base64") });
});

test("SecretGenerator: metadata, type and options", async () => {
  const repo = makeRepo({});
  const secret = await generate(repo, {
    metadata: { name: "tls", namespace: "prod", annotations: { "config.kubernetes.io/local-config": "true" }, labels: { own: "x" } },
    type: "kubernetes.io/tls",
    literals: ["tls.crt=C", "tls.key=K"],
    behavior: "merge",
    options: { labels: { app: "web" }, annotations: { note: "on" }, disableNameSuffixHash: true, immutable: true },
  });

  assert.deepEqual(secret.metadata, {
    name: "tls",
    namespace: "prod",
    labels: { app: "web" },
    annotations: { note: "on", "kustomize.config.k8s.io/behavior": "merge" },
  });
  assert.equal(secret.type, "kubernetes.io/tls");
  assert.equal(secret.immutable, true);
});

test("SecretGenerator: no sources gives empty data", async () => {
  // kustomize's built-in writes `data: {}` here, and `{}` hashes differently from a missing field.
  const secret = await generate(makeRepo({}), {});
  assert.deepEqual(secret.data, {});
});

test("SecretGenerator: long values wrapped like kustomize", async () => {
  const secret = await generate(makeRepo({}), { literals: [`L=${"x".repeat(60)}`, `M=${"y".repeat(51)}`, `N=${"z".repeat(105)}`] });
  const data = secret.data as Record<string, string>;

  // kubectl v5.5.0's built-in secretGenerator writes this text for the value "x" * 60.
  assert.equal(data.L, "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eH\nh4eHh4eHh4\n");
  assert.equal(data.M, Buffer.from("y".repeat(51)).toString("base64"), "68 characters stay on one line");
  assert.equal(data.N, `${Buffer.from("z".repeat(105)).toString("base64").slice(0, 70)}\n${Buffer.from("z".repeat(105)).toString("base64").slice(70)}\n`);
  assert.equal(data.N.length, 142);
});

test("kustomizeBase64: line breaks every 70 characters", () => {
  for (const length of [0, 1, 51, 52, 53, 105, 106, 157, 158, 4096]) {
    const bytes = Uint8Array.from({ length }, (_, index) => (index * 7) % 256);
    const plain = Buffer.from(bytes).toString("base64");
    const wrapped = kustomizeBase64(bytes);

    assert.equal(wrapped.replaceAll("\n", ""), plain, `length ${length}: same base64 text`);
    if (plain.length < 70) {
      assert.equal(wrapped, plain, `length ${length}: short text is not wrapped`);
      continue;
    }
    const lines = wrapped.split("\n");
    assert.equal(lines.pop(), "", `length ${length}: ends with a line break`);
    assert.ok(lines.slice(0, -1).every((line) => line.length === 70), `length ${length}: full lines are 70 characters`);
    const lastLength = lines.at(-1)?.length ?? 0;
    assert.ok(lastLength > 0, `length ${length}: last line is not empty`);
    assert.ok(lastLength <= 70, `length ${length}: last line is at most 70 characters`);
  }
});

test("kustomizeBase64: subarray views", () => {
  const buffer = Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
  assert.equal(kustomizeBase64(buffer.subarray(2, 5)), Buffer.from([2, 3, 4]).toString("base64"));
});

test("SecretGenerator: every config problem listed", async () => {
  const errors = await generateError(makeRepo({}), {
    metadata: { name: "app-secret", uid: "x" },
    files: ["", 3],
    behavior: "Merge",
    options: { disableNameSuffixHash: "yes" },
    extra: 1,
    secretFrom: [],
  });

  const lines = errors.map((error) => error.describe());
  const expected = [
    /^SecretGenerator "app-secret" in gen\.yaml: metadata\.uid: unknown field \[CONFIG_INVALID\]/,
    /: files\[0\]: must not be empty/,
    /: files\[1\]: must be a string, not a number/,
    /: behavior: must be one of "create", "merge", "replace"/,
    /: options\.disableNameSuffixHash: must be a boolean, not a string/,
    /: extra: unknown field/,
    /: secretFrom: unknown field/,
  ];
  assert.equal(errors.length, expected.length, lines.join("\n"));
  for (const pattern of expected) {
    assert.ok(lines.some((line) => pattern.test(line)), `no message matches ${String(pattern)} in:\n${lines.join("\n")}`);
  }
  assert.ok(errors.every((error) => error.code === "CONFIG_INVALID"));
});

test("SecretGenerator: missing name reported", async () => {
  const errors = await generateError(makeRepo({}), { metadata: {} });
  assert.equal(errors.length, 1);
  assert.match(errors[0]?.describe() ?? "", /^SecretGenerator \(no metadata\.name\) in gen\.yaml: metadata\.name: is required/);
});

test("SecretGenerator: unknown kind rejected", async () => {
  await assert.rejects(
    runGenerator({ apiVersion: "kreveal.dev/v1alpha1", kind: "SecretGen", metadata: { name: "x" } }, createInputReader(makeRepo({})), "gen.yaml"),
    (error: unknown) => error instanceof KrevealError && error.code === "CONFIG_INVALID" && /unknown generator/.test(error.message),
  );
});

test("SecretGenerator: duplicate keys across sources", async () => {
  const repo = makeRepo({ "app/a.env": "A=1\nB=2\n", "app/B": "file" });
  const errors = await generateError(repo, { envs: ["a.env"], literals: ["A=3"], files: ["B"] });
  const lines = errors.map((error) => error.describe());
  assert.equal(errors.length, 2, lines.join("\n"));
  assert.match(lines[0] ?? "", /literals\[0\]: key "A" is already set by envs\[0\] "a\.env" line 1/);
  assert.match(lines[1] ?? "", /files\[0\] "B": key "B" is already set by envs\[0\] "a\.env" line 2/);
});

test("SecretGenerator: invalid keys named", async () => {
  const repo = makeRepo({ "app/a.env": "BAZ = q\n", "app/my file.txt": "x" });
  const long = "k".repeat(254);
  const errors = await generateError(repo, { envs: ["a.env"], literals: [`${long}=1`, "..x=1", "ok=1"], files: ["my file.txt"] });
  const lines = errors.map((error) => error.describe());
  assert.equal(errors.length, 4, lines.join("\n"));
  assert.match(lines.join("\n"), /envs\[0\] "a\.env" line 1: invalid Secret key: key "BAZ " may contain only/);
  assert.match(lines.join("\n"), /literals\[0\]: invalid Secret key: key "k+" is 254 characters long/);
  assert.match(lines.join("\n"), /literals\[1\]: invalid Secret key: key "\.\.x" must not be/);
  assert.match(lines.join("\n"), /files\[0\] "my file\.txt": invalid Secret key: key "my file\.txt"/);
});

test("SecretGenerator: duplicate whole-line key hidden", async () => {
  const repo = makeRepo({ "app/a.env": "tokenvalue123\n", "app/b.env": "tokenvalue123\n" });
  const errors = await generateError(repo, { envs: ["a.env", "b.env"] });
  const text = errors.map((error) => error.describe()).join("\n");
  assert.equal(errors.length, 1, text);
  assert.match(text, /envs\[1\] "b\.env" line 1: the line has no "=", so its whole text is the key, and that key is already set by envs\[0\] "a\.env" line 1/);
  assert.doesNotMatch(text, /tokenvalue123/);
});

test("SecretGenerator: values never in messages", async () => {
  const repo = makeRepo({ "app/a.env": "hunter2 with spaces\n" });
  const errors = await generateError(repo, { envs: ["a.env"], literals: ["no-separator-hunter3", "=hunter4"] });
  const text = errors.map((error) => error.describe()).join("\n");
  assert.equal(errors.length, 3, text);
  assert.doesNotMatch(text, /hunter/);
  assert.match(text, /envs\[0\] "a\.env" line 1: invalid Secret key: the line has no "="/);
  assert.match(text, /literals\[0\]: must be KEY=VALUE/);
  assert.match(text, /literals\[1\]: must be KEY=VALUE/);
});

test("SecretGenerator: file entry syntax", async () => {
  const errors = await generateError(makeRepo({}), { files: ["=a", "b=", "c=d=e"] });
  const text = errors.map((error) => error.describe()).join("\n");
  assert.equal(errors.length, 3, text);
  assert.match(text, /files\[0\]: "=a" has no key/);
  assert.match(text, /files\[1\]: "b=" has no path/);
  assert.match(text, /files\[2\]: "c=d=e" has more than one "="/);
});

test("SecretGenerator: reserved annotations rejected", async () => {
  const errors = await generateError(makeRepo({}), {
    options: { annotations: { "kustomize.config.k8s.io/needs-hash": "false", "kustomize.config.k8s.io/behavior": "merge" } },
  });
  assert.equal(errors.length, 2);
  assert.match(errors[0]?.describe() ?? "", /options\.annotations\["kustomize\.config\.k8s\.io\/needs-hash"\]: is set by kreveal/);
});

test("SecretGenerator: missing file", async () => {
  const errors = await generateError(makeRepo({}), { files: ["nope.txt"], envs: ["missing.env"] });
  assert.equal(errors.length, 2);
  assert.deepEqual(
    errors.map((error) => error.code),
    ["FILE_NOT_FOUND", "FILE_NOT_FOUND"],
  );
  assert.match(errors[0]?.describe() ?? "", /^SecretGenerator "app-secret" in gen\.yaml: envs\[0\] "missing\.env": no such file/);
  assert.match(errors[1]?.describe() ?? "", /files\[0\] "nope\.txt": no such file/);
});

test("SecretGenerator: paths outside the root", async () => {
  const outside = tempDir();
  writeFileSync(path.join(outside, "key.txt"), "private");
  const repo = makeRepo({ "shared/ok.txt": "ok" });
  symlinkSync(path.join(outside, "key.txt"), path.join(repo.cwd, "link.txt"));
  symlinkSync(outside, path.join(repo.cwd, "linkdir"));

  const errors = await generateError(repo, {
    files: [path.join(outside, "key.txt"), "../../key.txt", "link.txt", "linkdir/key.txt", "../shared/ok.txt"],
  });
  const text = errors.map((error) => error.describe()).join("\n");
  assert.equal(errors.length, 4, text);
  assert.ok(errors.every((error) => error.code === "PATH_OUTSIDE_ROOT"), text);
  assert.match(text, /files\[0\] ".*key\.txt": is an absolute path/);
  assert.match(text, /files\[1\] "\.\.\/\.\.\/key\.txt": leaves the repository root/);
  assert.match(text, /files\[2\] "link\.txt": follows a symbolic link/);
  assert.match(text, /files\[3\] "linkdir\/key\.txt": follows a symbolic link/);
});

test("SecretGenerator: paths inside the root", async () => {
  const repo = makeRepo({ "shared/ok.txt": "ok", "app/real.txt": "real" });
  symlinkSync("real.txt", path.join(repo.cwd, "alias.txt"));
  const secret = await generate(repo, { files: ["../shared/ok.txt", "alias.txt", "sub=./x/../real.txt"] });
  assert.deepEqual(decoded(secret), { "alias.txt": "real", "ok.txt": "ok", sub: "real" });
});

test("SecretGenerator: folder is not a file", async () => {
  const repo = makeRepo({ "app/dir/x": "x" });
  const errors = await generateError(repo, { files: ["dir"] });
  assert.match(errors[0]?.describe() ?? "", /files\[0\] "dir": is not a regular file/);
});
