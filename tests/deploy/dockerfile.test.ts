import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { builtinModules } from "node:module";
import path from "node:path";
import { test } from "node:test";

import { bundle, requireBundle, skipWithout } from "../e2e/support.js";
import { repoRoot, tempDir } from "../support/paths.js";

// Docker is not available where the tests run, so these tests read the Dockerfile instead of
// building it: pinned tool checksums, the base image, the user and the paths Argo CD expects.
// The last two run the files that the final stage copies from the build stage, laid out as in
// the image, to show that kreveal needs nothing else there (no node_modules).

interface Instruction {
  /** Upper-case instruction name: FROM, ARG, RUN, COPY, ... */
  readonly keyword: string;
  /** The rest of the instruction, continuation lines joined. */
  readonly body: string;
}

/** Splits the Dockerfile into instructions, joining lines that end with a backslash. */
function readInstructions(): Instruction[] {
  const text = readFileSync(path.join(repoRoot, "Dockerfile"), "utf8");
  const instructions: Instruction[] = [];
  let pending = "";

  for (const line of text.split("\n")) {
    if (pending === "" && (line.trim() === "" || line.trimStart().startsWith("#"))) {
      continue;
    }
    if (line.endsWith("\\")) {
      pending += line.slice(0, -1) + " ";
      continue;
    }
    const whole = (pending + line).trim();
    pending = "";
    const space = whole.indexOf(" ");
    instructions.push({ keyword: whole.slice(0, space).toUpperCase(), body: whole.slice(space + 1).trim() });
  }
  return instructions;
}

/** Returns the default value of every ARG, by name. */
function argDefaults(instructions: readonly Instruction[]): Map<string, string> {
  const defaults = new Map<string, string>();
  for (const { keyword, body } of instructions) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(body);
    if (keyword === "ARG" && match !== null) {
      defaults.set(match[1], match[2]);
    }
  }
  return defaults;
}

/** Replaces `${NAME}` and `$NAME` with the ARG defaults. */
function expand(text: string, defaults: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (whole, name: string) => defaults.get(name) ?? whole);
}

/** Splits a COPY body into its flags, sources and destination. */
function parseCopy(body: string): { flags: string[]; sources: string[]; destination: string } {
  const words = body.split(/\s+/);
  const flags = words.filter((word) => word.startsWith("--"));
  const paths = words.filter((word) => !word.startsWith("--"));
  return { flags, sources: paths.slice(0, -1), destination: paths.at(-1) ?? "" };
}

const instructions = readInstructions();
const defaults = argDefaults(instructions);
const runText = instructions.filter((instruction) => instruction.keyword === "RUN").map((instruction) => instruction.body).join("\n");

test("every stage uses node:24-bookworm-slim", () => {
  const bases = instructions.filter((instruction) => instruction.keyword === "FROM").map((instruction) => expand(instruction.body, defaults));

  assert.equal(bases.length, 3);
  for (const base of bases) {
    assert.match(base, /^node:24-bookworm-slim(@sha256:[0-9a-f]{64})?( AS \w+)?$/);
  }
});

test("tool checksums are pinned per architecture", () => {
  for (const tool of ["KUSTOMIZE", "HELM"]) {
    assert.match(defaults.get(`${tool}_VERSION`) ?? "", /^\d+\.\d+\.\d+$/, `${tool}_VERSION is pinned`);
    for (const arch of ["AMD64", "ARM64"]) {
      assert.match(defaults.get(`${tool}_SHA256_${arch}`) ?? "", /^[0-9a-f]{64}$/, `${tool}_SHA256_${arch} is 64 hex digits`);
    }
  }

  assert.equal(defaults.get("KUSTOMIZE_VERSION")?.split(".")[0], "5");
  assert.equal(defaults.get("HELM_VERSION")?.split(".")[0], "3");
});

test("each download is checked with sha256sum", () => {
  assert.match(runText, /curl -fsSL -o kustomize\.tar\.gz\s+"https:\/\/github\.com\/kubernetes-sigs\/kustomize\/releases\/download\//);
  assert.match(runText, /curl -fsSL -o helm\.tar\.gz "https:\/\/get\.helm\.sh\//);
  assert.match(runText, /echo "\$\{kustomize_sha256\} {2}kustomize\.tar\.gz" \| sha256sum -c -/);
  assert.match(runText, /echo "\$\{helm_sha256\} {2}helm\.tar\.gz" \| sha256sum -c -/);
  assert.match(runText, /kustomize\.tar\.gz" \| sha256sum -c -;\s+tar -xzf kustomize\.tar\.gz/, "kustomize is unpacked only after its check");
  assert.match(runText, /helm\.tar\.gz" \| sha256sum -c -;\s+tar -xzf helm\.tar\.gz/, "helm is unpacked only after its check");
});

test("image runs as uid 999", () => {
  const users = instructions.filter((instruction) => instruction.keyword === "USER").map((instruction) => instruction.body);

  assert.deepEqual(users, ["999:999"]);
  assert.match(runText, /groupadd --gid 999 argocd/);
  assert.match(runText, /useradd --uid 999 --gid 999 --home-dir \/home\/argocd/);
  assert.match(runText, /chown -R 999:999 \/home\/argocd/);
  assert.equal(instructions.at(-1)?.keyword === "USER" || instructions.at(-2)?.keyword === "USER", true, "USER is set at the end of the final stage");
});

test("plugin config lands at argocd-cmp-server's path", () => {
  const copies = instructions.filter((instruction) => instruction.keyword === "COPY").map((instruction) => parseCopy(instruction.body));
  const config = copies.find((copy) => copy.destination === "/home/argocd/cmp-server/config/plugin.yaml");

  assert.ok(config, "a COPY writes /home/argocd/cmp-server/config/plugin.yaml");
  assert.deepEqual(config.sources, ["cmp.yaml"]);
  assert.deepEqual(config.flags, []);
});

test("kreveal is on PATH with its package", () => {
  const copies = instructions.filter((instruction) => instruction.keyword === "COPY").map((instruction) => parseCopy(instruction.body));
  const fromBuild = copies.filter((copy) => copy.flags.includes("--from=build")).map((copy) => copy.destination);

  assert.match(runText, /ln -s \/opt\/kreveal\/dist\/kreveal\.js \/usr\/local\/bin\/kreveal/);
  for (const part of ["dist", "generators", "package.json"]) {
    assert.ok(fromBuild.includes(`/opt/kreveal/${part}`), `/opt/kreveal/${part} is copied from the build stage`);
  }
  assert.ok(!fromBuild.some((destination) => destination.includes("node_modules")), "the final stage copies no node_modules");
  assert.match(runText, /npm run build/);
  assert.match(runText, /apt-get install -y --no-install-recommends gnupg/);
});

test("every package.json command is on PATH", () => {
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { bin: Record<string, string> };
  const links = new Map([...runText.matchAll(/ln -s (\S+) (\S+)/g)].map((match) => [match[2], match[1]]));

  for (const [name, target] of Object.entries(manifest.bin)) {
    assert.equal(links.get(`/usr/local/bin/${name}`), `/opt/kreveal/${target}`, `the image links /usr/local/bin/${name}`);
    // dist/ is build output, so only the launchers in generators/ can be checked before a build.
    if (!target.startsWith("dist/")) {
      assert.ok(existsSync(path.join(repoRoot, target)), `package.json bin ${name} points at ${target}, which exists`);
    }
  }
});

test("image sets no ENTRYPOINT or CMD", () => {
  const keywords = instructions.map((instruction) => instruction.keyword);

  assert.ok(!keywords.includes("ENTRYPOINT"));
  assert.ok(!keywords.includes("CMD"));
});

test("COPY sources exist in build context", () => {
  const ignore = readFileSync(path.join(repoRoot, ".dockerignore"), "utf8")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const allowed = new Set(ignore.filter((line) => line.startsWith("!")).map((line) => line.slice(1)));
  const sources = instructions
    .filter((instruction) => instruction.keyword === "COPY")
    .map((instruction) => parseCopy(instruction.body))
    .filter((copy) => !copy.flags.some((flag) => flag.startsWith("--from=")))
    .flatMap((copy) => copy.sources);

  assert.equal(ignore[0], "*", ".dockerignore starts by excluding everything");
  assert.ok(sources.length > 0);
  for (const source of sources) {
    assert.ok(existsSync(path.join(repoRoot, source)), `COPY source ${source} exists in the repository`);
    const top = source.split("/")[0] ?? "";
    assert.ok(allowed.has(top), `.dockerignore lets ${top} into the build context`);
  }
  for (const excluded of ["node_modules", "build", "dist", ".git"]) {
    assert.ok(!allowed.has(excluded), `.dockerignore keeps ${excluded} out of the build context`);
  }
});

test("build stage compiles every tsconfig input", () => {
  const tsconfig = JSON.parse(readFileSync(path.join(repoRoot, "tsconfig.json"), "utf8")) as { include: string[] };
  const copied = new Set(
    instructions
      .filter((instruction) => instruction.keyword === "COPY")
      .map((instruction) => parseCopy(instruction.body))
      .filter((copy) => copy.flags.length === 0)
      .flatMap((copy) => copy.sources.map((source) => source.replace(/\/$/, ""))),
  );

  // `npm run build` runs tsc on every folder that tsconfig.json includes, so each must be copied.
  for (const pattern of tsconfig.include) {
    const folder = pattern.split("/")[0] ?? "";
    assert.ok(copied.has(folder), `the build stage copies ${folder}/, which tsconfig.json includes`);
  }
});

/** Returns every .js file below `folder`. */
function javascriptFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".js"))
    .map((name) => path.join(folder, name));
}

test("bundle loads only built-in modules", () => {
  requireBundle();
  const builtins = new Set(builtinModules);
  const files = javascriptFiles(path.dirname(bundle));
  const specifiers = new Set<string>();

  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const pattern of [/\brequire\("([^"]+)"\)/g, /\bfrom\s*"([^"]+)"/g, /\bimport\("([^"]+)"\)/g]) {
      for (const match of text.matchAll(pattern)) {
        specifiers.add(match[1]);
      }
    }
  }

  assert.ok(files.length > 1, "dist/ holds the launcher and its modules");
  for (const specifier of specifiers) {
    const builtin = specifier.startsWith("node:") || builtins.has(specifier);
    assert.ok(builtin || specifier.startsWith("./") || specifier.startsWith("../"), `dist/ loads ${specifier}, which is not a built-in module or a bundle file`);
  }
});

test("image's kreveal files run generate alone", { skip: skipWithout("kubectl") }, () => {
  requireBundle();
  const image = tempDir("kreveal-image-");
  const copies = instructions
    .filter((instruction) => instruction.keyword === "COPY")
    .map((instruction) => parseCopy(instruction.body))
    .filter((copy) => copy.flags.includes("--from=build"));

  // Lay out /opt/kreveal as the final stage does, taking the build stage's /src from the repository.
  for (const copy of copies) {
    for (const source of copy.sources) {
      cpSync(path.join(repoRoot, path.relative("/src", source)), path.join(image, copy.destination), { recursive: true });
    }
  }
  const bin = path.join(image, "usr/local/bin");
  mkdirSync(bin, { recursive: true });
  symlinkSync(path.join(image, "opt/kreveal/dist/kreveal.js"), path.join(bin, "kreveal"));

  const sourcePath = "examples/argocd/apps/kustomize-sops";
  const appDir = path.join(image, "repo", sourcePath);
  cpSync(path.join(repoRoot, sourcePath), appDir, { recursive: true });

  const run = spawnSync("kreveal", ["cmp", "generate"], {
    cwd: appDir,
    encoding: "utf8",
    env: {
      PATH: [bin, path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(path.delimiter),
      HOME: image,
      ARGOCD_APP_NAME: "kustomize-sops",
      ARGOCD_APP_PROJECT_NAME: "team-a",
      ARGOCD_APP_SOURCE_PATH: sourcePath,
      SOPS_AGE_KEY_FILE: path.join(repoRoot, "examples/argocd/apps/age-key.txt"),
    },
  });

  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /^kind: Secret$/m);
  assert.match(run.stdout, /^ {2}name: db-credentials-[a-z0-9]{10}$/m);
  assert.match(run.stdout, /^ {2}DB_PASSWORD: \S+$/m);
});
