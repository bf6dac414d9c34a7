import { eq, getTableColumns, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/database';
import { rendered, RowReader, rowsOf } from '../../src/db/hot-query';
import { organizations, users } from '../../src/db/schema';
import { makeOrganization, makeUser } from '../support/factories';
import { createTestDatabase, TestDatabase } from '../support/test-database';

// The hot reads (src/db/hot-query.ts) must read rows exactly as drizzle's builder does, on
// whichever transaction is current, and leave nothing behind on the server.
const user = new RowReader(getTableColumns(users), 'u.');
const organization = new RowReader(getTableColumns(organizations), 'o.');
const selectUser = rendered(
  sql`select ${user.columns}, ${organization.columns} from ${users}
      left join ${organizations} on ${organizations.id} = 'org_none' where ${users.id} =`,
);
const userById = async (db: Database, id: string) =>
  rowsOf(await db.execute(sql`${selectUser} ${id}`));

describe('hot queries', () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = database.connection.db;
  });
  afterAll(() => database.destroy());

  it('reads a row as the query builder does: Dates, nulls and booleans alike', async () => {
    const made = await makeUser(db, { clerkUpdatedAt: new Date('2026-01-02T03:04:05.678Z') });
    const [row] = await userById(db, made.id);
    const [built] = await db.select().from(users).where(eq(users.id, made.id));
    expect(user.read(row)).toEqual(built);
    expect(user.read(row).createdAt).toBeInstanceOf(Date);
    expect(user.read(row).deletedAt).toBeNull();
    expect(organization.isAbsent(row)).toBe(true);
    expect(user.isAbsent(row)).toBe(false);

    const org = await makeOrganization(db);
    const [orgRow] = rowsOf(
      await db.execute(
        sql`select ${organization.columns} from ${organizations} where ${organizations.id} = ${org.id}`,
      ),
    );
    expect(organization.read(orgRow)).toEqual(org);
  });

  it('runs on the current transaction: it sees its uncommitted rows, and they go with a rollback', async () => {
    expect(await userById(db, 'user_uncommitted')).toEqual([]);
    let seen: unknown;
    const rollback = new Error('roll back');
    const outcome = await db
      .transaction(async (tx) => {
        await makeUser(tx, { id: 'user_uncommitted', email: 'uncommitted@example.com' });
        seen = (await userById(tx, 'user_uncommitted')).map((row) => user.read(row).email);
        throw rollback;
      })
      .catch((error: unknown) => error);
    expect(outcome).toBe(rollback);
    expect(seen).toEqual(['uncommitted@example.com']);
    expect(await userById(db, 'user_uncommitted')).toEqual([]);
  });

  it('gives each call its own values, also from transactions open at the same time', async () => {
    await makeUser(db, { id: 'user_a', email: 'a@example.com' });
    await makeUser(db, { id: 'user_b', email: 'b@example.com' });
    const emails = await Promise.all(
      ['user_a', 'user_b'].map((id) =>
        db.transaction(async (tx) => (await userById(tx, id)).map((r) => user.read(r).email)),
      ),
    );
    expect(emails).toEqual([['a@example.com'], ['b@example.com']]);
  });

  it('passes values as parameters, never as SQL text', async () => {
    const hostile = "x' or '1'='1";
    expect(await userById(db, hostile)).toEqual([]);
    expect(() => rendered(sql`select ${hostile}`)).toThrow(/must not hold values/);
  });

  it('leaves no prepared statement on the server (PgBouncer in transaction pooling keeps none)', async () => {
    const left = await db.transaction(async (tx) => {
      await userById(tx, 'user_a');
      return tx.execute(sql`select count(*)::int as n from pg_prepared_statements`);
    });
    expect(rowsOf(left)).toEqual([{ n: 0 }]);
  });
});
