import { and, eq } from 'drizzle-orm';
import { organizationMembers, organizations } from '../../src/db/schema';
import { makeOrganization, makeTeam, makeUser } from '../support/factories';
import { as as asUser } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

describe('organizations', () => {
  let t: TestApp;
  let platformAdminId: string;

  beforeAll(async () => {
    t = await createTestApp();
    platformAdminId = (await makeUser(t.db, { isAdmin: true })).id;
  });
  afterAll(() => t.close());

  const as = (userId: string) => asUser(t, userId);
  const orgRow = async (id: string) =>
    (await t.db.select().from(organizations).where(eq(organizations.id, id)))[0];

  describe('POST /organizations', () => {
    it('creates a FREE organization and makes the caller its admin, in one transaction', async () => {
      const me = await makeUser(t.db);
      const res = await as(me.id).post('/organizations').send({ name: 'Initech' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Initech', plan: 'FREE', deleted: false });
      expect(res.body.id).toMatch(/^org_[A-Za-z0-9_-]{22}$/);
      const members = await t.db
        .select()
        .from(organizationMembers)
        .where(eq(organizationMembers.organizationId, res.body.id));
      expect(members).toEqual([expect.objectContaining({ userId: me.id, role: 'admin' })]);
      const mine = await as(me.id).get('/users/me');
      expect(mine.body.organizations).toEqual([
        { id: res.body.id, name: 'Initech', plan: 'FREE', role: 'admin' },
      ]);
    });

    it('lets only platform admins choose an id or a paid plan', async () => {
      const me = await makeUser(t.db);
      const paid = await as(me.id).post('/organizations').send({ name: 'Paid', plan: 'PRO' });
      expect(paid.status).toBe(403);
      expect(paid.body.error).toBe('FORBIDDEN');
      const withId = await as(me.id).post('/organizations').send({ name: 'Id', id: 'org_mine' });
      expect(withId.status).toBe(403);
      expect(await orgRow('org_mine')).toBeUndefined();
      const admin = await as(platformAdminId)
        .post('/organizations')
        .send({ name: 'Clerk Org', id: 'org_clerk_1', plan: 'ENTERPRISE' });
      expect(admin.status).toBe(201);
      expect(admin.body).toMatchObject({ id: 'org_clerk_1', plan: 'ENTERPRISE' });
      const again = await as(platformAdminId)
        .post('/organizations')
        .send({ name: 'X', id: 'org_clerk_1' });
      expect(again.status).toBe(409);
    });

    it.each([
      ['no name', {}],
      ['an empty name', { name: '' }],
      ['a 201-character name', { name: 'x'.repeat(201) }],
      ['an unknown plan', { name: 'A', plan: 'GOLD' }],
      ['an unknown field', { name: 'A', color: 'red' }],
    ])('refuses %s with 400 and creates nothing', async (_, body) => {
      const me = await makeUser(t.db);
      const res = await as(me.id).post('/organizations').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_FAILED');
      const mine = await t.db
        .select()
        .from(organizationMembers)
        .where(eq(organizationMembers.userId, me.id));
      expect(mine).toEqual([]);
    });
  });

  describe('GET /organizations', () => {
    it('lists only my active organizations, and every one for a platform admin with all=true', async () => {
      const { org, member } = await makeTeam(t.db);
      const other = await makeOrganization(t.db);
      const mine = await as(member.id).get('/organizations');
      expect(mine.status).toBe(200);
      expect(mine.body.data.map((o: { id: string }) => o.id)).toEqual([org.id]);
      expect((await as(member.id).get('/organizations?all=true')).status).toBe(403);
      const all = await as(platformAdminId).get('/organizations?all=true&limit=100');
      expect(all.body.data.map((o: { id: string }) => o.id)).toEqual(
        expect.arrayContaining([org.id, other.id]),
      );
    });
  });

  describe('GET /organizations/:orgId', () => {
    it('shows the organization to members and platform admins, 404 to anyone else', async () => {
      const { org, member } = await makeTeam(t.db);
      const outsider = await makeUser(t.db);
      expect((await as(member.id).get(`/organizations/${org.id}`)).body).toMatchObject({
        id: org.id,
        name: org.name,
      });
      expect((await as(platformAdminId).get(`/organizations/${org.id}`)).status).toBe(200);
      const hidden = await as(outsider.id).get(`/organizations/${org.id}`);
      expect(hidden.status).toBe(404);
      expect(hidden.body.error).toBe('ORGANIZATION_NOT_FOUND');
      expect((await as(outsider.id).get('/organizations/org_does_not_exist')).body).toEqual(
        hidden.body,
      );
    });
  });

  describe('PATCH /organizations/:orgId', () => {
    it('lets org admins rename, and only platform admins change the plan', async () => {
      const { org, admin, member } = await makeTeam(t.db);
      const renamed = await as(admin.id)
        .patch(`/organizations/${org.id}`)
        .send({ name: 'Renamed' });
      expect(renamed.status).toBe(200);
      expect((await orgRow(org.id)).name).toBe('Renamed');
      expect((await orgRow(org.id)).updatedAt.getTime()).toBeGreaterThan(org.updatedAt.getTime());
      expect(
        (await as(member.id).patch(`/organizations/${org.id}`).send({ name: 'No' })).status,
      ).toBe(403);
      expect(
        (await as(admin.id).patch(`/organizations/${org.id}`).send({ plan: 'PRO' })).status,
      ).toBe(403);
      const plan = await as(platformAdminId)
        .patch(`/organizations/${org.id}`)
        .send({ plan: 'PRO' });
      expect(plan.body.plan).toBe('PRO');
      expect((await orgRow(org.id)).name).toBe('Renamed');
    });

    it('answers a non-member 404 even with an invalid body (tenancy before validation)', async () => {
      const { org } = await makeTeam(t.db);
      const outsider = await makeUser(t.db);
      const res = await as(outsider.id)
        .patch(`/organizations/${org.id}`)
        .send({ plan: 'GOLD', x: 1 });
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('ORGANIZATION_NOT_FOUND');
    });
  });

  describe('DELETE and restore', () => {
    it('soft-deletes (org admin), hides it, and a platform admin restores it', async () => {
      const { org, admin, member } = await makeTeam(t.db);
      expect((await as(member.id).delete(`/organizations/${org.id}`)).status).toBe(403);
      expect((await as(admin.id).delete(`/organizations/${org.id}`)).status).toBe(204);
      const stored = await orgRow(org.id);
      expect(stored.deleted).toBe(true);
      expect(stored.deletedAt).toBeInstanceOf(Date);
      expect((await as(admin.id).get(`/organizations/${org.id}`)).status).toBe(404);
      expect((await as(member.id).get(`/organizations/${org.id}/members`)).status).toBe(404);
      expect((await as(admin.id).get('/users/me')).body.organizations).toEqual([]);
      expect((await as(platformAdminId).get(`/organizations/${org.id}`)).status).toBe(404);
      const seen = await as(platformAdminId).get(`/organizations/${org.id}?includeDeleted=true`);
      expect(seen.body.deleted).toBe(true);

      expect((await as(admin.id).post(`/organizations/${org.id}/restore`)).status).toBe(404);
      const restored = await as(platformAdminId).post(`/organizations/${org.id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body.deleted).toBe(false);
      expect((await as(member.id).get(`/organizations/${org.id}`)).status).toBe(200);
      const memberships = await t.db
        .select()
        .from(organizationMembers)
        .where(
          and(
            eq(organizationMembers.organizationId, org.id),
            eq(organizationMembers.deleted, false),
          ),
        );
      expect(memberships).toHaveLength(2);
    });
  });
});
