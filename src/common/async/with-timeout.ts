/**
 * `work`, or a rejection once `ms` passed without an answer. The work itself goes on (the caller
 * stops waiting for it): use it where the work is bounded elsewhere too (a statement timeout).
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what = 'work'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
