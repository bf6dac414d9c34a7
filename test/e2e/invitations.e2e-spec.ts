import { and, eq } from 'drizzle-orm';
import { invitations, organizationMembers, organizations } from '../../src/db/schema';
import { makeInvitation, makeMember, makeTeam, makeUser } from '../support/factories';
import { as as asUser } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

const DAY = 24 * 3600_000;
const past = () => new Date(Date.now() - 1000);

describe('invitations', () => {
  let t: TestApp;
  let platformAdminId: string;

  beforeAll(async () => {
    t = await createTestApp();
    platformAdminId = (await makeUser(t.db, { isAdmin: true })).id;
  });
  afterAll(() => t.close());

  const as = (userId: string) => asUser(t, userId);
  const base = (orgId: string) => `/organizations/${orgId}/invitations`;
  const invite = (adminId: string, orgId: string, email: string, role = 'member') =>
    as(adminId).post(base(orgId)).send({ email, role });
  const rowOf = async (id: string) =>
    (await t.db.select().from(invitations).where(eq(invitations.id, id)))[0];
  const membershipsOf = (orgId: string, userId: string) =>
    t.db
      .select()
      .from(organizationMembers)
      .where(
        and(
          eq(organizationMembers.organizationId, orgId),
          eq(organizationMembers.userId, userId),
          eq(organizationMembers.deleted, false),
        ),
      );
  const statuses = async (adminId: string, orgId: string, query = '') => {
    const res = await as(adminId).get(`${base(orgId)}${query}`);
    expect(res.status).toBe(200);
    return (res.body.data as { email: string; status: string }[]).map((i) => [i.email, i.status]);
  };

  describe('POST /organizations/:orgId/invitations', () => {
    it('invites an address with a role: 201, pending for exactly seven days', async () => {
      const { org, admin } = await makeTeam(t.db);
      const res = await invite(admin.id, org.id, 'New.Person@Example.com', 'admin');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^inv_/),
        organizationId: org.id,
        email: 'New.Person@Example.com',
        role: 'admin',
        status: 'pending',
        invitedBy: admin.id,
        expiresAt: expect.any(String),
        respondedAt: null,
        memberId: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(Date.parse(res.body.expiresAt) - Date.parse(res.body.createdAt)).toBe(7 * DAY);
      expect(await rowOf(res.body.id)).toMatchObject({ status: 'pending', invitedBy: admin.id });
    });

    it('answers 409 INVITATION_ALREADY_PENDING for the same address in any case, in that organization only', async () => {
      const { org, admin } = await makeTeam(t.db);
      const other = await makeTeam(t.db);
      expect((await invite(admin.id, org.id, 'dup@example.com')).status).toBe(201);
      const dup = await invite(admin.id, org.id, 'DUP@Example.COM', 'admin');
      expect(dup.status).toBe(409);
      expect(dup.body.error).toBe('INVITATION_ALREADY_PENDING');
      expect((await invite(other.admin.id, other.org.id, 'dup@example.com')).status).toBe(201);
      expect(await statuses(admin.id, org.id)).toEqual([['dup@example.com', 'pending']]);
    });

    it('answers 409 MEMBER_ALREADY_EXISTS for an active member’s address; one who left may be invited', async () => {
      const { org, admin, member, memberMembership } = await makeTeam(t.db);
      const res = await invite(admin.id, org.id, member.email.toUpperCase());
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('MEMBER_ALREADY_EXISTS');
      await as(member.id).delete(`/organizations/${org.id}/members/${memberMembership.id}`);
      expect((await invite(admin.id, org.id, member.email)).status).toBe(201);
    });

    it('makes a new invitation possible once the pending one is past its date', async () => {
      const { org, admin } = await makeTeam(t.db);
      const old = await makeInvitation(t.db, org.id, 'late@example.com', { expiresAt: past() });
      const res = await invite(admin.id, org.id, 'Late@example.com');
      expect(res.status).toBe(201);
      expect((await rowOf(old.id)).status).toBe('expired');
      expect(await statuses(admin.id, org.id)).toEqual([
        ['Late@example.com', 'pending'],
        ['late@example.com', 'expired'],
      ]);
    });

    it('of five simultaneous invitations of one address, exactly one is made', async () => {
      const { org, admin } = await makeTeam(t.db);
      const results = await Promise.all(
        ['a@x.test', 'A@x.test', 'a@X.test', 'a@x.TEST', 'A@X.TEST'].map((email) =>
          invite(admin.id, org.id, email),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      expect(
        await t.db.select().from(invitations).where(eq(invitations.organizationId, org.id)),
      ).toHaveLength(1);
    });

    it('refuses bad bodies with 400, members with 403, outsiders with 404 before validation', async () => {
      const { org, admin, member } = await makeTeam(t.db);
      const outsider = (await makeTeam(t.db)).admin;
      for (const body of [
        { email: 'not-an-email', role: 'member' },
        { email: 'a@b.test', role: 'owner' },
        { email: 'a@b.test', role: 'member', userId: member.id },
        { email: `a\u0000@b.test`, role: 'member' },
        {},
      ]) {
        const res = await as(admin.id).post(base(org.id)).send(body);
        expect({ body, status: res.status, error: res.body.error }).toEqual({
          body,
          status: 400,
          error: 'VALIDATION_FAILED',
        });
      }
      expect((await invite(member.id, org.id, 'm@x.test')).status).toBe(403);
      const hidden = await as(outsider.id).post(base(org.id)).send({ bogus: true });
      expect(hidden.status).toBe(404);
      expect(hidden.body.error).toBe('ORGANIZATION_NOT_FOUND');
      expect(
        await t.db.select().from(invitations).where(eq(invitations.organizationId, org.id)),
      ).toEqual([]);
    });
  });

  describe('GET /organizations/:orgId/invitations', () => {
    it('lists newest first in cursor pages, every status by default, filtered by ?status=', async () => {
      const { org, admin } = await makeTeam(t.db);
      const day = (n: number) => new Date(Date.UTC(2030, 0, n));
      const made = [
        ['p1@x.test', { createdAt: day(1), expiresAt: new Date(Date.now() + DAY) }],
        ['e1@x.test', { createdAt: day(2), expiresAt: past() }],
        ['a1@x.test', { createdAt: day(3), status: 'accepted' }],
        ['d1@x.test', { createdAt: day(4), status: 'declined' }],
        ['r1@x.test', { createdAt: day(5), status: 'revoked' }],
        ['e2@x.test', { createdAt: day(6), status: 'expired', expiresAt: past() }],
      ] as const;
      for (const [email, overrides] of made) await makeInvitation(t.db, org.id, email, overrides);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await as(admin.id).get(
          `${base(org.id)}?limit=4${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.status).toBe(200);
        seen.push(...res.body.data.map((i: { email: string }) => i.email));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual(made.map(([email]) => email).reverse());

      expect(await statuses(admin.id, org.id, '?status=pending')).toEqual([
        ['p1@x.test', 'pending'],
      ]);
      expect(await statuses(admin.id, org.id, '?status=expired')).toEqual([
        ['e2@x.test', 'expired'],
        ['e1@x.test', 'expired'],
      ]);
      for (const status of ['accepted', 'declined', 'revoked']) {
        expect(await statuses(admin.id, org.id, `?status=${status}`)).toEqual([
          [`${status[0]}1@x.test`, status],
        ]);
      }
      const bad = await as(admin.id).get(`${base(org.id)}?status=gone`);
      expect(bad.status).toBe(400);
      expect(bad.body.details).toEqual([expect.objectContaining({ field: 'status' })]);
      expect((await as(admin.id).get(`${base(org.id)}?cursor=forged`)).status).toBe(400);
    });

    it('is for org admins and platform admins only', async () => {
      const { org, member } = await makeTeam(t.db);
      expect((await as(member.id).get(base(org.id))).status).toBe(403);
      expect((await as(platformAdminId).get(base(org.id))).status).toBe(200);
    });
  });

  describe('DELETE /organizations/:orgId/invitations/:invitationId', () => {
    it('revokes a pending invitation (204); anything not pending is 409 INVITATION_NOT_PENDING', async () => {
      const { org, admin } = await makeTeam(t.db);
      const invitee = await makeUser(t.db);
      const pending = await makeInvitation(t.db, org.id, invitee.email);
      const res = await as(admin.id).delete(`${base(org.id)}/${pending.id}`);
      expect(res.status).toBe(204);
      expect(await rowOf(pending.id)).toMatchObject({
        status: 'revoked',
        respondedAt: expect.any(Date),
      });
      const accept = await as(invitee.id).post(`/users/me/invitations/${pending.id}/accept`);
      expect(accept.status).toBe(409);
      expect(accept.body.error).toBe('INVITATION_NOT_PENDING');

      const expired = await makeInvitation(t.db, org.id, 'x@x.test', { expiresAt: past() });
      const accepted = await makeInvitation(t.db, org.id, 'y@x.test', { status: 'accepted' });
      for (const id of [pending.id, expired.id, accepted.id]) {
        const again = await as(admin.id).delete(`${base(org.id)}/${id}`);
        expect(again.status).toBe(409);
        expect(again.body.error).toBe('INVITATION_NOT_PENDING');
      }
      expect((await rowOf(expired.id)).status).toBe('pending');
    });

    it("answers 404 INVITATION_NOT_FOUND for unknown, overlong or another organization's ids", async () => {
      const { org, admin } = await makeTeam(t.db);
      const theirs = await makeTeam(t.db);
      const foreign = await makeInvitation(t.db, theirs.org.id, 'f@x.test');
      for (const id of ['inv_missing', foreign.id, 'x'.repeat(200)]) {
        const res = await as(admin.id).delete(`${base(org.id)}/${id}`);
        expect(res.status).toBe(404);
        expect(res.body.error).toBe('INVITATION_NOT_FOUND');
      }
      expect((await rowOf(foreign.id)).status).toBe('pending');
    });
  });

  describe('the invitee', () => {
    it('lists their pending invitations (email in any case) with the organization’s id and name', async () => {
      const invitee = await makeUser(t.db, { email: 'Invitee.One@Example.com' });
      const a = await makeTeam(t.db);
      const b = await makeTeam(t.db);
      const gone = await makeTeam(t.db);
      const mine = await makeInvitation(t.db, a.org.id, 'invitee.one@example.com', {
        role: 'admin',
      });
      const older = await makeInvitation(t.db, b.org.id, 'INVITEE.ONE@example.com', {
        createdAt: new Date(Date.now() - DAY),
      });
      await makeInvitation(t.db, a.org.id, 'someone.else@example.com');
      await makeInvitation(t.db, b.org.id, 'invitee.one@example.com', { status: 'declined' });
      await makeInvitation(t.db, gone.org.id, 'invitee.one@example.com');
      await t.db
        .update(organizations)
        .set({ deleted: true })
        .where(eq(organizations.id, gone.org.id));
      const c = await makeTeam(t.db);
      await makeInvitation(t.db, c.org.id, 'invitee.one@example.com', { expiresAt: past() });

      const res = await as(invitee.id).get('/users/me/invitations');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: [
          {
            id: mine.id,
            organization: { id: a.org.id, name: a.org.name },
            email: 'invitee.one@example.com',
            role: 'admin',
            status: 'pending',
            expiresAt: mine.expiresAt.toISOString(),
            respondedAt: null,
            createdAt: mine.createdAt.toISOString(),
          },
          expect.objectContaining({ id: older.id }),
        ],
        nextCursor: null,
      });
      const first = await as(invitee.id).get('/users/me/invitations?limit=1');
      expect(first.body.data.map((i: { id: string }) => i.id)).toEqual([mine.id]);
      const second = await as(invitee.id).get(
        `/users/me/invitations?limit=1&cursor=${first.body.nextCursor}`,
      );
      expect(second.body).toEqual({
        data: [expect.objectContaining({ id: older.id })],
        nextCursor: null,
      });
    });

    it('accepts: 201 with the new member; the invitation is accepted; accepting again is 409', async () => {
      const { org } = await makeTeam(t.db);
      const invitee = await makeUser(t.db);
      const invitation = await makeInvitation(t.db, org.id, invitee.email.toUpperCase(), {
        role: 'admin',
      });
      const res = await as(invitee.id).post(`/users/me/invitations/${invitation.id}/accept`);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(/^org_mem_/),
        organizationId: org.id,
        userId: invitee.id,
        role: 'admin',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        user: {
          id: invitee.id,
          email: invitee.email,
          firstName: invitee.firstName,
          lastName: invitee.lastName,
          photoUrl: invitee.photoUrl,
        },
      });
      expect(await rowOf(invitation.id)).toMatchObject({
        status: 'accepted',
        memberId: res.body.id,
        respondedAt: expect.any(Date),
      });
      const me = await as(invitee.id).get('/users/me');
      expect(me.body.organizations).toEqual([
        expect.objectContaining({ id: org.id, role: 'admin' }),
      ]);
      expect((await as(invitee.id).get('/users/me/invitations')).body.data).toEqual([]);

      for (const answer of ['accept', 'decline']) {
        const again = await as(invitee.id).post(`/users/me/invitations/${invitation.id}/${answer}`);
        expect(again.status).toBe(409);
        expect(again.body.error).toBe('INVITATION_NOT_PENDING');
      }
      expect(await membershipsOf(org.id, invitee.id)).toHaveLength(1);
    });

    it('declines: 200 with the invitation, no membership; the organization may invite again', async () => {
      const { org, admin } = await makeTeam(t.db);
      const invitee = await makeUser(t.db);
      const invitation = await makeInvitation(t.db, org.id, invitee.email);
      const res = await as(invitee.id).post(`/users/me/invitations/${invitation.id}/decline`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: invitation.id,
        organization: { id: org.id, name: org.name },
        status: 'declined',
        respondedAt: expect.any(String),
      });
      expect(await membershipsOf(org.id, invitee.id)).toEqual([]);
      const accept = await as(invitee.id).post(`/users/me/invitations/${invitation.id}/accept`);
      expect(accept.status).toBe(409);
      expect(accept.body.error).toBe('INVITATION_NOT_PENDING');
      expect((await invite(admin.id, org.id, invitee.email)).status).toBe(201);
    });

    it('gets 410 INVITATION_EXPIRED past the date, and nothing changes', async () => {
      const { org, admin } = await makeTeam(t.db);
      const invitee = await makeUser(t.db);
      const invitation = await makeInvitation(t.db, org.id, invitee.email, { expiresAt: past() });
      for (const answer of ['accept', 'decline']) {
        const res = await as(invitee.id).post(`/users/me/invitations/${invitation.id}/${answer}`);
        expect(res.status).toBe(410);
        expect(res.body.error).toBe('INVITATION_EXPIRED');
      }
      expect(await membershipsOf(org.id, invitee.id)).toEqual([]);
      expect((await rowOf(invitation.id)).respondedAt).toBeNull();
      expect(await statuses(admin.id, org.id)).toEqual([[invitee.email, 'expired']]);
    });

    it("gets 404 INVITATION_NOT_FOUND for someone else's invitation, which stays pending", async () => {
      const { org, member } = await makeTeam(t.db);
      const invitee = await makeUser(t.db);
      const invitation = await makeInvitation(t.db, org.id, invitee.email);
      const stranger = await makeUser(t.db);
      for (const [caller, answer] of [
        [stranger.id, 'accept'],
        [stranger.id, 'decline'],
        [member.id, 'accept'],
        [platformAdminId, 'accept'],
        [invitee.id, 'inv_missing/accept'],
      ]) {
        const path = answer.includes('/') ? answer : `${invitation.id}/${answer}`;
        const res = await as(caller).post(`/users/me/invitations/${path}`);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({
          error: 'INVITATION_NOT_FOUND',
          message: 'Invitation not found',
        });
      }
      expect((await rowOf(invitation.id)).status).toBe('pending');
    });

    it('gets 409 MEMBER_ALREADY_EXISTS when already a member; the invitation stays pending', async () => {
      const { org } = await makeTeam(t.db);
      const invitee = await makeUser(t.db);
      const invitation = await makeInvitation(t.db, org.id, invitee.email);
      await makeMember(t.db, org.id, invitee.id);
      const res = await as(invitee.id).post(`/users/me/invitations/${invitation.id}/accept`);
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('MEMBER_ALREADY_EXISTS');
      expect(await rowOf(invitation.id)).toMatchObject({ status: 'pending', memberId: null });
    });
  });

  describe('audit', () => {
    it('records each transition in its transaction, with the role and ids but never the address', async () => {
      const { org, admin } = await makeTeam(t.db);
      const invitee = await makeUser(t.db, { email: 'audited.person@example.com' });
      const created = await invite(admin.id, org.id, 'Audited.Person@example.com', 'admin');
      await as(admin.id).delete(`${base(org.id)}/${created.body.id}`);
      const second = await invite(admin.id, org.id, invitee.email);
      await as(invitee.id).post(`/users/me/invitations/${second.body.id}/decline`);
      const third = await invite(admin.id, org.id, invitee.email);
      const member = await as(invitee.id).post(`/users/me/invitations/${third.body.id}/accept`);
      // A failed answer writes nothing.
      await as(invitee.id).post(`/users/me/invitations/${third.body.id}/accept`);

      const res = await as(admin.id).get(`/organizations/${org.id}/audit-events`);
      const events = res.body.data as {
        action: string;
        actorId: string;
        targetId: string;
        data: object;
      }[];
      expect(events.map((e) => [e.action, e.actorId, e.targetId, e.data])).toEqual([
        [
          'invitation.accepted',
          invitee.id,
          third.body.id,
          { role: 'member', memberId: member.body.id },
        ],
        [
          'member.added',
          invitee.id,
          member.body.id,
          { userId: invitee.id, role: 'member', invitationId: third.body.id },
        ],
        ['invitation.created', admin.id, third.body.id, { role: 'member' }],
        ['invitation.declined', invitee.id, second.body.id, { role: 'member' }],
        ['invitation.created', admin.id, second.body.id, { role: 'member' }],
        ['invitation.revoked', admin.id, created.body.id, { role: 'admin' }],
        ['invitation.created', admin.id, created.body.id, { role: 'admin' }],
      ]);
      expect(JSON.stringify(res.body).toLowerCase()).not.toContain('audited.person');
    });
  });
});
