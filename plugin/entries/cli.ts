import { runMain } from "./run.js";
import { writeStdout } from "./stdio.js";

// Kept in step with package.json by hand.
const version = "0.1.0";

/**
 * The `kreveal` command. Each subcommand lives in its own module and is imported only when it
 * runs, so that a kustomize function call loads just what it needs.
 */
const commands = new Map<string, () => Promise<{ main(args: string[]): Promise<void> }>>([
  ["cmp", () => import("./cmp.js")],
  ["decrypt", () => import("./decrypt.js")],
  ["fn", () => import("./fn.js")],
  ["legacy", () => import("./legacy.js")],
  ["render", () => import("./render.js")],
  ["resolve", () => import("./resolve.js")],
]);

const usage = `usage: kreveal <command> [arguments]
       kreveal --version

commands:
  cmp init|generate|discover
                 the Argo CD Config Management Plugin: build the app folder (kustomization, Helm
                 chart or plain manifests) with its placeholders resolved (see kreveal cmp --help)
  decrypt FILE   print the plaintext of a SOPS-encrypted file in its own format (FILE - reads
                 stdin; see kreveal decrypt --help)
  fn             run as a KRM function: ResourceList on stdin, ResourceList on stdout
  legacy CONFIG  run as a kustomize legacy exec plugin with the generator or transformer config at CONFIG
  render DIR     build the kustomization in DIR with kreveal's plugins and print the manifests;
                 --mask prints Secret values as short digests (see kreveal render --help)
  resolve FILE|DIR|-
                 resolve the placeholders (<vault:PATH#KEY>, <sops:FILE#KEY>) in the manifests of
                 a file, a folder or stdin and print them (see kreveal resolve --help)

environment:
  SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_KEY_CMD
                     age identities, as sops reads them (default: ~/.config/sops/age/keys.txt)
  KREVEAL_AGE_KEY_PASSPHRASE
                     passphrase of a passphrase-protected age keys file
  KREVEAL_PGP_KEY_FILE
                     PGP secret key files, separated like PATH; GnuPG (GNUPGHOME) is also asked
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
  if (name === "--version" || name === "version") {
    await writeStdout(`kreveal ${version}\n`);
    return;
  }
  if (load === undefined) {
    // Help that the user asked for goes to stdout so that it can be paged. A wrong command gets it on stderr.
    const asked = name === undefined || name === "help" || name === "--help" || name === "-h";
    if (asked) {
      await writeStdout(usage);
    } else {
      process.stderr.write(`kreveal: unknown command "${name}"\n${usage}`);
      process.exitCode = 2;
    }
    return;
  }

  const command = await load();
  await command.main(args);
});
