import { and, eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  auditEvents,
  organizationMembers,
  organizations,
  users,
  webhookDeliveries,
} from '../../src/db/schema';
import { bearer } from '../support/auth';
import {
  CLERK_SECRET,
  membershipEvent,
  organizationDeleted,
  organizationEvent,
  signClerk,
  userDeleted,
  userEvent,
} from '../support/clerk-events';
import { settledDelivery } from '../support/deliveries';
import { makeUser } from '../support/factories';
import { as } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

describe('POST /webhooks/clerk', () => {
  let t: TestApp;
  let n = 0;
  const uid = (prefix: string) => `${prefix}_${Date.now().toString(36)}${n++}`;

  beforeAll(async () => {
    t = await createTestApp({ env: { CLERK_WEBHOOK_SIGNING_SECRET: CLERK_SECRET } });
  });
  afterAll(() => t.close());

  /** Posts a signed delivery; a queued one is awaited until the worker is done with it. */
  const deliver = async (event: unknown, options: Parameters<typeof signClerk>[1] = {}) => {
    const body = typeof event === 'string' ? event : JSON.stringify(event);
    const id = options.id ?? `msg_${randomUUID()}`;
    const res = await request(t.server)
      .post('/webhooks/clerk')
      .set(signClerk(body, { ...options, id }))
      .send(body);
    if (res.body.status === 'queued') await settledDelivery(t.db, 'clerk', id);
    return Object.assign(res, { deliveryId: id });
  };
  const stored = async (deliveryId: string) =>
    (
      await t.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.deliveryId, deliveryId))
    )[0];
  const user = async (id: string) => (await t.db.select().from(users).where(eq(users.id, id)))[0];
  const org = async (id: string) =>
    (await t.db.select().from(organizations).where(eq(organizations.id, id)))[0];
  const memberships = (orgId: string, userId: string) =>
    t.db
      .select()
      .from(organizationMembers)
      .where(
        and(eq(organizationMembers.organizationId, orgId), eq(organizationMembers.userId, userId)),
      );
  const deliveries = () => t.db.select().from(webhookDeliveries);

  describe('signatures', () => {
    it('refuses a bad signature with 401 INVALID_SIGNATURE and records nothing', async () => {
      const before = (await deliveries()).length;
      const id = uid('user');
      const res = await deliver(userEvent('user.created', { id, updatedAt: Date.now() }), {
        secret: `whsec_${Buffer.from('another-secret').toString('base64')}`,
      });
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('INVALID_SIGNATURE');
      expect(await user(id)).toBeUndefined();
      expect(await deliveries()).toHaveLength(before);
    });

    it('refuses missing svix headers', async () => {
      const res = await request(t.server)
        .post('/webhooks/clerk')
        .set('content-type', 'application/json')
        .send(JSON.stringify(userEvent('user.created', { id: uid('user'), updatedAt: 1 })));
      expect(res.status).toBe(401);
    });

    it('refuses a stale timestamp (outside svix tolerance), even when correctly signed', async () => {
      const id = uid('user');
      const res = await deliver(userEvent('user.created', { id, updatedAt: Date.now() }), {
        at: new Date(Date.now() - 10 * 60 * 1000),
      });
      expect(res.status).toBe(401);
      expect(await user(id)).toBeUndefined();
    });

    it('answers 503 when no signing secret is configured', async () => {
      const bare = await createTestApp();
      try {
        const body = JSON.stringify(userEvent('user.created', { id: uid('user'), updatedAt: 1 }));
        const res = await request(bare.server)
          .post('/webhooks/clerk')
          .set(signClerk(body))
          .send(body);
        expect(res.status).toBe(503);
        expect(res.body.error).toBe('WEBHOOK_NOT_CONFIGURED');
      } finally {
        await bare.close();
      }
    });
  });

  describe('users', () => {
    it('user.created mirrors the user with the primary email; null names become ""', async () => {
      const id = uid('user');
      const res = await deliver(
        userEvent('user.created', {
          id,
          email: 'ada@example.org',
          firstName: null,
          updatedAt: 1000,
        }),
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'queued' });
      expect(await stored(res.deliveryId)).toMatchObject({
        status: 'applied',
        attempts: 1,
        appliedAt: expect.any(Date),
        lastError: null,
      });
      expect(await user(id)).toMatchObject({
        email: 'ada@example.org',
        firstName: '',
        lastName: 'Example',
        photoUrl: 'https://img.clerk.com/xxxxxx',
        deleted: false,
      });
    });

    it('user.updated applies newer data and ignores older data', async () => {
      const id = uid('user');
      await deliver(userEvent('user.created', { id, firstName: 'One', updatedAt: 1000 }));
      await deliver(userEvent('user.updated', { id, firstName: 'Three', updatedAt: 3000 }));
      const late = await deliver(
        userEvent('user.updated', { id, firstName: 'Two', updatedAt: 2000 }),
      );
      expect(late.status).toBe(200);
      expect((await user(id)).firstName).toBe('Three');
    });

    it('user.deleted soft-deletes and locks the user out; a late user.updated does not revive', async () => {
      const id = uid('user');
      await deliver(userEvent('user.created', { id, updatedAt: 1000 }));
      expect(
        (await request(t.server).get('/users/me').set('Authorization', bearer(id))).status,
      ).toBe(200);
      await deliver(userDeleted(id));
      const stored = await user(id);
      expect(stored).toMatchObject({ deleted: true, deletedAt: expect.any(Date) });
      const me = await request(t.server).get('/users/me').set('Authorization', bearer(id));
      expect(me.status).toBe(403);
      expect(me.body.error).toBe('USER_NOT_PROVISIONED');
      await deliver(userEvent('user.updated', { id, updatedAt: Date.now() + 60_000 }));
      expect((await user(id)).deleted).toBe(true);
    });

    it('user.deleted before user.created: the late created never brings the user back', async () => {
      const id = uid('user');
      await deliver(userDeleted(id));
      await deliver(userEvent('user.created', { id, updatedAt: 1000 }));
      expect(await user(id)).toMatchObject({ deleted: true });
    });
  });

  describe('replays', () => {
    it('applies a repeated delivery id once and answers 200 duplicate', async () => {
      const id = uid('user');
      const body = JSON.stringify(
        userEvent('user.created', { id, firstName: 'Once', updatedAt: 1000 }),
      );
      const headers = signClerk(body, { id: 'msg_replayed_once' });
      const first = await request(t.server).post('/webhooks/clerk').set(headers).send(body);
      await settledDelivery(t.db, 'clerk', 'msg_replayed_once');
      await t.db.update(users).set({ firstName: 'Changed since' }).where(eq(users.id, id));
      const again = await request(t.server).post('/webhooks/clerk').set(headers).send(body);
      expect([first.body.status, again.body.status]).toEqual(['queued', 'duplicate']);
      expect((await user(id)).firstName).toBe('Changed since');
      const recorded = await t.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.deliveryId, 'msg_replayed_once'));
      expect(recorded).toEqual([
        expect.objectContaining({
          source: 'clerk',
          event: 'user.created',
          status: 'applied',
          appliedAt: expect.any(Date),
        }),
      ]);
    });

    it('answers duplicate for the same body under another delivery id, and records it once', async () => {
      const body = JSON.stringify(userEvent('user.created', { id: uid('user'), updatedAt: 1 }));
      const first = await deliver(body);
      const again = await deliver(body);
      const third = await deliver(body, { id: again.deliveryId });
      expect([first.body.status, again.body.status, third.body.status]).toEqual([
        'queued',
        'duplicate',
        'duplicate',
      ]);
      const rows = await t.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.deliveryId, again.deliveryId));
      expect(rows).toEqual([expect.objectContaining({ status: 'duplicate', body: null })]);
    });

    it('acknowledges event types it does not use', async () => {
      const res = await deliver({
        ...userDeleted('x'),
        type: 'session.created',
        data: { id: 'sess_1' },
      });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ignored');
      expect(await stored(res.deliveryId)).toMatchObject({ status: 'ignored', appliedAt: null });
    });
  });

  describe('organizations', () => {
    it('created, updated (newer wins), deleted, and a late created stays deleted', async () => {
      const id = uid('org');
      await deliver(
        organizationEvent('organization.created', { id, name: 'Acme', updatedAt: 1000 }),
      );
      expect(await org(id)).toMatchObject({ name: 'Acme', plan: 'FREE', deleted: false });
      await deliver(
        organizationEvent('organization.updated', { id, name: 'Acme 3', updatedAt: 3000 }),
      );
      await deliver(
        organizationEvent('organization.updated', { id, name: 'Acme 2', updatedAt: 2000 }),
      );
      expect((await org(id)).name).toBe('Acme 3');
      await deliver(organizationDeleted(id));
      await deliver(
        organizationEvent('organization.created', { id, name: 'Back?', updatedAt: 9e12 }),
      );
      expect(await org(id)).toMatchObject({ name: 'Acme 3', deleted: true });
    });
  });

  describe('memberships', () => {
    const acme = () => ({ id: uid('org'), name: 'Acme', updatedAt: 1000 });

    it('maps roles, and a membership before its user and organization creates both', async () => {
      const o = acme();
      const userId = uid('user');
      const res = await deliver(
        membershipEvent('organizationMembership.created', {
          org: o,
          userId,
          role: 'org:admin',
          updatedAt: 1000,
          firstName: null,
        }),
      );
      expect(res.body.status).toBe('queued');
      expect((await stored(res.deliveryId)).status).toBe('applied');
      expect(await user(userId)).toMatchObject({
        email: `${userId}@example.org`,
        firstName: '',
        lastName: '',
        deleted: false,
      });
      expect(await org(o.id)).toMatchObject({ name: 'Acme', deleted: false });
      expect(await memberships(o.id, userId)).toEqual([
        expect.objectContaining({ role: 'admin', deleted: false }),
      ]);
      // The user's own event, arriving later, fills in the details.
      await deliver(userEvent('user.created', { id: userId, firstName: 'Real', updatedAt: 500 }));
      expect((await user(userId)).firstName).toBe('Real');
      const members = await request(t.server)
        .get(`/organizations/${o.id}/members`)
        .set('Authorization', bearer(userId));
      expect(members.status).toBe(200);
      expect(members.body.data[0].user.firstName).toBe('Real');
    });

    it('updated changes the role when newer; duplicates never make two rows', async () => {
      const o = acme();
      const userId = uid('user');
      const event = (
        type: Parameters<typeof membershipEvent>[0],
        role: 'org:admin' | 'org:member',
        at: number,
      ) => membershipEvent(type, { org: o, userId, role, updatedAt: at });
      await deliver(event('organizationMembership.created', 'org:member', 1000));
      await deliver(event('organizationMembership.created', 'org:member', 1000));
      await deliver(event('organizationMembership.updated', 'org:admin', 3000));
      await deliver(event('organizationMembership.updated', 'org:member', 2000));
      expect(await memberships(o.id, userId)).toEqual([
        expect.objectContaining({ role: 'admin', deleted: false }),
      ]);
    });

    it('deleted removes the membership even when it leaves no admin', async () => {
      const o = acme();
      const userId = uid('user');
      await deliver(
        membershipEvent('organizationMembership.created', {
          org: o,
          userId,
          role: 'org:admin',
          updatedAt: 1000,
        }),
      );
      const res = await deliver(
        membershipEvent('organizationMembership.deleted', {
          org: o,
          userId,
          role: 'org:admin',
          updatedAt: 2000,
        }),
      );
      expect((await stored(res.deliveryId)).status).toBe('applied');
      expect(await memberships(o.id, userId)).toEqual([expect.objectContaining({ deleted: true })]);
    });

    it('deleted before created: the late created does not revive the membership', async () => {
      const o = acme();
      const userId = uid('user');
      await deliver(
        membershipEvent('organizationMembership.deleted', {
          org: o,
          userId,
          role: 'org:member',
          updatedAt: 2000,
        }),
      );
      await deliver(
        membershipEvent('organizationMembership.created', {
          org: o,
          userId,
          role: 'org:member',
          updatedAt: 1000,
        }),
      );
      const rows = await memberships(o.id, userId);
      expect(rows.every((row) => row.deleted)).toBe(true);
      // A genuinely new membership (created after the deletion) is applied.
      await deliver(
        membershipEvent('organizationMembership.created', {
          org: o,
          userId,
          role: 'org:member',
          updatedAt: 3000,
        }),
      );
      expect((await memberships(o.id, userId)).filter((row) => !row.deleted)).toHaveLength(1);
    });

    it('does not revive a deleted user through a membership', async () => {
      const gone = await makeUser(t.db, { deleted: true, deletedAt: new Date() });
      const o = acme();
      await deliver(
        membershipEvent('organizationMembership.created', {
          org: o,
          userId: gone.id,
          role: 'org:member',
          updatedAt: 1000,
        }),
      );
      expect((await user(gone.id)).deleted).toBe(true);
    });
  });
  describe('payloads that do not fit their event type', () => {
    const team = () => ({ id: uid('org'), name: 'Acme', updatedAt: 1000 });
    const member = (o: ReturnType<typeof team>, userId: string) =>
      membershipEvent('organizationMembership.created', {
        org: o,
        userId,
        role: 'org:member',
        updatedAt: 1000,
      });
    const cases: [string, () => { body: unknown; userId?: string; orgId?: string }][] = [
      [
        'public_user_data: null',
        () => {
          const o = team();
          const event = member(o, uid('user'));
          (event.data as Record<string, unknown>).public_user_data = null;
          return { body: event, orgId: o.id };
        },
      ],
      [
        'created_at: "yesterday"',
        () => {
          const userId = uid('user');
          const event = userEvent('user.created', { id: userId, updatedAt: 1 });
          (event.data as Record<string, unknown>).created_at = 'yesterday';
          return { body: event, userId };
        },
      ],
      [
        'no type',
        () => {
          const userId = uid('user');
          const event: Partial<ReturnType<typeof userEvent>> = userEvent('user.created', {
            id: userId,
            updatedAt: 1,
          });
          delete event.type;
          return { body: event, userId };
        },
      ],
      ['an array body', () => ({ body: [userEvent('user.created', { id: 'x', updatedAt: 1 })] })],
      [
        'a numeric id',
        () => {
          const event = userEvent('user.created', { id: 'placeholder', updatedAt: 1 });
          (event.data as Record<string, unknown>).id = 12345;
          return { body: event, userId: '12345' };
        },
      ],
      [
        'a 10,000-character id',
        () => {
          const userId = `user_${'x'.repeat(10_000)}`;
          return { body: userEvent('user.created', { id: userId, updatedAt: 1 }), userId };
        },
      ],
      [
        'the data of another event type',
        () => {
          const o = team();
          const event = member(o, uid('user'));
          return { body: { ...event, type: 'user.created' }, orgId: o.id };
        },
      ],
    ];

    it.each(cases)('%s: 200 rejected, nothing changed, listed as failed', async (_, make) => {
      const { body, userId, orgId } = make();
      const usersBefore = (await t.db.select().from(users)).length;
      const res = await deliver(body);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'rejected' });
      if (userId) expect(await user(userId)).toBeUndefined();
      if (orgId) expect(await org(orgId)).toBeUndefined();
      expect((await t.db.select().from(users)).length).toBe(usersBefore);
      const admin = await makeUser(t.db, { isAdmin: true });
      const listed = await as(t, admin.id).get(
        `/webhook-deliveries?source=clerk&deliveryId=${res.deliveryId}`,
      );
      expect(listed.body.data).toEqual([
        expect.objectContaining({
          status: 'failed',
          attempts: 0,
          lastError: expect.stringMatching(/^[^\n]+$/),
          appliedAt: null,
          nextAttemptAt: null,
        }),
      ]);
      // The sender's retry is a duplicate, never applied.
      expect((await deliver(body, { id: res.deliveryId })).body.status).toBe('duplicate');
    });
  });

  describe('secret rotation', () => {
    it('accepts a delivery signed with any secret of the comma list', async () => {
      const next = `whsec_${Buffer.from('the-next-secret').toString('base64')}`;
      const rotating = await createTestApp({
        env: { CLERK_WEBHOOK_SIGNING_SECRET: `${CLERK_SECRET}, ${next}` },
      });
      try {
        const post = (secret: string) => {
          const body = JSON.stringify(userEvent('user.created', { id: uid('user'), updatedAt: 1 }));
          return request(rotating.server)
            .post('/webhooks/clerk')
            .set(signClerk(body, { secret }))
            .send(body);
        };
        expect((await post(CLERK_SECRET)).body.status).toBe('queued');
        expect((await post(next)).body.status).toBe('queued');
        const other = await post(`whsec_${Buffer.from('retired').toString('base64')}`);
        expect(other.status).toBe(401);
      } finally {
        await rotating.close();
      }
    });
  });

  describe("Clerk's version kept apart from local edits", () => {
    /** An organization mirrored from Clerk with an admin and a plain member, both from Clerk. */
    async function clerkTeam() {
      const o = { id: uid('org'), name: 'Clerk name', updatedAt: 1000 };
      const adminId = uid('user');
      const memberId = uid('user');
      for (const [userId, role] of [
        [adminId, 'org:admin'],
        [memberId, 'org:member'],
      ] as const) {
        await deliver(
          membershipEvent('organizationMembership.created', {
            org: o,
            userId,
            role,
            updatedAt: 1000,
          }),
        );
      }
      const [row] = await memberships(o.id, memberId);
      return { o, adminId, memberId, membershipId: row.id };
    }

    it('a local PATCH, then an organization.updated from Clerk: Clerk’s newer name applies', async () => {
      const { o, adminId } = await clerkTeam();
      const patched = await as(t, adminId).patch(`/organizations/${o.id}`).send({ name: 'Local' });
      expect(patched.status).toBe(200);
      await deliver(
        organizationEvent('organization.updated', { ...o, name: 'From Clerk', updatedAt: 2000 }),
      );
      expect((await org(o.id)).name).toBe('From Clerk');
    });

    it('Clerk’s update, then a local PATCH: a late, older Clerk event changes nothing', async () => {
      const { o, adminId } = await clerkTeam();
      await deliver(
        organizationEvent('organization.updated', { ...o, name: 'Newer', updatedAt: 3000 }),
      );
      await as(t, adminId).patch(`/organizations/${o.id}`).send({ name: 'Local' });
      const late = await deliver(
        organizationEvent('organization.updated', { ...o, name: 'Older', updatedAt: 2000 }),
      );
      expect((await stored(late.deliveryId)).status).toBe('applied');
      expect((await org(o.id)).name).toBe('Local');
    });

    it('an empty PATCH by a plain member is 403 and makes no Clerk event look old', async () => {
      const { o, memberId } = await clerkTeam();
      const empty = await as(t, memberId).patch(`/organizations/${o.id}`).send({});
      expect(empty.status).toBe(403);
      expect(empty.body.error).toBe('FORBIDDEN');
      await deliver(
        organizationEvent('organization.updated', { ...o, name: 'Renamed', updatedAt: 2000 }),
      );
      expect((await org(o.id)).name).toBe('Renamed');
    });

    it('a local role change, then an older-stamped membership deletion: still applied', async () => {
      const { o, adminId, memberId, membershipId } = await clerkTeam();
      const promoted = await as(t, adminId)
        .patch(`/organizations/${o.id}/members/${membershipId}`)
        .send({ role: 'admin' });
      expect(promoted.status).toBe(200);
      await deliver(
        membershipEvent('organizationMembership.deleted', {
          org: o,
          userId: memberId,
          role: 'org:member',
          updatedAt: 2000,
        }),
      );
      expect(await memberships(o.id, memberId)).toEqual([
        expect.objectContaining({ deleted: true }),
      ]);
      const access = await as(t, memberId).get(`/organizations/${o.id}`);
      expect(access.status).toBe(404);
    });

    it('Clerk’s role change, then a local one: a late, older Clerk update changes nothing', async () => {
      const { o, adminId, memberId, membershipId } = await clerkTeam();
      const event = (role: 'org:admin' | 'org:member', at: number) =>
        membershipEvent('organizationMembership.updated', {
          org: o,
          userId: memberId,
          role,
          updatedAt: at,
        });
      await deliver(event('org:admin', 3000));
      await as(t, adminId)
        .patch(`/organizations/${o.id}/members/${membershipId}`)
        .send({ role: 'member' });
      await deliver(event('org:admin', 2000));
      expect(await memberships(o.id, memberId)).toEqual([
        expect.objectContaining({ role: 'member', deleted: false }),
      ]);
    });
  });

  describe('audit', () => {
    const eventsOf = (orgId: string) =>
      t.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.organizationId, orgId))
        .orderBy(auditEvents.seq);

    it('records Clerk’s organization and membership changes as Clerk', async () => {
      const o = { id: uid('org'), name: 'Audited', updatedAt: 1000 };
      const userId = uid('user');
      const m = (
        type: Parameters<typeof membershipEvent>[0],
        role: 'org:admin' | 'org:member',
        at: number,
      ) => membershipEvent(type, { org: o, userId, role, updatedAt: at });
      await deliver(m('organizationMembership.created', 'org:member', 1000));
      await deliver(m('organizationMembership.updated', 'org:admin', 2000));
      await deliver(
        organizationEvent('organization.updated', { ...o, name: 'Audited 2', updatedAt: 3000 }),
      );
      await deliver(m('organizationMembership.deleted', 'org:admin', 4000));
      await deliver(organizationDeleted(o.id));
      const events = await eventsOf(o.id);
      expect(events.map((e) => [e.action, e.actorType, e.actorId, e.requestId])).toEqual([
        ['member.added', 'clerk', null, null],
        ['member.role_changed', 'clerk', null, null],
        ['organization.updated', 'clerk', null, null],
        ['member.removed', 'clerk', null, null],
        ['organization.deleted', 'clerk', null, null],
      ]);
      expect(events[1].data).toEqual({ userId, from: 'member', to: 'admin' });
      expect(events[2].data).toEqual({ name: { from: 'Audited', to: 'Audited 2' } });
      // Clerk removed the last admin: applied, and said so.
      expect(events[3].data).toEqual({ userId, role: 'admin', lastAdmin: true });
    });

    it('user.deleted that leaves an organization without an active admin is recorded there', async () => {
      const o = { id: uid('org'), name: 'Orphaned', updatedAt: 1000 };
      const adminId = uid('user');
      await deliver(
        membershipEvent('organizationMembership.created', {
          org: o,
          userId: adminId,
          role: 'org:admin',
          updatedAt: 1000,
        }),
      );
      await deliver(userDeleted(adminId));
      const [, removed] = await eventsOf(o.id);
      expect(removed).toMatchObject({
        action: 'member.removed',
        actorType: 'clerk',
        data: { userId: adminId, role: 'admin', reason: 'user deleted in Clerk', lastAdmin: true },
      });
    });
  });
});
