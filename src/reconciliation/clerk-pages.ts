import { CLERK_PAGE_SIZE } from '../clerk/clerk-api.client';
import type { ClerkPage } from '../clerk/clerk-records';
import type { RunProgress } from './run-progress';

/**
 * Every page of a Clerk list, each handled before the next is asked for. Records Clerk sent
 * that cannot be mirrored are errors of the run.
 */
export async function eachPage<T>(
  progress: RunProgress,
  fetch: (offset: number) => Promise<ClerkPage<T>>,
  handle: (records: T[]) => Promise<void>,
): Promise<void> {
  for (let offset = 0; ;) {
    progress.checkStopped();
    const page = await fetch(offset);
    for (const message of page.rejected) progress.error('clerk', 'rejected', message);
    await handle(page.records);
    const received = page.records.length + page.rejected.length;
    offset += received;
    if (received < CLERK_PAGE_SIZE || offset >= page.totalCount) return;
  }
}
