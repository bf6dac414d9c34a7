import { eq } from 'drizzle-orm';
import { Agent } from 'node:http';
import { Client } from 'pg';
import { users } from '../../src/db/schema';
import { tokenFor } from '../support/auth';
import { makeUser } from '../support/factories';
import { KeepAliveLoad, send } from '../support/keep-alive-load';
import { ServiceProcess } from '../support/service-process';
import { createTestDatabase, ENV, TestDatabase } from '../support/test-database';

const onServer = process.env[ENV.mode] === 'server' ? describe : describe.skip;

onServer('SIGTERM', () => {
  let database: TestDatabase;
  let service: ServiceProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await ServiceProcess.start({ DATABASE_URL: database.url! });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  it('finishes and commits the request in flight, refuses new ones, and exits 0', async () => {
    const user = await makeUser(database.connection.db);
    const headers = {
      Authorization: `Bearer ${tokenFor(user.id)}`,
      'Content-Type': 'application/json',
    };
    // A row lock held outside the service keeps its PATCH in flight until we let go.
    const locker = new Client({ connectionString: database.url });
    await locker.connect();
    await locker.query('begin');
    await locker.query('select 1 from users where id = $1 for update', [user.id]);

    const inFlight = fetch(`${service.url}/users/me`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ firstName: 'Drained' }),
    });
    await waitForLockWaiter(database.url!);

    service.child.kill('SIGTERM');
    await service.waitFor((line) => line.event === 'shutdown');
    await expect(fetch(`${service.url}/health`)).rejects.toThrow();

    await locker.query('rollback');
    await locker.end();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(((await response.json()) as { firstName: string }).firstName).toBe('Drained');

    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(service.lines.some((line) => line.event === 'shutdown-complete')).toBe(true);
    const [row] = await database.connection.db.select().from(users).where(eq(users.id, user.id));
    expect(row.firstName).toBe('Drained');
  });

  it('answers every request that reaches it during the drain with Connection: close, resets none, and exits 0', async () => {
    const service = await ServiceProcess.start({ DATABASE_URL: database.url! });
    try {
      const userIds = await Promise.all(
        Array.from({ length: 16 }, async () => (await makeUser(database.connection.db)).id),
      );
      const auth = (i: number) => ({ Authorization: `Bearer ${tokenFor(userIds[i])}` });
      // A keep-alive connection left idle, to be used again once the drain has begun.
      const idle = new Agent({ keepAlive: true, maxSockets: 1 });
      const me = { method: 'GET', path: '/users/me', headers: auth(0) } as const;
      expect((await send(idle, service.port, me)).status).toBe(200);

      const load = new KeepAliveLoad(
        service.port,
        16,
        (i) =>
          i % 2 === 0
            ? { method: 'GET', path: '/users/me', headers: auth(i) }
            : {
                method: 'PATCH',
                path: '/users/me',
                headers: auth(i),
                body: { firstName: `n${i}` },
              },
        { untilRefused: true },
      );
      await load.until(() => new Set(load.outcomes.map((o) => o.connection)).size === 16);
      service.child.kill('SIGTERM');
      await service.waitFor((line) => line.event === 'shutdown');
      const late = await send(idle, service.port, me);
      const outcomes = await load.finished();
      idle.destroy();

      // Each connection got answers until it was told to close; then a new one was refused.
      expect(outcomes.filter((o) => o.error !== undefined && o.error !== 'ECONNREFUSED')).toEqual(
        [],
      );
      expect(outcomes.filter((o) => o.error === undefined && o.status !== 200)).toEqual([]);
      for (let i = 0; i < 16; i++) {
        const answered = outcomes.filter((o) => o.connection === i && o.status !== undefined);
        expect(answered.at(-1)?.closes).toBe(true);
      }
      // The idle connection was not cut under the request sent on it.
      expect(late).toMatchObject({ status: 200, closes: true });
      expect(await service.exited).toEqual({ code: 0, signal: null });
    } finally {
      await service.stop();
    }
  });
});

/** Polls from its own session: inside a transaction pg_stat_activity is a frozen snapshot. */
async function waitForLockWaiter(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const { rows } = await client.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
      );
      if (rows[0].n > 0) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error('the request never reached the database');
  } finally {
    await client.end();
  }
}
