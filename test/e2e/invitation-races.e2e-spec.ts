import { and, eq } from 'drizzle-orm';
import { Client } from 'pg';
import type { Response } from 'supertest';
import { auditEvents, invitations, organizationMembers } from '../../src/db/schema';
import { makeInvitation, makeTeam, makeUser } from '../support/factories';
import { once, onCleanup } from '../support/cleanup';
import { as as asUser } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';
import { ENV } from '../support/test-database';

const onServer = process.env[ENV.mode] === 'server' ? describe : describe.skip;

const endSessions: (() => Promise<void>)[] = [];

/** A session of the test's own: ended before the file's database is dropped, or by cleanup. */
async function session(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  // A failure shows on the next query; an unheard 'error' event would end the Jest worker.
  client.on('error', () => undefined);
  await client.connect();
  const end = once(() => client.end());
  onCleanup('race test session', end);
  endSessions.push(end);
  return client;
}

/**
 * Races on one invitation, made certain rather than likely: the test holds the invitation's row
 * lock from its own session, sends the competing requests one by one, waits until each of them is
 * blocked on that lock inside its transaction (so they queue in the order sent), and lets go.
 * PostgreSQL then hands the row to them in that order, each after the previous one committed or
 * rolled back: the later ones decide on what the earlier ones left.
 */
onServer('invitation races (PostgreSQL)', () => {
  let t: TestApp;
  let locker: Client;
  let watcher: Client;
  let platformAdminId: string;

  beforeAll(async () => {
    t = await createTestApp();
    [locker, watcher] = await Promise.all([session(t.database.url!), session(t.database.url!)]);
    platformAdminId = (await makeUser(t.db, { isAdmin: true })).id;
  });
  afterAll(async () => {
    await Promise.all(endSessions.map((end) => end()));
    await t.close();
  });

  const as = (userId: string) => asUser(t, userId);

  /** Sends the requests while the row is locked, in this order; answers once all are through. */
  async function atOnce(invitationId: string, requests: (() => Promise<Response>)[]) {
    await locker.query('begin');
    await locker.query('select 1 from invitations where id = $1 for update', [invitationId]);
    const inFlight: Promise<Response>[] = [];
    for (const send of requests) {
      // supertest sends on `then`: start the request now.
      inFlight.push(send().then((res) => res));
      await waitForLockWaiters(inFlight.length);
    }
    await locker.query('rollback');
    return Promise.all(inFlight);
  }

  /** Polls from its own session until `n` sessions wait on a lock. */
  async function waitForLockWaiters(n: number): Promise<void> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      const { rows } = await watcher.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
      );
      if (rows[0].n >= n) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
    throw new Error(`fewer than ${n} requests reached the lock`);
  }

  const rowOf = async (id: string) =>
    (await t.db.select().from(invitations).where(eq(invitations.id, id)))[0];
  const membersOf = (orgId: string, userId: string) =>
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
  const actionsOf = async (orgId: string) =>
    (await t.db.select().from(auditEvents).where(eq(auditEvents.organizationId, orgId)))
      .map((e) => e.action)
      .sort();
  const summary = (res: Response) => [res.status, res.body.error ?? null];

  it('two accepts at once: one 201, the other 409 INVITATION_NOT_PENDING; one membership', async () => {
    const { org } = await makeTeam(t.db);
    const invitee = await makeUser(t.db);
    const invitation = await makeInvitation(t.db, org.id, invitee.email);
    const accept = () => as(invitee.id).post(`/users/me/invitations/${invitation.id}/accept`);

    const results = await atOnce(invitation.id, [accept, accept]);

    expect(results.map(summary)).toEqual([
      [201, null],
      [409, 'INVITATION_NOT_PENDING'],
    ]);
    const members = await membersOf(org.id, invitee.id);
    expect(members).toHaveLength(1);
    expect(await rowOf(invitation.id)).toMatchObject({
      status: 'accepted',
      memberId: members[0].id,
    });
    expect(await actionsOf(org.id)).toEqual(['invitation.accepted', 'member.added']);
  });

  it('accept queued before a revoke: 201, and the revoke gets 409 INVITATION_NOT_PENDING', async () => {
    const { org, admin } = await makeTeam(t.db);
    const invitee = await makeUser(t.db);
    const invitation = await makeInvitation(t.db, org.id, invitee.email);

    const [accepted, revoked] = await atOnce(invitation.id, [
      () => as(invitee.id).post(`/users/me/invitations/${invitation.id}/accept`),
      () => as(admin.id).delete(`/organizations/${org.id}/invitations/${invitation.id}`),
    ]);

    expect([summary(accepted), summary(revoked)]).toEqual([
      [201, null],
      [409, 'INVITATION_NOT_PENDING'],
    ]);
    const row = await rowOf(invitation.id);
    expect(row.status).toBe('accepted');
    expect((await membersOf(org.id, invitee.id)).map((m) => m.id)).toEqual([row.memberId]);
    expect(await actionsOf(org.id)).toEqual(['invitation.accepted', 'member.added']);
  });

  it('revoke queued before an accept: 204, and the accept gets 409 INVITATION_NOT_PENDING, no membership', async () => {
    const { org, admin } = await makeTeam(t.db);
    const invitee = await makeUser(t.db);
    const invitation = await makeInvitation(t.db, org.id, invitee.email);

    const [revoked, accepted] = await atOnce(invitation.id, [
      () => as(admin.id).delete(`/organizations/${org.id}/invitations/${invitation.id}`),
      () => as(invitee.id).post(`/users/me/invitations/${invitation.id}/accept`),
    ]);

    expect([summary(revoked), summary(accepted)]).toEqual([
      [204, null],
      [409, 'INVITATION_NOT_PENDING'],
    ]);
    expect(await rowOf(invitation.id)).toMatchObject({ status: 'revoked', memberId: null });
    expect(await membersOf(org.id, invitee.id)).toEqual([]);
    expect(await actionsOf(org.id)).toEqual(['invitation.revoked']);
  });

  it('five accepts and a revoke sent together, unsequenced: exactly one of them succeeds', async () => {
    const { org, admin } = await makeTeam(t.db);
    const invitee = await makeUser(t.db);
    const invitation = await makeInvitation(t.db, org.id, invitee.email);
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () =>
        as(invitee.id).post(`/users/me/invitations/${invitation.id}/accept`),
      ),
      as(admin.id).delete(`/organizations/${org.id}/invitations/${invitation.id}`),
    ]);
    const outcomes = results.map(summary);
    expect(outcomes.filter(([status]) => status < 300)).toHaveLength(1);
    expect(outcomes.filter(([status]) => status >= 300)).toEqual(
      Array.from({ length: 5 }, () => [409, 'INVITATION_NOT_PENDING']),
    );
    const row = await rowOf(invitation.id);
    const members = await membersOf(org.id, invitee.id);
    expect(members.map((m) => m.id)).toEqual(row.status === 'accepted' ? [row.memberId] : []);
  });

  it('accepts of an expired invitation while the admin invites the address again: 410 each, the new one pending', async () => {
    const { org, admin } = await makeTeam(t.db);
    const invitee = await makeUser(t.db);
    const expired = await makeInvitation(t.db, org.id, invitee.email, {
      expiresAt: new Date(Date.now() - 1000),
    });
    const accept = () => as(invitee.id).post(`/users/me/invitations/${expired.id}/accept`);
    const reinvite = () =>
      as(admin.id)
        .post(`/organizations/${org.id}/invitations`)
        .send({ email: invitee.email, role: 'admin' });

    const [first, renewed, second] = await atOnce(expired.id, [accept, reinvite, accept]);

    expect([summary(first), summary(second)]).toEqual([
      [410, 'INVITATION_EXPIRED'],
      [410, 'INVITATION_EXPIRED'],
    ]);
    expect(renewed.status).toBe(201);
    expect(await membersOf(org.id, invitee.id)).toEqual([]);
    expect((await rowOf(expired.id)).status).toBe('expired');
    expect((await rowOf(renewed.body.id)).status).toBe('pending');
    // The renewed invitation is the one that can be accepted.
    const accepted = await as(invitee.id).post(`/users/me/invitations/${renewed.body.id}/accept`);
    expect(accepted.status).toBe(201);
    expect(accepted.body.role).toBe('admin');
  });

  it('an accept that waited while a platform admin added the user directly gets 409 MEMBER_ALREADY_EXISTS and leaves the invitation pending', async () => {
    const { org } = await makeTeam(t.db);
    const invitee = await makeUser(t.db);
    const invitation = await makeInvitation(t.db, org.id, invitee.email);
    await locker.query('begin');
    await locker.query('select 1 from invitations where id = $1 for update', [invitation.id]);
    const accepting = as(invitee.id)
      .post(`/users/me/invitations/${invitation.id}/accept`)
      .then((res) => res);
    await waitForLockWaiters(1);
    const added = await as(platformAdminId)
      .post(`/organizations/${org.id}/members`)
      .send({ userId: invitee.id, role: 'member' });
    await locker.query('rollback');
    const accepted = await accepting;

    expect(added.status).toBe(201);
    expect(summary(accepted)).toEqual([409, 'MEMBER_ALREADY_EXISTS']);
    expect(await membersOf(org.id, invitee.id)).toHaveLength(1);
    expect(await rowOf(invitation.id)).toMatchObject({ status: 'pending', memberId: null });
  });
});
