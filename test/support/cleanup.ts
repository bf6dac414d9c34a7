/**
 * What a test file started (apps, databases, stub servers, child processes) is stopped when the
 * file ends, whether its `beforeAll` succeeded or not: a failed set-up must never leave a server
 * open and keep the Jest worker alive. Helpers register their own disposal here; a file's own
 * `afterAll` may still close things earlier (disposals are idempotent).
 */
const disposals: { name: string; dispose: () => unknown }[] = [];

export function onCleanup(name: string, dispose: () => unknown): void {
  disposals.push({ name, dispose });
}

/** Runs every registered disposal, newest first; one failing does not stop the others. */
export async function runCleanups(): Promise<void> {
  while (disposals.length > 0) {
    const { name, dispose } = disposals.pop()!;
    try {
      await dispose();
    } catch (err) {
      process.stderr.write(`[cleanup] ${name} failed: ${(err as Error).message}\n`);
    }
  }
}

/** The first call's promise, for every call: `close()` twice closes once. */
export function once<T>(work: () => Promise<T>): () => Promise<T> {
  let done: Promise<T> | undefined;
  return () => (done ??= work());
}
