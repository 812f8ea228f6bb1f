/**
 * Writes the whole output to stdout in one call and waits until it is handed to the OS. Entry
 * points call it once, after everything succeeded, so that a failure leaves stdout empty.
 */
export async function writeStdout(text: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    process.stdout.write(text, (error) => {
      if (error instanceof Error) {
        reject(error);
      } else {
        resolve();
      }
    });
  });
}
