import { asc, desc, eq, SQL, sql } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { CursorValueKind, decodeCursor, encodeCursor } from '../common/pagination/cursor';
import type { Page, PageRequest } from '../common/pagination/page';

/** One column of a sort key: where it is in SQL, where it is in a row, how its cursor value looks. */
export interface KeyPart {
  column: PgColumn;
  /** The row property holding the column's value. */
  field: string;
  kind: CursorValueKind;
}

type Direction = 'oldestFirst' | 'newestFirst';

/**
 * Keyset pagination over a unique sort key, oldest or newest first. A page asks for rows after
 * the cursor with one row comparison (served by an index on the key), fetches `limit + 1` rows
 * and keeps the extra one only to know whether a next page exists:
 *
 *   const rows = await db.select().from(t)
 *     .where(and(filters, keyset.after(request.cursor)))
 *     .orderBy(...keyset.orderBy)
 *     .limit(request.limit + 1);
 *   return keyset.page(rows, request);
 */
export class Keyset {
  readonly orderBy: SQL[];

  constructor(
    private readonly parts: readonly KeyPart[],
    private readonly direction: Direction,
  ) {
    const by = direction === 'oldestFirst' ? asc : desc;
    this.orderBy = parts.map((part) => by(part.column));
  }

  /** (createdAt, id): the order of every list of rows that carry both. */
  static byCreatedAt(table: { createdAt: PgColumn; id: PgColumn }, direction: Direction): Keyset {
    return new Keyset(
      [
        { column: table.createdAt, field: 'createdAt', kind: 'timestamp' },
        { column: table.id, field: 'id', kind: 'text' },
      ],
      direction,
    );
  }

  /** Rows after the cursor's position; 400 VALIDATION_FAILED for a cursor this key did not make. */
  after(cursor?: string): SQL | undefined {
    if (cursor === undefined) return undefined;
    const values = decodeCursor(
      cursor,
      this.parts.map((part) => part.kind),
    );
    return this.compare(values.map((value, i) => this.cast(value, this.parts[i])));
  }

  /** The first `limit` rows of `limit + 1` fetched, with the cursor of the last one kept. */
  page<R>(rows: R[], request: PageRequest): Page<R> {
    const hasMore = rows.length > request.limit;
    const data = hasMore ? rows.slice(0, request.limit) : rows;
    return { data, nextCursor: hasMore ? this.cursorOf(data[data.length - 1]) : null };
  }

  private cursorOf(row: unknown): string {
    return encodeCursor(
      this.parts.map((part) => {
        const value = (row as Record<string, unknown>)[part.field];
        return value instanceof Date ? value.toISOString() : String(value);
      }),
    );
  }

  private compare(values: SQL[]): SQL {
    const columns = sql.join(
      this.parts.map((part) => sql`${part.column}`),
      sql`, `,
    );
    const operator = this.direction === 'oldestFirst' ? sql`>` : sql`<`;
    return sql`(${columns}) ${operator} (${sql.join(values, sql`, `)})`;
  }

  private cast(value: string, part: KeyPart): SQL {
    if (part.kind === 'timestamp') return sql`${value}::timestamptz`;
    if (part.kind === 'bigint') return sql`${value}::bigint`;
    return sql`${value}`;
  }
}

/** Hides soft-deleted rows unless a platform admin asked for them. */
export function activeUnless(
  table: { deleted: PgColumn },
  includeDeleted?: boolean,
): SQL | undefined {
  return includeDeleted ? undefined : eq(table.deleted, false);
}
