import { TimeoutError } from '../common/async/with-timeout';

/** The longest one call to Clerk may take before it counts as failed. */
export const CLERK_TIMEOUT_MS = 10_000;

/** The failure of one Clerk call after its retries: what was asked and what went wrong. */
export class ClerkUnavailableError extends Error {
  constructor(call: string, reason: string) {
    super(`Clerk call failed: ${call} (${reason})`);
  }
}

/** What the SDK's ClerkAPIResponseError carries: Clerk's status and its Retry-After. */
export interface ClerkFailure {
  status?: number;
  retryAfter?: number;
}

/** Clerk answered 404 where that is an answer (a row Clerk no longer has). */
export class NotFound extends Error {}
/** One line, never a secret or a response body: the status, or why there was none. */
export function reasonOf(err: unknown): string {
  if (err instanceof TimeoutError) return `no answer within ${CLERK_TIMEOUT_MS / 1000} s`;
  const failure = err as ClerkFailure;
  if (failure.status !== undefined) return `Clerk answered ${failure.status}`;
  return 'Clerk is unreachable';
}
