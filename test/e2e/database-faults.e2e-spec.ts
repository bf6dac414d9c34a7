import { eq } from 'drizzle-orm';
import { Client } from 'pg';
import request from 'supertest';
import { createPostgresConnection, DatabaseConnection } from '../../src/db/database';
import { runMigrations } from '../../src/db/migrator';
import { users } from '../../src/db/schema';
import { bearer } from '../support/auth';
import { makeUser } from '../support/factories';
import { PrivatePostgres } from '../support/private-postgres';
import { createTestApp, TestApp } from '../support/test-app';

const withServer = PrivatePostgres.binDir() ? describe : describe.skip;

/** Faults against a PostgreSQL this file starts and stops itself. */
withServer('database faults', () => {
  let pg: PrivatePostgres;
  let connection: DatabaseConnection;
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    pg = await PrivatePostgres.create();
    connection = createPostgresConnection({
      kind: 'postgres',
      url: pg.url,
      poolMax: 2,
      connectionTimeoutMs: 800,
      statementTimeoutMs: 1500,
    });
    await runMigrations(connection);
    t = await createTestApp({ connection });
    userId = (await makeUser(t.db)).id;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    pg?.destroy();
  });

  const me = () => request(t.server).get('/users/me').set('Authorization', bearer(userId));
  const rename = (firstName: string) =>
    request(t.server).patch('/users/me').set('Authorization', bearer(userId)).send({ firstName });

  /** Holds a row lock on the user from a connection outside the app's pool until released. */
  async function lockUserRow(): Promise<() => Promise<void>> {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    await client.query('begin');
    await client.query('select 1 from users where id = $1 for update', [userId]);
    return async () => {
      await client.query('rollback');
      await client.end();
    };
  }

  it('goes 503 while the server is down and recovers without a restart', async () => {
    expect((await request(t.server).get('/health/ready')).status).toBe(200);
    pg.stop('fast');
    const ready = await request(t.server).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error).toBe('DATABASE_UNAVAILABLE');
    const during = await me();
    expect(during.status).toBe(503);
    expect(during.body).toEqual({
      error: 'DATABASE_UNAVAILABLE',
      message: 'The database is not reachable; try again shortly',
    });
    expect((await request(t.server).get('/health')).status).toBe(200);

    pg.start();
    expect((await request(t.server).get('/health/ready')).status).toBe(200);
    expect((await me()).status).toBe(200);
  });

  /** Returns once `count` sessions wait on a lock: the requests are parked, not racing. */
  async function lockWaiters(count: number): Promise<void> {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
        const { rows } = await client.query<{ n: number }>(
          "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock'",
        );
        if (rows[0].n >= count) return;
        await new Promise((resolve) => setImmediate(resolve));
      }
      throw new Error(`fewer than ${count} sessions ever waited on the lock`);
    } finally {
      await client.end();
    }
  }

  it('answers 503 after DB_CONNECTION_TIMEOUT_MS when the pool is exhausted, then serves again', async () => {
    const release = await lockUserRow();
    // Both pooled connections wait on the lock inside their transactions.
    const blocked = [rename('A'), rename('B')].map((r) => r.then((res) => res));
    await lockWaiters(2);
    const starved = await me();
    expect(starved.status).toBe(503);
    expect(starved.body.error).toBe('DATABASE_UNAVAILABLE');
    await release();
    const results = await Promise.all(blocked);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    expect((await me()).status).toBe(200);
  });

  it('cancels a statement that runs past DB_STATEMENT_TIMEOUT_MS and rolls it back', async () => {
    const release = await lockUserRow();
    try {
      const res = await rename('Never');
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('DATABASE_UNAVAILABLE');
    } finally {
      await release();
    }
    const [row] = await t.db.select().from(users).where(eq(users.id, userId));
    expect(row.firstName).not.toBe('Never');
  });
});
