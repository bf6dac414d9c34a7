import { asc, eq, SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { Cursor } from '../common/pagination/cursor';

interface Ordered {
  createdAt: PgColumn;
  id: PgColumn;
  deleted: PgColumn;
}

/** Rows after the cursor in (createdAt, id) order: a row comparison that the indexes serve. */
export function afterCursor(table: Ordered, cursor?: Cursor): SQL | undefined {
  return cursor
    ? sql`(${table.createdAt}, ${table.id}) > (${cursor.createdAt.toISOString()}::timestamptz, ${cursor.id})`
    : undefined;
}

/** `afterCursor` for a ReusableQuery; `afterValues(cursor)` fills its placeholders. */
export function afterPlaceholders(table: Ordered): SQL {
  return sql`(${table.createdAt}, ${table.id}) > (${sql.placeholder('afterCreatedAt')}::timestamptz, ${sql.placeholder('afterId')})`;
}

export function afterValues(cursor: Cursor): { afterCreatedAt: string; afterId: string } {
  return { afterCreatedAt: cursor.createdAt.toISOString(), afterId: cursor.id };
}

export function listOrder(table: Ordered): SQL[] {
  return [asc(table.createdAt), asc(table.id)];
}

/** Hides soft-deleted rows unless a platform admin asked for them. */
export function activeUnless(table: Ordered, includeDeleted?: boolean): SQL | undefined {
  return includeDeleted ? undefined : eq(table.deleted, false);
}
