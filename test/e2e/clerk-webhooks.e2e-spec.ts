import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { organizationMembers, organizations, users, webhookDeliveries } from '../../src/db/schema';
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
import { makeUser } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('POST /webhooks/clerk', () => {
  let t: TestApp;
  let n = 0;
  const uid = (prefix: string) => `${prefix}_${Date.now().toString(36)}${n++}`;

  beforeAll(async () => {
    t = await createTestApp({ env: { CLERK_WEBHOOK_SIGNING_SECRET: CLERK_SECRET } });
  });
  afterAll(() => t.close());

  const deliver = (event: object, options: Parameters<typeof signClerk>[1] = {}) => {
    const body = JSON.stringify(event);
    return request(t.server).post('/webhooks/clerk').set(signClerk(body, options)).send(body);
  };
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
      expect(res.body).toEqual({ status: 'applied' });
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
      await t.db.update(users).set({ firstName: 'Changed since' }).where(eq(users.id, id));
      const again = await request(t.server).post('/webhooks/clerk').set(headers).send(body);
      expect([first.body.status, again.body.status]).toEqual(['applied', 'duplicate']);
      expect((await user(id)).firstName).toBe('Changed since');
      const recorded = await t.db
        .select()
        .from(webhookDeliveries)
        .where(eq(webhookDeliveries.deliveryId, 'msg_replayed_once'));
      expect(recorded).toEqual([
        expect.objectContaining({
          source: 'clerk',
          event: 'user.created',
          appliedAt: expect.any(Date),
        }),
      ]);
    });

    it('acknowledges event types it does not use', async () => {
      const res = await deliver({
        ...userDeleted('x'),
        type: 'session.created',
        data: { id: 'sess_1' },
      });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('ignored');
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
      expect(res.body.status).toBe('applied');
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
      expect(res.body.status).toBe('applied');
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
});
