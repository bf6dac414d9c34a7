import { and, count, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { auditEvents, organizationMembers, users } from '../../src/db/schema';
import { bearer } from '../support/auth';
import { CLERK_SECRET, membershipEvent, signClerk, userEvent } from '../support/clerk-events';
import { settledDelivery } from '../support/deliveries';
import { makeUser } from '../support/factories';
import { ServiceProcess } from '../support/service-process';
import { createTestDatabase, ENV, TestDatabase } from '../support/test-database';

const onServer = process.env[ENV.mode] === 'server' ? describe : describe.skip;

/** Short job timings, so a lost job is retried within seconds. */
const JOB_ENV = {
  CLERK_WEBHOOK_SIGNING_SECRET: CLERK_SECRET,
  JOB_POLL_INTERVAL_MS: '100',
  JOB_RETRY_DELAY_SECONDS: '1',
  JOB_TIMEOUT_SECONDS: '2',
};

async function post(service: ServiceProcess, event: object | string, id = `msg_${randomUUID()}`) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const res = await fetch(`${service.url}/webhooks/clerk`, {
    method: 'POST',
    headers: signClerk(body, { id }),
    body,
  });
  return { status: res.status, body: (await res.json()) as { status: string }, deliveryId: id };
}

onServer('the delivery worker across processes (production build)', () => {
  let database: TestDatabase;
  const services: ServiceProcess[] = [];
  const start = async () => {
    const service = await ServiceProcess.start({ DATABASE_URL: database.url!, ...JOB_ENV });
    services.push(service);
    return service;
  };

  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(services.splice(0).map((service) => service.stop()));
    await database.destroy();
  });

  it('a process killed while applying: the delivery is applied after a restart', async () => {
    const db = database.connection.db;
    const user = await makeUser(db, { firstName: 'Before' });
    const holder = new Client({ connectionString: database.url });
    await holder.connect();
    let deliveryId: string;
    try {
      await holder.query('begin');
      await holder.query('select * from users where id = $1 for update', [user.id]);
      const first = await start();
      const res = await post(
        first,
        userEvent('user.updated', { id: user.id, firstName: 'After', updatedAt: Date.now() }),
      );
      expect(res.body).toEqual({ status: 'queued' });
      deliveryId = res.deliveryId;
      // The worker is inside its transaction, waiting for the row: kill it there.
      await waitForLockWait(holder, database.url!);
      await first.stop();
    } finally {
      await holder.query('commit').catch(() => undefined);
      await holder.end();
    }
    const lost = await settledDelivery(db, 'clerk', deliveryId, () => true);
    expect(lost).toMatchObject({ status: 'queued', appliedAt: null });
    await start();
    const applied = await settledDelivery(
      db,
      'clerk',
      deliveryId,
      (row) => row.status !== 'queued',
    );
    expect(applied).toMatchObject({ status: 'applied', lastError: null });
    const [row] = await db.select().from(users).where(eq(users.id, user.id));
    expect(row.firstName).toBe('After');
  }, 60_000);

  it('two instances receiving the same deliveries apply each once', async () => {
    const db = database.connection.db;
    const [a, b] = [await start(), await start()];
    const orgs = Array.from({ length: 20 }, (_, i) => ({
      id: `org_two_${i}_${randomUUID().slice(0, 6)}`,
      name: `Two ${i}`,
      updatedAt: 1000,
    }));
    const answers = await Promise.all(
      orgs.map(async (org) => {
        const event = membershipEvent('organizationMembership.created', {
          org,
          userId: `user_${org.id}`,
          role: 'org:admin',
          updatedAt: 1000,
        });
        const id = `msg_${randomUUID()}`;
        const both = await Promise.all([post(a, event, id), post(b, event, id)]);
        return { id, statuses: both.map((r) => r.body.status).sort() };
      }),
    );
    for (const { id, statuses } of answers) {
      expect(statuses).toEqual(['duplicate', 'queued']);
      expect(await settledDelivery(db, 'clerk', id)).toMatchObject({
        status: 'applied',
        attempts: 1,
      });
    }
    for (const org of orgs) {
      const [members] = await db
        .select({ n: count() })
        .from(organizationMembers)
        .where(eq(organizationMembers.organizationId, org.id));
      const [added] = await db
        .select({ n: count() })
        .from(auditEvents)
        .where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, 'member.added')));
      expect([members.n, added.n]).toEqual([1, 1]);
    }
  }, 60_000);
});

describe('the delivery worker on the embedded database (npm start with no services)', () => {
  let service: ServiceProcess | undefined;
  afterAll(() => service?.stop());

  it('stores, answers and applies a Clerk delivery', async () => {
    service = await ServiceProcess.start({
      DATABASE_URL: undefined,
      PGLITE_DATA_DIR: 'memory://',
      ...JOB_ENV,
    });
    const userId = `user_${randomUUID().slice(0, 8)}`;
    const body = JSON.stringify(userEvent('user.created', { id: userId, updatedAt: 1 }));
    const res = await post(service, body);
    expect(res.body).toEqual({ status: 'queued' });
    // Applied when the user can sign in.
    for (let i = 0; ; i++) {
      const me = await fetch(`${service.url}/users/me`, {
        headers: { Authorization: bearer(userId) },
      });
      if (me.status === 200) break;
      expect(me.status).toBe(403);
      if (i > 200) throw new Error('The delivery was not applied');
      await sleep(50);
    }
    // The same body again, under another delivery id.
    expect((await post(service, body)).body).toEqual({ status: 'duplicate' });
  }, 60_000);
});

/** Resolves once a session of the database waits for a row lock (the worker's update). */
async function waitForLockWait(client: Client, url: string): Promise<void> {
  const database = new URL(url).pathname.slice(1);
  for (let i = 0; i < 400; i++) {
    const { rows } = await client.query(
      `select count(*)::int as n from pg_stat_activity
       where datname = $1 and wait_event_type = 'Lock' and application_name = 'saas-core-api'`,
      [database],
    );
    if (rows[0].n > 0) return;
    await sleep(10);
  }
  throw new Error('The worker never waited for the lock');
}
