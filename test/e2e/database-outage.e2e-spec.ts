import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Agent } from 'node:http';
import { Client, Pool } from 'pg';
import type { Database } from '../../src/db/database';
import { createPostgresConnection } from '../../src/db/database';
import { runMigrations } from '../../src/db/migrator';
import * as schema from '../../src/db/schema';
import { tokenFor } from '../support/auth';
import { makeUser } from '../support/factories';
import { KeepAliveLoad, LoadRequest, Outcome, send } from '../support/keep-alive-load';
import { PrivatePostgres } from '../support/private-postgres';
import { ServiceProcess } from '../support/service-process';

const withServer = PrivatePostgres.binDir() ? describe : describe.skip;

/** The service's sessions carry this application_name; the test's own carry another. */
const SERVICE = 'saas-core-api';
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 2000;
const POOL_MAX = 4;

/**
 * The production build against a PostgreSQL this file starts, cuts and stops itself: no
 * database event may end the process, a request on a lost connection answers 503, and service
 * resumes without a restart.
 */
withServer('the service process through database outages', () => {
  let pg: PrivatePostgres;
  let pool: Pool;
  let db: Database;
  let service: ServiceProcess;
  let userIds: string[];

  beforeAll(async () => {
    pg = await PrivatePostgres.create();
    const migrator = createPostgresConnection({
      kind: 'postgres',
      url: pg.url,
      poolMax: 1,
      connectionTimeoutMs: 5000,
      statementTimeoutMs: 0,
    });
    await runMigrations(migrator);
    await migrator.close();
    pool = new Pool({ connectionString: pg.url, max: 2, application_name: 'fault-test' });
    pool.on('error', () => undefined); // stopped with the server in one test
    db = drizzle(pool, { schema });
    userIds = (await Promise.all(Array.from({ length: 8 }, () => makeUser(db)))).map((u) => u.id);
    service = await ServiceProcess.start({
      DATABASE_URL: pg.url,
      DB_POOL_MAX: String(POOL_MAX),
      DB_CONNECTION_TIMEOUT_MS: '1000',
      DB_IDLE_IN_TX_TIMEOUT_MS: String(IDLE_IN_TRANSACTION_TIMEOUT_MS),
    });
  }, 60_000);
  afterAll(async () => {
    await service?.stop();
    await pool?.end().catch(() => undefined);
    pg?.destroy();
  });
  // A crash anywhere in the file fails the test that caused it.
  afterEach(() => expect(service.alive).toBe(true));

  const auth = (userId: string) => ({ Authorization: `Bearer ${tokenFor(userId)}` });
  const me = (userId: string): LoadRequest => ({
    method: 'GET',
    path: '/users/me',
    headers: auth(userId),
  });
  const rename = (userId: string, firstName: string): LoadRequest => ({
    method: 'PATCH',
    path: '/users/me',
    headers: auth(userId),
    body: { firstName },
  });
  const mixed = (i: number) =>
    i % 2 === 0 ? me(userIds[i]) : rename(userIds[i], `n${Math.floor(Math.random() * 1e6)}`);
  const firstName = async (userId: string) =>
    (await db.select().from(schema.users).where(eq(schema.users.id, userId)))[0].firstName;
  const onlyOkOrUnavailable = (outcomes: Outcome[]) =>
    outcomes.filter(
      (o) => !(o.status === 200 || (o.status === 503 && o.body?.error === 'DATABASE_UNAVAILABLE')),
    );

  /** Terminates every session of the service; returns the states they were in. */
  async function terminateService(): Promise<string[]> {
    const { rows } = await pool.query<{ state: string }>(
      'select state, pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
      [SERVICE],
    );
    return rows.map((r) => r.state);
  }

  /** Returns once `sql` (a count over pg_stat_activity) reaches `count`. */
  async function sessions(sql: string, count: number): Promise<void> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const { rows } = await pool.query<{ n: number }>(sql, [SERVICE]);
      if (rows[0].n >= count) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`never saw ${count} sessions for: ${sql}`);
  }
  const waitingOnLock =
    "select count(*)::int as n from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'";
  const idleInTransaction =
    "select count(*)::int as n from pg_stat_activity where application_name = $1 and state = 'idle in transaction'";

  /** Holds a row lock from the test's own session until the returned function releases it. */
  async function lockUserRow(userId: string): Promise<() => Promise<void>> {
    const client = new Client({ connectionString: pg.url, application_name: 'fault-test' });
    client.on('error', () => undefined); // the server is stopped in one test
    await client.connect();
    await client.query('begin');
    await client.query('select 1 from users where id = $1 for update', [userId]);
    return async () => {
      await client.query('rollback');
      await client.end();
    };
  }

  /**
   * Leaves a PATCH of the service idle in transaction: its UPDATE waits on a row lock, the
   * process is frozen, the lock is released, so the UPDATE completes and its session waits for
   * a client that does not answer. The PATCH's answer comes once the process is resumed.
   */
  async function patchIdleInTransaction(userId: string): Promise<{ answer: Promise<Outcome> }> {
    const release = await lockUserRow(userId);
    const answer = send(new Agent(), service.port, rename(userId, 'Lost'));
    await sessions(waitingOnLock, 1);
    service.child.kill('SIGSTOP');
    await release();
    await sessions(idleInTransaction, 1);
    return { answer };
  }

  /**
   * Every one of the DB_POOL_MAX connections can still be had: as many PATCHes as the pool holds
   * all reach the database (and wait on a row lock there). A connection lost and never returned
   * to the pool would leave one of them waiting for the pool instead, and answer 503.
   */
  async function expectWholePool(): Promise<void> {
    const userId = userIds[3];
    const release = await lockUserRow(userId);
    const answers = Array.from({ length: POOL_MAX }, (_, i) =>
      send(new Agent(), service.port, rename(userId, `whole${i}`)),
    );
    try {
      await sessions(waitingOnLock, POOL_MAX);
    } finally {
      await release();
    }
    expect((await Promise.all(answers)).map((a) => a.status)).toEqual(
      Array<number>(POOL_MAX).fill(200),
    );
  }

  it('answers 503 when its session is terminated while idle in transaction, and rolls back', async () => {
    const [userId] = userIds;
    const { answer } = await patchIdleInTransaction(userId);
    try {
      expect(await terminateService()).toContain('idle in transaction');
    } finally {
      service.child.kill('SIGCONT');
    }
    const patched = await answer;
    expect(patched.status).toBe(503);
    expect(patched.body).toEqual({
      error: 'DATABASE_UNAVAILABLE',
      message: 'The database is not reachable; try again shortly',
    });
    expect(await firstName(userId)).not.toBe('Lost');
    expect((await send(new Agent(), service.port, me(userId))).status).toBe(200);
    expect(service.lines.some((line) => line.event === 'database-error')).toBe(true);
  });

  it('ends a transaction a frozen instance leaves idle, so its row locks do not outlive the timeout', async () => {
    const userId = userIds[1];
    const { answer } = await patchIdleInTransaction(userId);
    try {
      // The frozen instance's UPDATE holds the row; the server ends its session after the timeout.
      const other = new Client({ connectionString: pg.url, application_name: 'fault-test' });
      other.on('error', () => undefined);
      await other.connect();
      try {
        await other.query('begin');
        await other.query(`set local lock_timeout = ${IDLE_IN_TRANSACTION_TIMEOUT_MS * 5}`);
        await other.query('select 1 from users where id = $1 for update', [userId]);
        await other.query('rollback');
      } finally {
        await other.end();
      }
    } finally {
      service.child.kill('SIGCONT');
    }
    const patched = await answer;
    expect(patched.status).toBe(503);
    expect(patched.body?.error).toBe('DATABASE_UNAVAILABLE');
    expect(await firstName(userId)).not.toBe('Lost');
    expect((await send(new Agent(), service.port, me(userId))).status).toBe(200);
  });

  it('lives through every session being terminated under load, answers only 200/503, then recovers fully', async () => {
    const load = new KeepAliveLoad(service.port, 8, mixed);
    const states: string[] = [];
    try {
      // Twenty rounds, and at least one session cut while idle in a transaction.
      for (let round = 0; round < 100; round++) {
        if (round >= 20 && states.includes('idle in transaction')) break;
        const cutAt = performance.now();
        states.push(...(await terminateService()));
        await load.until((o) => o.at > cutAt && o.status === 200);
      }
    } finally {
      await load.stop();
    }
    expect(states).toContain('idle in transaction');
    expect(onlyOkOrUnavailable(load.outcomes)).toEqual([]);
    await expectWholePool();
  });

  it('lives through pg_ctl stop -m fast under load, answers 503 while down, and serves again after start', async () => {
    const load = new KeepAliveLoad(service.port, 8, mixed);
    try {
      await load.until((o) => o.status === 200);
      const stoppedAt = performance.now();
      pg.stop('fast');
      await load.until((o) => o.at > stoppedAt && o.status === 503);
      const startedAt = performance.now();
      pg.start();
      await load.until((o) => o.at > startedAt && o.status === 200);
    } finally {
      await load.stop();
    }
    expect(onlyOkOrUnavailable(load.outcomes)).toEqual([]);
    const ready = await send(new Agent(), service.port, { method: 'GET', path: '/health/ready' });
    expect(ready.status).toBe(200);
    await expectWholePool();
  });

  it('logs a lost connection without the request id of the request that opened it', async () => {
    await terminateService();
    // A new pool connection, opened by a request with a known id, then cut while idle. Until
    // the service has noticed the sessions just cut, a request may still meet one (503).
    const id = `unrelated-${Date.now()}`;
    const opened = () =>
      send(new Agent(), service.port, {
        ...me(userIds[2]),
        headers: { ...auth(userIds[2]), 'X-Request-Id': id },
      });
    for (let attempt = 0; (await opened()).status !== 200; attempt++) {
      expect(attempt).toBeLessThan(10);
    }
    const from = service.lines.length;
    expect(await terminateService()).toContain('idle');
    const line = await service.waitFor(
      (l) => l.event === 'database-error' && service.lines.indexOf(l) >= from,
    );
    expect(line.req).toBeUndefined();
    expect(JSON.stringify(line)).not.toContain(id);
  });
});
