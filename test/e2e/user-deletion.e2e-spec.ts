import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { organizationMembers, users } from '../../src/db/schema';
import { bearer } from '../support/auth';
import { CLERK_SECRET, signClerk, userDeleted } from '../support/clerk-events';
import { makeMember, makeOrganization, makeUser } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

/** DELETE /users/:userId may not leave an active organization without an active admin. */
describe('deleting a user who is an organization’s only admin', () => {
  let t: TestApp;
  let platformAdmin: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { CLERK_WEBHOOK_SIGNING_SECRET: CLERK_SECRET } });
    platformAdmin = (await makeUser(t.db, { isAdmin: true })).id;
  });
  afterAll(() => t.close());

  const deleteUser = (id: string) =>
    request(t.server).delete(`/users/${id}`).set('Authorization', bearer(platformAdmin));
  const memberships = (userId: string) =>
    t.db.select().from(organizationMembers).where(eq(organizationMembers.userId, userId));

  it('answers 409 LAST_ADMIN naming each such organization, and changes nothing', async () => {
    const user = await makeUser(t.db);
    const onlyAdmin = await makeOrganization(t.db, { name: 'Only Admin Co' });
    await makeMember(t.db, onlyAdmin.id, user.id, 'admin');
    await makeMember(t.db, onlyAdmin.id, (await makeUser(t.db)).id, 'member');
    // The other admin's account is deleted: that admin does not count.
    const deletedCoAdmin = await makeOrganization(t.db, { name: 'Ghost Admin Co' });
    await makeMember(t.db, deletedCoAdmin.id, user.id, 'admin');
    const ghost = await makeUser(t.db, { deleted: true, deletedAt: new Date() });
    await makeMember(t.db, deletedCoAdmin.id, ghost.id, 'admin');
    // Not named: another active admin; a deleted organization; a plain membership.
    const shared = await makeOrganization(t.db);
    await makeMember(t.db, shared.id, user.id, 'admin');
    await makeMember(t.db, shared.id, (await makeUser(t.db)).id, 'admin');
    const gone = await makeOrganization(t.db, { deleted: true, deletedAt: new Date() });
    await makeMember(t.db, gone.id, user.id, 'admin');
    const asMember = await makeOrganization(t.db);
    await makeMember(t.db, asMember.id, user.id, 'member');
    const before = await memberships(user.id);

    const res = await deleteUser(user.id);

    expect(res.status).toBe(409);
    expect(res.body.error).toBe('LAST_ADMIN');
    expect(res.body.message).toMatch(/only admin of 2 organization/);
    expect(
      [...res.body.details].sort((a, b) => (a.organizationId < b.organizationId ? -1 : 1)),
    ).toEqual(
      [onlyAdmin, deletedCoAdmin]
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .map((org) => ({
          organizationId: org.id,
          message: `${org.name} (${org.id}) has no other active admin`,
        })),
    );
    const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ deleted: false, deletedAt: null, updatedAt: user.updatedAt });
    expect(await memberships(user.id)).toEqual(before);
    expect(
      (await request(t.server).get('/users/me').set('Authorization', bearer(user.id))).status,
    ).toBe(200);
  });

  it('deletes the user once someone else is admin there', async () => {
    const user = await makeUser(t.db);
    const org = await makeOrganization(t.db);
    await makeMember(t.db, org.id, user.id, 'admin');
    const colleague = await makeMember(t.db, org.id, (await makeUser(t.db)).id, 'member');
    expect((await deleteUser(user.id)).status).toBe(409);
    await t.db
      .update(organizationMembers)
      .set({ role: 'admin' })
      .where(eq(organizationMembers.id, colleague.id));
    expect((await deleteUser(user.id)).status).toBe(204);
    expect(
      (await request(t.server).get('/users/me').set('Authorization', bearer(user.id))).body.error,
    ).toBe('USER_NOT_PROVISIONED');
  });

  it('still answers 404 for an unknown or already deleted user', async () => {
    expect((await deleteUser('user_nobody')).body.error).toBe('USER_NOT_FOUND');
    const gone = await makeUser(t.db, { deleted: true, deletedAt: new Date() });
    expect((await deleteUser(gone.id)).body.error).toBe('USER_NOT_FOUND');
  });

  it('keeps an admin when the two admins are removed at the same time, in either way', async () => {
    for (let round = 0; round < 5; round++) {
      const org = await makeOrganization(t.db);
      const a = await makeUser(t.db);
      const b = await makeUser(t.db);
      await makeMember(t.db, org.id, a.id, 'admin');
      const bMembership = await makeMember(t.db, org.id, b.id, 'admin');
      const [deleteA, bLeaves] = await Promise.all([
        deleteUser(a.id),
        request(t.server)
          .delete(`/organizations/${org.id}/members/${bMembership.id}`)
          .set('Authorization', bearer(b.id)),
      ]);
      expect([deleteA.status, bLeaves.status].sort()).toEqual([204, 409]);
      const activeAdmins = await t.db
        .select({ id: organizationMembers.id })
        .from(organizationMembers)
        .innerJoin(users, eq(users.id, organizationMembers.userId))
        .where(
          and(
            eq(organizationMembers.organizationId, org.id),
            eq(organizationMembers.role, 'admin'),
            eq(organizationMembers.deleted, false),
            eq(users.deleted, false),
          ),
        );
      expect(activeAdmins).toHaveLength(1);
    }
  });

  it('does not stop Clerk: user.deleted applies even to an only admin', async () => {
    const user = await makeUser(t.db);
    const org = await makeOrganization(t.db);
    await makeMember(t.db, org.id, user.id, 'admin');
    const body = JSON.stringify(userDeleted(user.id));
    const res = await request(t.server).post('/webhooks/clerk').set(signClerk(body)).send(body);
    expect(res.status).toBe(200);
    // Applied in the request today; a queued delivery would be applied shortly after.
    const deadline = Date.now() + 5000;
    let deleted = false;
    while (!deleted && Date.now() < deadline) {
      const [row] = await t.db.select().from(users).where(eq(users.id, user.id));
      deleted = row.deleted;
      if (!deleted) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(deleted).toBe(true);
  });
});
