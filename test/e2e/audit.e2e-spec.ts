import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import { auditEvents, organizations } from '../../src/db/schema';
import { bearer } from '../support/auth';
import { AuditProbeModule } from '../support/audit-probe.module';
import { makeMember, makeTeam, makeUser } from '../support/factories';
import { as as asUser } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

interface EventBody {
  id: string;
  action: string;
  actorId: string | null;
  actorType: string;
  targetType: string;
  targetId: string;
  data: Record<string, unknown>;
  requestId: string | null;
}

describe('audit log', () => {
  let t: TestApp;
  let platformAdminId: string;

  beforeAll(async () => {
    t = await createTestApp({ imports: [AuditProbeModule] });
    platformAdminId = (await makeUser(t.db, { isAdmin: true })).id;
  });
  afterAll(() => t.close());

  const as = (userId: string) => asUser(t, userId);
  const eventsOf = async (orgId: string, query = ''): Promise<EventBody[]> => {
    const res = await as(platformAdminId).get(`/organizations/${orgId}/audit-events${query}`);
    expect(res.status).toBe(200);
    return res.body.data as EventBody[];
  };

  it('records organization changes with the acting user and the request id', async () => {
    const { org, admin } = await makeTeam(t.db);
    const renamed = await as(admin.id)
      .patch(`/organizations/${org.id}`)
      .set('X-Request-Id', 'req-rename-1')
      .send({ name: 'Renamed Org' });
    expect(renamed.status).toBe(200);
    // Unchanged values change nothing and record nothing.
    expect(
      (await as(admin.id).patch(`/organizations/${org.id}`).send({ name: 'Renamed Org' })).status,
    ).toBe(200);
    expect((await as(admin.id).delete(`/organizations/${org.id}`)).status).toBe(204);
    expect((await as(platformAdminId).post(`/organizations/${org.id}/restore`)).status).toBe(200);

    const events = await eventsOf(org.id);
    expect(events.map((e) => e.action)).toEqual([
      'organization.restored',
      'organization.deleted',
      'organization.updated',
    ]);
    expect(events[2]).toEqual({
      id: expect.stringMatching(/^aud_/),
      organizationId: org.id,
      actorId: admin.id,
      actorType: 'user',
      action: 'organization.updated',
      targetType: 'organization',
      targetId: org.id,
      data: { name: { from: 'Test Org', to: 'Renamed Org' } },
      requestId: 'req-rename-1',
      createdAt: expect.any(String),
    });
    expect(events[0]).toMatchObject({ actorId: platformAdminId, requestId: expect.any(String) });
  });

  it('records members added, role changes, removals and leaving, and the founder of a new organization', async () => {
    const founder = await makeUser(t.db);
    const created = await as(founder.id).post('/organizations').send({ name: 'Founded' });
    const orgId = created.body.id as string;
    const newcomer = await makeUser(t.db);
    const leaver = await makeUser(t.db);
    const added = await as(platformAdminId)
      .post(`/organizations/${orgId}/members`)
      .send({ userId: newcomer.id, role: 'member' });
    const leaverMember = await makeMember(t.db, orgId, leaver.id);
    await as(founder.id)
      .patch(`/organizations/${orgId}/members/${added.body.id}`)
      .send({ role: 'admin' });
    await as(founder.id).delete(`/organizations/${orgId}/members/${added.body.id}`);
    await as(leaver.id).delete(`/organizations/${orgId}/members/${leaverMember.id}`);

    const events = await eventsOf(orgId);
    expect(events.map((e) => [e.action, e.actorId, e.targetType, e.data])).toEqual([
      ['member.left', leaver.id, 'member', { userId: leaver.id, role: 'member' }],
      ['member.removed', founder.id, 'member', { userId: newcomer.id, role: 'admin' }],
      [
        'member.role_changed',
        founder.id,
        'member',
        { userId: newcomer.id, from: 'member', to: 'admin' },
      ],
      ['member.added', platformAdminId, 'member', { userId: newcomer.id, role: 'member' }],
      ['member.added', founder.id, 'member', { userId: founder.id, role: 'admin' }],
    ]);
  });

  it('leaves no event when the change fails after its audit write', async () => {
    const { org, admin } = await makeTeam(t.db);
    const res = await request(t.server)
      .post(`/probe-audit/${org.id}/delete-then-fail`)
      .set('Authorization', bearer(admin.id));
    expect(res.status).toBe(500);
    const [row] = await t.db.select().from(organizations).where(eq(organizations.id, org.id));
    expect(row.deleted).toBe(false);
    expect(
      await t.db.select().from(auditEvents).where(eq(auditEvents.organizationId, org.id)),
    ).toEqual([]);
  });

  it('lists events of one transaction newest first in the order they were written', async () => {
    const { org, admin } = await makeTeam(t.db);
    const res = await request(t.server)
      .post(`/probe-audit/${org.id}/three`)
      .set('Authorization', bearer(admin.id));
    expect(res.status).toBe(201);
    const events = await eventsOf(org.id);
    expect(events.map((e) => e.data.n)).toEqual([3, 2, 1]);
  });

  it('pages newest first with a cursor, and filters by action and actor', async () => {
    const { org, admin, member, memberMembership } = await makeTeam(t.db);
    for (const name of ['A', 'B', 'C', 'D', 'E']) {
      await as(admin.id).patch(`/organizations/${org.id}`).send({ name });
    }
    await as(member.id).delete(`/organizations/${org.id}/members/${memberMembership.id}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await as(admin.id).get(
        `/organizations/${org.id}/audit-events?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.body.data.length).toBeLessThanOrEqual(2);
      seen.push(
        ...res.body.data.map((e: EventBody) => (e.data.name as { to?: string })?.to ?? e.action),
      );
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toEqual(['member.left', 'E', 'D', 'C', 'B', 'A']);

    const left = await eventsOf(org.id, '?action=member.left');
    expect(left.map((e) => e.actorId)).toEqual([member.id]);
    const byAdmin = await eventsOf(org.id, `?actorId=${admin.id}`);
    expect(byAdmin).toHaveLength(5);
    expect(byAdmin.every((e) => e.action === 'organization.updated')).toBe(true);
  });

  it('answers members 403, non-members 404, and a bad filter or cursor 400', async () => {
    const { org, member } = await makeTeam(t.db);
    const stranger = await makeUser(t.db);
    const url = `/organizations/${org.id}/audit-events`;
    expect((await as(member.id).get(url)).body.error).toBe('FORBIDDEN');
    expect((await as(stranger.id).get(url)).body.error).toBe('ORGANIZATION_NOT_FOUND');
    const badAction = await as(platformAdminId).get(`${url}?action=organization.exploded`);
    expect(badAction.status).toBe(400);
    expect(badAction.body.error).toBe('VALIDATION_FAILED');
    const forged = Buffer.from(JSON.stringify(['2026-01-01T00:00:00.000Z', 'x'])).toString(
      'base64url',
    );
    const badCursor = await as(platformAdminId).get(`${url}?cursor=${forged}`);
    expect(badCursor.status).toBe(400);
  });

  it('refuses UPDATE, DELETE and TRUNCATE in the database itself, even for the owner', async () => {
    const { org, admin } = await makeTeam(t.db);
    await as(admin.id).delete(`/organizations/${org.id}`);
    const [event] = await t.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.organizationId, org.id));
    for (const statement of [
      sql`update audit_events set action = 'organization.restored' where id = ${event.id}`,
      sql`delete from audit_events where id = ${event.id}`,
      sql`truncate audit_events`,
    ]) {
      await expect(t.db.execute(statement)).rejects.toThrow();
    }
    const [still] = await t.db.select().from(auditEvents).where(eq(auditEvents.id, event.id));
    expect(still.action).toBe('organization.deleted');
  });
});
