/** What `withTimeout` rejects with when the time is up. */
export class TimeoutError extends Error {}

/**
 * `work`, or a TimeoutError once `ms` passed without an answer. The work itself goes on (the
 * caller stops waiting for it): use it where the work is bounded elsewhere too (a statement
 * timeout, a client's own socket timeouts).
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what = 'work'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
