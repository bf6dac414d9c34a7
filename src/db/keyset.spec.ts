import { PgDialect } from 'drizzle-orm/pg-core';
import { decodeCursor } from '../common/pagination/cursor';
import { Keyset } from './keyset';
import { organizations } from './schema';

const dialect = new PgDialect();
const rows = [1, 2, 3].map((n) => ({ createdAt: new Date(n * 1000), id: `r${n}` }));

describe('Keyset', () => {
  it('pages with limit + 1 rows: a next cursor only when more follow, holding the last row', () => {
    const keyset = Keyset.byCreatedAt(organizations, 'oldestFirst');
    const full = keyset.page(rows, { limit: 2 });
    expect(full.data).toEqual(rows.slice(0, 2));
    expect(decodeCursor(full.nextCursor!, ['timestamp', 'text'])).toEqual([
      rows[1].createdAt.toISOString(),
      'r2',
    ]);
    expect(keyset.page(rows.slice(0, 2), { limit: 2 })).toEqual({
      data: rows.slice(0, 2),
      nextCursor: null,
    });
  });

  it('compares the whole key after the cursor, upwards oldest first and downwards newest first', () => {
    const cursor = Keyset.byCreatedAt(organizations, 'oldestFirst').page(rows, {
      limit: 1,
    }).nextCursor!;
    const oldest = dialect.sqlToQuery(
      Keyset.byCreatedAt(organizations, 'oldestFirst').after(cursor)!,
    );
    const newest = dialect.sqlToQuery(
      Keyset.byCreatedAt(organizations, 'newestFirst').after(cursor)!,
    );
    expect(oldest.sql).toBe(
      '("organizations"."created_at", "organizations"."id") > ($1::timestamptz, $2)',
    );
    expect(newest.sql).toContain(') < (');
    expect(oldest.params).toEqual([rows[0].createdAt.toISOString(), 'r1']);
  });

  it('orders by every key column in its direction', () => {
    const newest = Keyset.byCreatedAt(organizations, 'newestFirst').orderBy.map(
      (part) => dialect.sqlToQuery(part).sql,
    );
    expect(newest).toEqual(['"organizations"."created_at" desc', '"organizations"."id" desc']);
  });
});
