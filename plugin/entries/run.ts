import { KrevealError } from "../errors.js";

/**
 * Runs an entry point and owns its exit status. Every failure ends with a non-zero exit code, a
 * message on stderr and nothing further on stdout, because kustomize, kpt and Argo CD treat
 * whatever reached stdout as the result.
 */
export async function runMain(body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    process.exitCode = 1;
    process.stderr.write(`kreveal: ${describeError(error)}\n`);
  }
}

function describeError(error: unknown): string {
  if (error instanceof KrevealError) {
    return error.describe();
  }

  // An unexpected error is a bug in kreveal. Its message may quote input, so show only its type
  // and the stack frames unless the user asks for details.
  if (error instanceof Error) {
    const detail = process.env.KREVEAL_DEBUG === "1" ? `\n${error.stack ?? ""}` : "";
    return `internal error (${error.name}); set KREVEAL_DEBUG=1 for details and report it${detail}`;
  }
  return "internal error";
}
