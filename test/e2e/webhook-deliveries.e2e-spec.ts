import { eq, sql } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { organizations, users, webhookDeliveries } from '../../src/db/schema';
import { CLERK_SECRET, organizationEvent, signClerk, userEvent } from '../support/clerk-events';
import { settledDelivery } from '../support/deliveries';
import { makeFailedDelivery, makeUser } from '../support/factories';
import { as } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';
import { ENV } from '../support/test-database';

const onServer = process.env[ENV.mode] === 'server' ? it : it.skip;

describe('webhook deliveries: worker, retries, inspection, replay', () => {
  let t: TestApp;
  let admin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { CLERK_WEBHOOK_SIGNING_SECRET: CLERK_SECRET } });
    admin = (await makeUser(t.db, { isAdmin: true })).id;
  });
  afterAll(() => t.close());

  async function post(event: object, id = `msg_${randomUUID()}`) {
    const body = JSON.stringify(event);
    const res = await request(t.server)
      .post('/webhooks/clerk')
      .set(signClerk(body, { id }))
      .send(body);
    return Object.assign(res, { deliveryId: id });
  }

  onServer('a transient failure (lock timeout) is retried with backoff, then applied', async () => {
    const user = await makeUser(t.db, { firstName: 'Before' });
    const holder = new Client({ connectionString: t.database.url });
    await holder.connect();
    let deliveryId: string;
    try {
      // Another session holds the user's row: the worker's update waits, times out, and retries.
      await holder.query('begin');
      await holder.query('select * from users where id = $1 for update', [user.id]);
      const res = await post(
        userEvent('user.updated', { id: user.id, firstName: 'After', updatedAt: Date.now() }),
      );
      expect(res.body).toEqual({ status: 'queued' });
      deliveryId = res.deliveryId;
      const retrying = await settledDelivery(
        t.db,
        'clerk',
        res.deliveryId,
        (row) => row.attempts >= 1,
      );
      expect(retrying).toMatchObject({
        status: 'queued',
        attempts: 1,
        lastError: expect.stringMatching(/^55P03: .*lock timeout/),
        nextAttemptAt: expect.any(Date),
      });
      await holder.query('commit');
    } finally {
      await holder.end();
    }
    const applied = await settledDelivery(t.db, 'clerk', deliveryId);
    expect(applied).toMatchObject({
      status: 'applied',
      attempts: 2,
      lastError: null,
      nextAttemptAt: null,
    });
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row.firstName).toBe('After');
  });

  it('a failed delivery, replayed after the cause is fixed, is applied', async () => {
    const orgId = `org_${randomUUID().slice(0, 8).replace(/-/g, '')}`;
    // A rule the organization breaks: applying fails for good (not a transient error).
    const constraint = `replay_test_${orgId}`;
    await t.db.execute(
      sql.raw(`alter table organizations add constraint ${constraint} check (id <> '${orgId}')`),
    );
    const res = await post(
      organizationEvent('organization.created', { id: orgId, name: 'Acme', updatedAt: 1000 }),
    );
    const failed = await settledDelivery(t.db, 'clerk', res.deliveryId);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, appliedAt: null });
    expect(failed.lastError).toMatch(/^23514: [^\n]+$/);

    const shown = await as(t, admin).get(`/webhook-deliveries/${failed.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({
      id: failed.id,
      source: 'clerk',
      deliveryId: res.deliveryId,
      event: 'organization.created',
      status: 'failed',
      attempts: 1,
      lastError: failed.lastError,
      receivedAt: expect.any(String),
      appliedAt: null,
      nextAttemptAt: null,
    });

    await t.db.execute(sql.raw(`alter table organizations drop constraint ${constraint}`));
    const replay = await as(t, admin).post(`/webhook-deliveries/${failed.id}/replay`);
    expect(replay.status).toBe(202);
    expect(replay.body).toMatchObject({ id: failed.id, status: 'queued', lastError: null });
    const applied = await settledDelivery(t.db, 'clerk', res.deliveryId);
    expect(applied).toMatchObject({ status: 'applied', attempts: 2, lastError: null });
    const [org] = await t.db.select().from(organizations).where(eq(organizations.id, orgId));
    expect(org).toMatchObject({ name: 'Acme' });
  });

  it('replay answers 409 while queued, 409 for a duplicate, 404 for an unknown id', async () => {
    // Queued: here one without a job (as if waiting), so it stays queued for the whole test.
    const waiting = await makeFailedDelivery(t.db);
    await t.db
      .update(webhookDeliveries)
      .set({ status: 'queued', lastError: null })
      .where(eq(webhookDeliveries.id, waiting.id));
    const whileQueued = await as(t, admin).post(`/webhook-deliveries/${waiting.id}/replay`);
    expect(whileQueued.status).toBe(409);
    expect(whileQueued.body.error).toBe('DELIVERY_IN_PROGRESS');
    const body = userEvent('user.created', {
      id: `user_${randomUUID().slice(0, 8)}`,
      updatedAt: 1,
    });
    const first = await post(body);
    await settledDelivery(t.db, 'clerk', first.deliveryId);
    const duplicate = await post(body);
    expect(duplicate.body.status).toBe('duplicate');
    const list = await as(t, admin).get(`/webhook-deliveries?deliveryId=${duplicate.deliveryId}`);
    const dup = await as(t, admin).post(`/webhook-deliveries/${list.body.data[0].id}/replay`);
    expect(dup.status).toBe(409);
    expect(dup.body.error).toBe('DELIVERY_NOT_REPLAYABLE');
    const unknown = await as(t, admin).post('/webhook-deliveries/whd_unknown/replay');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('DELIVERY_NOT_FOUND');
    expect((await as(t, admin).get('/webhook-deliveries/x'.padEnd(200, 'x'))).status).toBe(404);
  });

  it('lists deliveries newest first in cursor pages, filtered by source and status', async () => {
    const sent = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(
        userEvent('user.created', { id: `user_list_${randomUUID().slice(0, 8)}`, updatedAt: 1 }),
      );
      sent.push(res.deliveryId);
      await settledDelivery(t.db, 'clerk', res.deliveryId);
    }
    const first = await as(t, admin).get('/webhook-deliveries?source=clerk&status=applied&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.data.map((d: { deliveryId: string }) => d.deliveryId)).toEqual([
      sent[2],
      sent[1],
    ]);
    const second = await as(t, admin).get(
      `/webhook-deliveries?source=clerk&status=applied&limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    expect(second.body.data[0].deliveryId).toBe(sent[0]);
    const github = await as(t, admin).get('/webhook-deliveries?source=github');
    expect(github.body).toEqual({ data: [], nextCursor: null });
    const bad = await as(t, admin).get('/webhook-deliveries?status=pending');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('VALIDATION_FAILED');
  });
});
