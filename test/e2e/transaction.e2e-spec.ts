import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { users } from '../../src/db/schema';
import { DEFERRED_TABLE_SQL, ProbeModule } from '../support/probe.module';
import { createTestApp, TestApp } from '../support/test-app';

describe('per-request transaction', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule] });
    await t.db.execute(sql.raw(DEFERRED_TABLE_SQL));
  });
  afterAll(() => t.close());

  const userRows = (id: string) => t.db.select().from(users).where(eq(users.id, id));

  it('commits a write before answering 2xx, and sets req.tx to the same transaction', async () => {
    const res = await request(t.server).post('/probe/commit').send({ id: 'user_committed' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 'user_committed', reqTxIsCurrent: true });
    expect(await userRows('user_committed')).toHaveLength(1);
  });

  it('rolls back everything when the handler throws after writing', async () => {
    const res = await request(t.server).post('/probe/fail').send({ id: 'user_rolled_back' });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'INTERNAL_ERROR', message: 'An unexpected error occurred' });
    expect(await userRows('user_rolled_back')).toHaveLength(0);
  });

  it('answers an error, never a 2xx, when COMMIT itself fails', async () => {
    const res = await request(t.server).post('/probe/fail-on-commit').send({});
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.body.error).toBe('INTERNAL_ERROR');
    const rows = await t.db.execute(sql`select count(*)::int as n from probe_deferred`);
    expect((rows as { rows: { n: number }[] }).rows[0].n).toBe(0);
  });

  it('gives concurrent requests their own transactions', async () => {
    const meet = t.database.mode === 'server';
    const [a, b] = await Promise.all([
      request(t.server).post('/probe/concurrent').send({ id: 'user_conc_a', meet }),
      request(t.server).post('/probe/concurrent').send({ id: 'user_conc_b', meet }),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.txid).not.toEqual(b.body.txid);
    if (meet) {
      // Both were open at once, and neither saw the other's uncommitted insert.
      expect(a.body.visibleUsers).toBe(b.body.visibleUsers);
    }
    expect(await userRows('user_conc_a')).toHaveLength(1);
    expect(await userRows('user_conc_b')).toHaveLength(1);
  });

  it('leaves no transaction open after a request', async () => {
    const res = await request(t.server).get('/probe/no-tx-leak');
    expect(res.status).toBe(200);
    if (t.database.connection.pool) {
      expect(t.database.connection.pool.waitingCount).toBe(0);
      const open = await t.db.execute(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`,
      );
      expect((open as { rows: { n: number }[] }).rows[0].n).toBe(0);
    }
  });
});
