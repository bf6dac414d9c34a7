import { ValidationFailedError } from '../errors/domain-error';

/** Position after a row in the (createdAt, id) order every list uses. */
export interface Cursor {
  createdAt: Date;
  id: string;
}

export function encodeCursor(row: { createdAt: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.createdAt.toISOString(), row.id])).toString('base64url');
}

/** Rejects anything encodeCursor did not make with 400 VALIDATION_FAILED. */
export function decodeCursor(cursor: string): Cursor {
  try {
    const [createdAt, id] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as unknown[];
    const date = new Date(typeof createdAt === 'string' ? createdAt : Number.NaN);
    if (
      Number.isNaN(date.getTime()) ||
      typeof id !== 'string' ||
      id.length === 0 ||
      id.length > 128
    ) {
      throw new Error('bad cursor');
    }
    return { createdAt: date, id };
  } catch {
    throw new ValidationFailedError([{ field: 'cursor', message: 'cursor is not valid' }]);
  }
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Rows were fetched with limit + 1: the extra one only says whether a next page exists. */
export function toPage<R extends { createdAt: Date; id: string }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
): Page<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    data: pageRows.map(map),
    nextCursor: hasMore ? encodeCursor(pageRows[pageRows.length - 1]) : null,
  };
}
