import { initApp } from "../cmp/app-context.js";
import { discover } from "../cmp/discover.js";
import { generate } from "../cmp/generate.js";
import { KrevealError } from "../errors.js";
import { writeStdout } from "./stdio.js";

const usage = `usage: kreveal cmp init|generate|discover

The commands of kreveal's Argo CD Config Management Plugin (cmp.yaml). Each runs in the app
folder that Argo CD passes as the working folder.

  init       run "helm dependency build" when a Helm chart's dependencies are missing from charts/
  generate   build the app folder (kustomization, Helm chart or plain manifests), resolve its
             placeholders and print the manifests; nothing is printed unless everything succeeded
  discover   print "kreveal" when a file below the app folder uses kreveal, else nothing

Application settings (spec.source.plugin parameters, or env entries that Argo CD passes as
ARGOCD_ENV_<NAME>): source (KREVEAL_SOURCE: auto, kustomize, helm or directory), values-files
(KREVEAL_VALUES_FILES, comma-separated), release-name (KREVEAL_RELEASE_NAME), allow-empty
(KREVEAL_ALLOW_EMPTY: true lets an empty result pass). Every other ARGOCD_ENV_ variable is ignored.

Sidecar settings: KREVEAL_CMP_TIMEOUT_SECONDS (time budget of init and generate together, default 50),
KREVEAL_CMP_ENABLE_EXEC (true passes --enable-exec to kustomize), KREVEAL_CMP_ALLOW_REMOTE_BASES
(true lets kustomizations use remote bases), KREVEAL_HELM (the helm program), KREVEAL_POLICY_FILE
(the tenant policy).
`;

/** `kreveal cmp SUBCOMMAND`: the entry point of the Argo CD sidecar. */
export async function main(args: string[]): Promise<void> {
  const subcommand = args.at(0);
  if (subcommand === "--help" || subcommand === "-h" || subcommand === "help") {
    await writeStdout(usage);
    return;
  }
  if (args.length !== 1) {
    throw usageError(subcommand === undefined ? "cmp needs a subcommand" : `cmp ${subcommand} takes no arguments`);
  }

  switch (subcommand) {
    case "generate":
      await writeStdout(await generate());
      return;
    case "init":
      await initApp();
      return;
    case "discover":
      if (discover(process.cwd())) {
        await writeStdout("kreveal\n");
      }
      return;
    default:
      throw usageError(`unknown cmp subcommand "${subcommand ?? ""}"`);
  }
}

function usageError(message: string): KrevealError {
  return new KrevealError("USAGE", message, { fix: "Run one of: kreveal cmp init, kreveal cmp generate, kreveal cmp discover (see kreveal cmp --help)." });
}
