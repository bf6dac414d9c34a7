import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/database';
import { ReusableQuery } from '../../src/db/reusable-query';
import { users } from '../../src/db/schema';
import { makeUser } from '../support/factories';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const emailOf = new ReusableQuery((db) =>
  db
    .select({ email: users.email })
    .from(users)
    .where(eq(users.id, sql.placeholder('id'))),
);

describe('ReusableQuery', () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.connection.db;
  });
  afterAll(() => database.destroy());

  it('runs on the current transaction: it sees its uncommitted rows, and they go with a rollback', async () => {
    // Built first outside any transaction, so a query that kept its first connection would miss.
    expect(await emailOf.run(db, { id: 'user_uncommitted' })).toEqual([]);
    let seen: unknown;
    const rollback = new Error('roll back');
    const outcome = await db
      .transaction(async (tx) => {
        await makeUser(tx, { id: 'user_uncommitted', email: 'uncommitted@example.com' });
        seen = await emailOf.run(tx, { id: 'user_uncommitted' });
        throw rollback;
      })
      .catch((error: unknown) => error);
    expect(outcome).toBe(rollback);
    expect(seen).toEqual([{ email: 'uncommitted@example.com' }]);
    expect(emailOf.reusesBuiltQuery).toBe(true);
    expect(await emailOf.run(db, { id: 'user_uncommitted' })).toEqual([]);
  });

  it('gives each call its own values, also from transactions open at the same time', async () => {
    await makeUser(db, { id: 'user_a', email: 'a@example.com' });
    await makeUser(db, { id: 'user_b', email: 'b@example.com' });
    const [a, b] = await Promise.all(
      ['user_a', 'user_b'].map((id) => db.transaction((tx) => emailOf.run(tx, { id }))),
    );
    expect(a).toEqual([{ email: 'a@example.com' }]);
    expect(b).toEqual([{ email: 'b@example.com' }]);
    expect(await emailOf.run(db, { id: 'user_a' })).toEqual([{ email: 'a@example.com' }]);
  });

  it('leaves no prepared statement on the server (PgBouncer in transaction pooling keeps none)', async () => {
    const left = await db.transaction(async (tx) => {
      await emailOf.run(tx, { id: 'user_a' });
      return tx.execute(sql`select count(*)::int as n from pg_prepared_statements`);
    });
    expect((left as { rows: { n: number }[] }).rows).toEqual([{ n: 0 }]);
  });
});
