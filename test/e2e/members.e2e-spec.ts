import { and, eq } from 'drizzle-orm';
import { organizationMembers, users } from '../../src/db/schema';
import { makeMember, makeTeam, makeUser } from '../support/factories';
import { as as asUser } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

describe('organization members', () => {
  let t: TestApp;
  let platformAdminId: string;

  beforeAll(async () => {
    t = await createTestApp();
    platformAdminId = (await makeUser(t.db, { isAdmin: true })).id;
  });
  afterAll(() => t.close());

  const as = (userId: string) => asUser(t, userId);
  const activeRows = (organizationId: string) =>
    t.db
      .select()
      .from(organizationMembers)
      .where(
        and(
          eq(organizationMembers.organizationId, organizationId),
          eq(organizationMembers.deleted, false),
        ),
      );

  describe('GET /organizations/:orgId/members', () => {
    it('lists members with their user nested, leaving out deleted users', async () => {
      const { org, admin, member } = await makeTeam(t.db);
      const gone = await makeUser(t.db, { deleted: true, deletedAt: new Date() });
      await makeMember(t.db, org.id, gone.id);
      const res = await as(member.id).get(`/organizations/${org.id}/members`);
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      expect(res.body.data.map((m: { userId: string }) => m.userId).sort()).toEqual(
        [admin.id, member.id].sort(),
      );
      expect(res.body.data[0]).toEqual({
        id: expect.any(String),
        organizationId: org.id,
        userId: expect.any(String),
        role: expect.stringMatching(/^(admin|member)$/),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        user: {
          id: expect.any(String),
          email: expect.any(String),
          firstName: 'Test',
          lastName: 'User',
          photoUrl: 'https://example.com/a.png',
        },
      });
    });

    it('walks a long list once with no duplicates', async () => {
      const { org, admin } = await makeTeam(t.db);
      for (let i = 0; i < 9; i++) await makeMember(t.db, org.id, (await makeUser(t.db)).id);
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await as(admin.id).get(
          `/organizations/${org.id}/members?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.data.map((m: { id: string }) => m.id));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toHaveLength(11);
      expect(new Set(seen).size).toBe(11);
    });
  });

  describe('POST /organizations/:orgId/members', () => {
    it('adds a user to any organization (platform admin) and answers 201 with the member', async () => {
      const { org } = await makeTeam(t.db);
      const newcomer = await makeUser(t.db);
      const res = await as(platformAdminId)
        .post(`/organizations/${org.id}/members`)
        .send({ userId: newcomer.id, role: 'member' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        organizationId: org.id,
        userId: newcomer.id,
        role: 'member',
      });
      expect(res.body.id).toMatch(/^org_mem_/);
      expect(res.body.user.id).toBe(newcomer.id);
    });

    it('answers 409 MEMBER_ALREADY_EXISTS, 404 for unknown or deleted users, 403 for org admins and members', async () => {
      const { org, admin, member } = await makeTeam(t.db);
      const dup = await as(platformAdminId)
        .post(`/organizations/${org.id}/members`)
        .send({ userId: member.id, role: 'admin' });
      expect(dup.status).toBe(409);
      expect(dup.body.error).toBe('MEMBER_ALREADY_EXISTS');
      const unknown = await as(platformAdminId)
        .post(`/organizations/${org.id}/members`)
        .send({ userId: 'user_nobody', role: 'member' });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toBe('USER_NOT_FOUND');
      const gone = await makeUser(t.db, { deleted: true, deletedAt: new Date() });
      expect(
        (
          await as(platformAdminId)
            .post(`/organizations/${org.id}/members`)
            .send({ userId: gone.id, role: 'member' })
        ).status,
      ).toBe(404);
      const other = await makeUser(t.db);
      // Organization admins invite instead: nobody is made a member without agreeing.
      for (const caller of [admin.id, member.id]) {
        const forbidden = await as(caller)
          .post(`/organizations/${org.id}/members`)
          .send({ userId: other.id, role: 'member' });
        expect(forbidden.status).toBe(403);
        expect(forbidden.body.error).toBe('FORBIDDEN');
      }
      expect(await activeRows(org.id)).toHaveLength(2);
    });

    it('refuses bad bodies with 400', async () => {
      const { org, admin } = await makeTeam(t.db);
      const res = await as(platformAdminId)
        .post(`/organizations/${org.id}/members`)
        .send({ userId: admin.id, role: 'owner' });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'role' })]);
    });

    it('of ten simultaneous adds of one user, exactly one wins', async () => {
      const { org } = await makeTeam(t.db);
      const newcomer = await makeUser(t.db);
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          as(platformAdminId)
            .post(`/organizations/${org.id}/members`)
            .send({ userId: newcomer.id, role: 'member' }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
      const rows = (await activeRows(org.id)).filter((m) => m.userId === newcomer.id);
      expect(rows).toHaveLength(1);
    });
  });

  describe('PATCH /organizations/:orgId/members/:memberId', () => {
    it('changes a role and moves updatedAt', async () => {
      const { org, admin, memberMembership } = await makeTeam(t.db);
      const res = await as(admin.id)
        .patch(`/organizations/${org.id}/members/${memberMembership.id}`)
        .send({ role: 'admin' });
      expect(res.status).toBe(200);
      expect(res.body.role).toBe('admin');
      const [row] = await t.db
        .select()
        .from(organizationMembers)
        .where(eq(organizationMembers.id, memberMembership.id));
      expect(row.updatedAt.getTime()).toBeGreaterThan(memberMembership.updatedAt.getTime());
    });

    it('refuses to demote the last admin with 409 LAST_ADMIN', async () => {
      const { org, admin, adminMembership } = await makeTeam(t.db);
      const res = await as(admin.id)
        .patch(`/organizations/${org.id}/members/${adminMembership.id}`)
        .send({ role: 'member' });
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('LAST_ADMIN');
      const [row] = await t.db
        .select()
        .from(organizationMembers)
        .where(eq(organizationMembers.id, adminMembership.id));
      expect(row.role).toBe('admin');
    });

    it('does not count an admin whose user was deleted', async () => {
      const { org, admin, adminMembership } = await makeTeam(t.db);
      const ghost = await makeUser(t.db);
      await makeMember(t.db, org.id, ghost.id, 'admin');
      await t.db
        .update(users)
        .set({ deleted: true, deletedAt: new Date() })
        .where(eq(users.id, ghost.id));
      const res = await as(admin.id)
        .patch(`/organizations/${org.id}/members/${adminMembership.id}`)
        .send({ role: 'member' });
      expect(res.status).toBe(409);
    });

    it('two admins demoting each other at once leave exactly one admin', async () => {
      const { org, admin, adminMembership } = await makeTeam(t.db);
      const second = await makeUser(t.db);
      const secondMembership = await makeMember(t.db, org.id, second.id, 'admin');
      const [a, b] = await Promise.all([
        as(admin.id)
          .patch(`/organizations/${org.id}/members/${secondMembership.id}`)
          .send({ role: 'member' }),
        as(second.id)
          .patch(`/organizations/${org.id}/members/${adminMembership.id}`)
          .send({ role: 'member' }),
      ]);
      // The loser finds itself demoted once it holds the lock (403), or no admin left (409).
      const statuses = [a.status, b.status].sort();
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const admins = (await activeRows(org.id)).filter((m) => m.role === 'admin');
      expect(admins).toHaveLength(1);
    });

    it("answers 404 MEMBER_NOT_FOUND for another organization's member id", async () => {
      const mine = await makeTeam(t.db);
      const theirs = await makeTeam(t.db);
      const res = await as(mine.admin.id)
        .patch(`/organizations/${mine.org.id}/members/${theirs.memberMembership.id}`)
        .send({ role: 'admin' });
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('MEMBER_NOT_FOUND');
    });
  });

  describe('DELETE /organizations/:orgId/members/:memberId', () => {
    it('removes a member (org admin): the row stays, soft-deleted; the user can be added again', async () => {
      const { org, admin, member, memberMembership } = await makeTeam(t.db);
      const res = await as(admin.id).delete(
        `/organizations/${org.id}/members/${memberMembership.id}`,
      );
      expect(res.status).toBe(204);
      const [row] = await t.db
        .select()
        .from(organizationMembers)
        .where(eq(organizationMembers.id, memberMembership.id));
      expect(row).toMatchObject({ deleted: true, deletedAt: expect.any(Date) });
      expect((await as(member.id).get(`/organizations/${org.id}`)).status).toBe(404);
      const again = await as(platformAdminId)
        .post(`/organizations/${org.id}/members`)
        .send({ userId: member.id, role: 'member' });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(memberMembership.id);
    });

    it('lets a member leave, but not remove someone else', async () => {
      const { org, member, adminMembership, memberMembership } = await makeTeam(t.db);
      const other = await as(member.id).delete(
        `/organizations/${org.id}/members/${adminMembership.id}`,
      );
      expect(other.status).toBe(403);
      const leave = await as(member.id).delete(
        `/organizations/${org.id}/members/${memberMembership.id}`,
      );
      expect(leave.status).toBe(204);
      expect(await activeRows(org.id)).toHaveLength(1);
    });

    it('refuses to let the last admin leave or be removed', async () => {
      const { org, admin, adminMembership } = await makeTeam(t.db);
      const res = await as(admin.id).delete(
        `/organizations/${org.id}/members/${adminMembership.id}`,
      );
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('LAST_ADMIN');
      const byPlatform = await as(platformAdminId).delete(
        `/organizations/${org.id}/members/${adminMembership.id}`,
      );
      expect(byPlatform.status).toBe(409);
      expect(await activeRows(org.id)).toHaveLength(2);
    });
  });

  describe('tenancy', () => {
    it('answers 404 ORGANIZATION_NOT_FOUND on every member route to outsiders, before validation', async () => {
      const { org, memberMembership } = await makeTeam(t.db);
      const otherAdmin = (await makeTeam(t.db)).admin;
      const base = `/organizations/${org.id}/members`;
      const calls = [
        as(otherAdmin.id).get(base),
        as(otherAdmin.id).post(base).send({ userId: otherAdmin.id, role: 'admin' }),
        as(otherAdmin.id).post(base).send({ bogus: true }),
        as(otherAdmin.id).patch(`${base}/${memberMembership.id}`).send({ role: 'admin' }),
        as(otherAdmin.id).patch(`${base}/${memberMembership.id}`).send({ role: 42 }),
        as(otherAdmin.id).delete(`${base}/${memberMembership.id}`),
        as(otherAdmin.id).get(`/organizations/${'x'.repeat(200)}/members`),
      ];
      for (const res of await Promise.all(calls)) {
        expect(res.status).toBe(404);
        expect(res.body.error).toBe('ORGANIZATION_NOT_FOUND');
      }
      expect(await activeRows(org.id)).toHaveLength(2);
    });
  });
});
