import { describeError, isDatabaseUnavailable, sqlState } from '../common/errors/database-errors';

/**
 * SQLSTATEs worth another try later: serialization failure, deadlock, lock not available
 * (lock_timeout), and a unique violation lost to a concurrent insert (the retry reads the winner).
 */
const RETRYABLE_SQLSTATES = new Set(['40001', '40P01', '55P03', '23505']);

/** A failure that may pass by itself: the database gone or busy, a lock or a race lost. */
export function isTransient(err: unknown): boolean {
  const state = sqlState(err);
  return isDatabaseUnavailable(err) || (state !== undefined && RETRYABLE_SQLSTATES.has(state));
}

/**
 * One line saying why an attempt failed, for operators: the SQLSTATE and the driver's message,
 * never the SQL text, its parameters or a stack.
 */
export function failureReason(err: unknown): string {
  const { message, code } = describeError(err);
  const line = (typeof message === 'string' ? message : 'Unknown error').split('\n', 1)[0];
  return (typeof code === 'string' ? `${code}: ${line}` : line).slice(0, 300);
}
