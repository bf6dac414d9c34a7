import { eq, sql } from 'drizzle-orm';
import { readdirSync } from 'node:fs';
import Redis from 'ioredis';
import { MIGRATIONS_FOLDER } from '../../src/db/migrator';
import { users, webhookDeliveries } from '../../src/db/schema';
import { tokenFor } from '../support/auth';
import { CLERK_SECRET, signClerk, userEvent } from '../support/clerk-events';
import { makeUser } from '../support/factories';
import { ServiceProcess } from '../support/service-process';
import { adminQuery, ENV, withDatabase } from '../support/test-database';
import { createPostgresConnection, DatabaseConnection } from '../../src/db/database';
import { settledDelivery } from '../support/deliveries';

const onServer = process.env[ENV.mode] === 'server' ? describe : describe.skip;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two service processes on one fresh database, as behind a load balancer. */
onServer('two instances', () => {
  const serverUrl = process.env[ENV.serverUrl] ?? '';
  const name = `test_two_${process.pid}_${Date.now()}`;
  let url: string;
  let services: ServiceProcess[] = [];
  let connection: DatabaseConnection;
  let redisUp = false;

  beforeAll(async () => {
    url = withDatabase(serverUrl, name);
    await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
    const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
    redisUp = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    const env = {
      DATABASE_URL: url,
      DB_MIGRATE_ON_START: 'true',
      RATE_LIMIT_PER_MINUTE: '5',
      CLERK_WEBHOOK_SIGNING_SECRET: CLERK_SECRET,
      ...(redisUp ? { REDIS_URL } : {}),
    };
    // Both start at once on an empty database: each tries to migrate it.
    services = await Promise.all([ServiceProcess.start(env), ServiceProcess.start(env)]);
    connection = createPostgresConnection({
      kind: 'postgres',
      url,
      poolMax: 2,
      connectionTimeoutMs: 5000,
      statementTimeoutMs: 0,
    });
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await connection?.close();
    if (url) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it('both start, and the migrations were applied exactly once', async () => {
    for (const service of services) {
      expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
    }
    const applied = await connection.db.execute(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    const files = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql'));
    expect((applied as { rows: { n: number }[] }).rows[0].n).toBe(files.length);
  });

  it('apply a webhook delivered to both at once exactly once', async () => {
    const userId = `user_twice_${Date.now()}`;
    const body = JSON.stringify(userEvent('user.created', { id: userId, updatedAt: 1000 }));
    const headers = signClerk(body, { id: `msg_both_${Date.now()}` });
    const responses = await Promise.all(
      services.map((s) => fetch(`${s.url}/webhooks/clerk`, { method: 'POST', headers, body })),
    );
    const statuses = await Promise.all(
      responses.map(async (r) => [r.status, ((await r.json()) as { status: string }).status]),
    );
    expect(statuses.sort()).toEqual([
      [200, 'duplicate'],
      [200, 'queued'],
    ]);
    await settledDelivery(connection.db, 'clerk', headers['svix-id']);
    const recorded = await connection.db
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.deliveryId, headers['svix-id']));
    expect(recorded).toEqual([expect.objectContaining({ status: 'applied', attempts: 1 })]);
    expect(await connection.db.select().from(users).where(eq(users.id, userId))).toHaveLength(1);
  });

  it('share one rate-limit budget per user through Redis', async () => {
    if (!redisUp) {
      console.warn(`Redis not reachable at ${REDIS_URL}: shared rate limit not tested`);
      return;
    }
    const user = await makeUser(connection.db);
    const headers = { Authorization: `Bearer ${tokenFor(user.id)}` };
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const service = services[i % 2];
      statuses.push((await fetch(`${service.url}/users/me`, { headers })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });
});
