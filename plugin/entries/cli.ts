import { runMain } from "./run.js";

/**
 * The `kreveal` command. Each subcommand lives in its own module and is imported only when it
 * runs, so that a kustomize function call loads just what it needs.
 */
const commands = new Map<string, () => Promise<{ main(args: string[]): Promise<void> }>>([
  ["decrypt", () => import("./decrypt.js")],
  ["fn", () => import("./fn.js")],
  ["legacy", () => import("./legacy.js")],
  ["render", () => import("./render.js")],
]);

const usage = `usage: kreveal <command> [arguments]

commands:
  decrypt FILE   print the plaintext of a SOPS-encrypted file in its own format
  fn             run as a KRM function: ResourceList on stdin, ResourceList on stdout
  legacy CONFIG  run as a kustomize legacy exec plugin with the generator config at CONFIG
  render DIR     build the kustomization in DIR with kreveal's plugins and print the manifests;
                 --mask prints Secret values as short digests (see kreveal render --help)

environment (fn, legacy):
  KREVEAL_REPO_ROOT  folder that generator input files must stay inside; default: the nearest
                     folder above the working folder that contains .git, else the working folder
`;

/**
 * Settles when the command has finished; it never rejects. The module has no top-level await
 * because the bundle is CommonJS (see launcher.ts), and the build's code cache warm-up awaits
 * this promise instead.
 */
export const finished = runMain(async () => {
  const args = process.argv.slice(2);
  const name = args.shift();
  const load = name === undefined ? undefined : commands.get(name);
  if (load === undefined) {
    process.stderr.write(usage);
    process.exitCode = name === undefined || name === "help" || name === "--help" ? 0 : 2;
    return;
  }

  const command = await load();
  await command.main(args);
});
