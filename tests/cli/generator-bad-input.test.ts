import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";

import { isolatedEnv, runKreveal, tempRepo } from "../e2e/support.js";
import { assertFailedClosed } from "../support/fail-closed.js";
import { tempDir } from "../support/paths.js";

// A secret outside the repository that a hostile generator manifest tries to read.
const outsideSecret = "machine-private-key-material";

function app(generator: string): { folder: string; outsideFile: string } {
  const outside = tempDir("kreveal-outside-");
  const outsideFile = path.join(outside, "id_key");
  writeFileSync(outsideFile, outsideSecret);

  const folder = path.join(tempRepo(), "app");
  mkdirSync(folder);
  symlinkSync(outsideFile, path.join(folder, "innocent.txt"));
  writeFileSync(path.join(folder, "generator.yaml"), generator.replace("OUTSIDE", outsideFile));
  return { folder, outsideFile };
}

function header(extra: string): string {
  return `apiVersion: kreveal.dev/v1alpha1\nkind: SecretGenerator\nmetadata:\n  name: app-secret\n${extra}`;
}

const cases: { name: string; generator: string; code: string; field: string }[] = [
  { name: "absolute path", generator: header("files:\n  - OUTSIDE\n"), code: "PATH_OUTSIDE_ROOT", field: "files[0]" },
  { name: "dot-dot escape", generator: header("files:\n  - ../../../../../../../../etc/hostname\n"), code: "PATH_OUTSIDE_ROOT", field: "files[0]" },
  { name: "symlink escape", generator: header("envs:\n  - innocent.txt\n"), code: "PATH_OUTSIDE_ROOT", field: "envs[0]" },
  { name: "unknown field", generator: header("literal:\n  - A=b\n"), code: "CONFIG_INVALID", field: "literal" },
  { name: "unknown options field", generator: header("options:\n  disableNameHash: true\n"), code: "CONFIG_INVALID", field: "options.disableNameHash" },
];

describe("generator bad input", () => {
  for (const entry of cases) {
    it(`legacy: ${entry.name}`, () => {
      const { folder } = app(entry.generator);
      const result = runKreveal(["legacy", "generator.yaml"], { cwd: folder, env: isolatedEnv() });
      assertFailedClosed(result, { names: "generator.yaml", code: entry.code, keyPath: entry.field, secrets: [outsideSecret] });
    });

    it(`fn: ${entry.name}`, () => {
      const { folder } = app(entry.generator);
      const config = entry.generator.replace(/^/gm, "  ").replace("OUTSIDE", path.join(folder, "..", "missing"));
      const input = `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n${config}`;
      const result = runKreveal(["fn"], { cwd: folder, env: isolatedEnv(), input });
      assertFailedClosed(result, { names: 'SecretGenerator "app-secret"', code: entry.code, keyPath: entry.field, secrets: [outsideSecret] });
    });
  }
});

describe("generator inputs from key stores", () => {
  it("home folder without .git: age keys file rejected", () => {
    // kpt runs functions in its own cwd; when that is a home folder without .git, the home
    // folder becomes the repository root, so the key locations need their own check.
    const home = tempDir("kreveal-home-");
    mkdirSync(path.join(home, ".config/sops/age"), { recursive: true });
    writeFileSync(path.join(home, ".config/sops/age/keys.txt"), `# test\n${outsideSecret}\n`);
    writeFileSync(path.join(home, "gen.yaml"), header("files:\n  - k=.config/sops/age/keys.txt\n"));

    const env = { ...isolatedEnv(), HOME: home, XDG_CONFIG_HOME: path.join(home, ".config") };
    const result = runKreveal(["legacy", "gen.yaml"], { cwd: home, env });
    assertFailedClosed(result, { names: "gen.yaml", code: "PATH_PROTECTED", keyPath: "files[0]", secrets: [outsideSecret] });
  });

  it("SOPS_AGE_KEY_FILE inside the repository rejected", () => {
    const { folder } = app(header("files:\n  - keys.txt\n"));
    writeFileSync(path.join(folder, "keys.txt"), outsideSecret);
    const result = runKreveal(["legacy", "generator.yaml"], { cwd: folder, env: isolatedEnv({ SOPS_AGE_KEY_FILE: path.join(folder, "keys.txt") }) });
    assertFailedClosed(result, { names: "generator.yaml", code: "PATH_PROTECTED", keyPath: "files[0]", secrets: [outsideSecret] });
  });
});

describe("plain input with sops values", () => {
  it("env file that lost its metadata rejected", () => {
    const { folder } = app(header("envs:\n  - app.enc.env\n"));
    writeFileSync(path.join(folder, "app.enc.env"), "TOKEN=ENC[AES256_GCM,data:AAAA,iv:AAAA,tag:AAAA,type:str]\n");
    const result = runKreveal(["legacy", "generator.yaml"], { cwd: folder, env: isolatedEnv() });
    assertFailedClosed(result, { names: "generator.yaml", code: "SOPS_METADATA_MISSING", keyPath: "envs[0]", secrets: [] });
  });
});
