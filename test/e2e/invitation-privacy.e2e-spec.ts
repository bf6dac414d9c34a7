import { and, eq } from 'drizzle-orm';
import { organizationMembers } from '../../src/db/schema';
import { makeUser } from '../support/factories';
import { as as asUser } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

/**
 * Nobody becomes a member, or is shown to an organization, without agreeing. Any signed-in user
 * can create an organization and so be its admin: these tests take that user's side.
 */
describe('invitations keep profiles private until the invitee agrees', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const as = (userId: string) => asUser(t, userId);
  const PROFILE = /firstName|lastName|photoUrl|Victoria|Private|victoria\.png/;

  async function founderAndVictim() {
    const founder = await makeUser(t.db);
    const victim = await makeUser(t.db, {
      // An address that does not spell the user id, so a leaked id would show.
      email: `victoria.${Math.random().toString(36).slice(2)}@example.com`,
      firstName: 'Victoria',
      lastName: 'Private',
      photoUrl: 'https://img.test/victoria.png',
    });
    const created = await as(founder.id).post('/organizations').send({ name: 'Trap Inc.' });
    expect(created.status).toBe(201);
    return { founder, victim, orgId: created.body.id as string };
  }
  const activeMemberships = (userId: string) =>
    t.db
      .select()
      .from(organizationMembers)
      .where(and(eq(organizationMembers.userId, userId), eq(organizationMembers.deleted, false)));

  it('an organization admin cannot add a user by id: 403 whether the id exists or not, nothing shown or written', async () => {
    const { founder, victim, orgId } = await founderAndVictim();
    const byId = await as(founder.id)
      .post(`/organizations/${orgId}/members`)
      .send({ userId: victim.id, role: 'member' });
    const unknownId = await as(founder.id)
      .post(`/organizations/${orgId}/members`)
      .send({ userId: 'user_does_not_exist', role: 'member' });
    expect(byId.status).toBe(403);
    expect(byId.body).toEqual({ error: 'FORBIDDEN', message: 'Platform administrators only' });
    expect(unknownId.body).toEqual(byId.body);
    expect(await activeMemberships(victim.id)).toEqual([]);
    expect((await as(founder.id).get(`/users/${victim.id}`)).status).toBe(404);
    expect((await as(victim.id).get('/users/me')).body.organizations).toEqual([]);
  });

  it('an invitation shows only the address and role, and answers alike whether anyone has that address', async () => {
    const { founder, victim, orgId } = await founderAndVictim();
    const toUser = await as(founder.id)
      .post(`/organizations/${orgId}/invitations`)
      .send({ email: victim.email, role: 'member' });
    const toNobody = await as(founder.id)
      .post(`/organizations/${orgId}/invitations`)
      .send({ email: 'nobody-here@example.com', role: 'member' });
    expect([toUser.status, toNobody.status]).toEqual([201, 201]);
    expect(Object.keys(toUser.body).sort()).toEqual(Object.keys(toNobody.body).sort());
    expect({
      ...toUser.body,
      id: 'x',
      email: 'x',
      createdAt: 'x',
      updatedAt: 'x',
      expiresAt: 'x',
    }).toEqual({
      ...toNobody.body,
      id: 'x',
      email: 'x',
      createdAt: 'x',
      updatedAt: 'x',
      expiresAt: 'x',
    });
    const list = await as(founder.id).get(`/organizations/${orgId}/invitations`);
    expect(list.status).toBe(200);
    expect(JSON.stringify([toUser.body, list.body])).not.toMatch(PROFILE);
    expect(JSON.stringify([toUser.body, list.body])).not.toContain(victim.id);

    // Pending is not agreeing: the victim stays hidden and outside.
    expect((await as(founder.id).get(`/users/${victim.id}`)).status).toBe(404);
    expect((await as(founder.id).get(`/organizations/${orgId}/members`)).body.data).toHaveLength(1);
    expect((await as(victim.id).get('/users/me')).body.organizations).toEqual([]);
    expect((await as(victim.id).get(`/organizations/${orgId}`)).status).toBe(404);
  });

  it('declining keeps the invitee hidden; accepting makes them a member, visible to fellow members', async () => {
    const { founder, victim, orgId } = await founderAndVictim();
    const send = () =>
      as(founder.id)
        .post(`/organizations/${orgId}/invitations`)
        .send({ email: victim.email, role: 'member' });
    const declined = await send();
    expect(
      (await as(victim.id).post(`/users/me/invitations/${declined.body.id}/decline`)).status,
    ).toBe(200);
    expect((await as(founder.id).get(`/users/${victim.id}`)).status).toBe(404);

    const again = await send();
    expect(again.status).toBe(201);
    const accepted = await as(victim.id).post(`/users/me/invitations/${again.body.id}/accept`);
    expect(accepted.status).toBe(201);
    const profile = await as(founder.id).get(`/users/${victim.id}`);
    expect(profile.status).toBe(200);
    expect(profile.body.firstName).toBe('Victoria');
    const list = await as(founder.id).get(`/organizations/${orgId}/invitations`);
    expect(list.body.data.map((i: { status: string }) => i.status)).toEqual([
      'accepted',
      'declined',
    ]);
    expect(JSON.stringify(list.body)).not.toMatch(PROFILE);
  });
});
