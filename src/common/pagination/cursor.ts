import { ValidationFailedError } from '../errors/domain-error';

/** The kinds of values a cursor may carry, each with the rule a forged value must pass. */
export type CursorValueKind = 'timestamp' | 'text' | 'bigint';

// A cursor's timestamps come from rows: PostgreSQL and JavaScript agree on this range, and a
// date outside it ("+010000-01-01") would reach the database as an error, not as a position.
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

const VALID: Record<CursorValueKind, (value: string) => boolean> = {
  timestamp: (value) => {
    const ms = ISO_TIMESTAMP.test(value) ? Date.parse(value) : Number.NaN;
    return ms >= EARLIEST && ms <= LATEST;
  },
  text: (value) => value.length > 0 && value.length <= 128 && !value.includes('\u0000'),
  bigint: (value) => /^\d{1,19}$/.test(value),
};

/** An opaque, url-safe token holding the sort key of the last row of a page. */
export function encodeCursor(values: string[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * The values of a cursor made by `encodeCursor` for a key of these kinds. Anything else (not
 * base64url JSON, wrong length or type, a value outside its kind's range) is 400
 * VALIDATION_FAILED, never a database error.
 */
export function decodeCursor(cursor: string, kinds: readonly CursorValueKind[]): string[] {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    values = undefined;
  }
  const valid =
    Array.isArray(values) &&
    values.length === kinds.length &&
    values.every((value, i) => typeof value === 'string' && VALID[kinds[i]](value));
  if (!valid)
    throw new ValidationFailedError([{ field: 'cursor', message: 'cursor is not valid' }]);
  return values as string[];
}
