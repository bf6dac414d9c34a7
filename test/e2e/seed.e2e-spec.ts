import { seed, SEED_INVITATION } from '../../src/db/seed';
import { as as asUser } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

/** The README's first run, on seeded data: Carol's pending invitation to Acme. */
describe('seed', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await seed(t.db);
  });
  afterAll(() => t.close());

  const as = (userId: string) => asUser(t, userId);

  it('holds a pending invitation that walks the flow the README shows', async () => {
    const listed = await as('user_alice').get('/organizations/org_acme/invitations');
    expect(listed.body.data).toEqual([
      expect.objectContaining({ id: SEED_INVITATION.id, status: 'pending', role: 'member' }),
    ]);
    expect((await as('user_alice').get('/users/user_carol')).status).toBe(404);
    const mine = await as('user_carol').get('/users/me/invitations');
    expect(mine.body.data).toEqual([
      expect.objectContaining({ organization: { id: 'org_acme', name: 'Acme Inc.' } }),
    ]);
    const accepted = await as('user_carol').post(
      `/users/me/invitations/${SEED_INVITATION.id}/accept`,
    );
    expect(accepted.status).toBe(201);
    expect((await as('user_alice').get('/users/user_carol')).status).toBe(200);

    // Seeding again changes nothing: the answered invitation is not brought back.
    await seed(t.db);
    expect((await as('user_carol').get('/users/me/invitations')).body.data).toEqual([]);
    const members = await as('user_alice').get('/organizations/org_acme/members');
    expect(members.body.data.map((m: { userId: string }) => m.userId).sort()).toEqual([
      'user_alice',
      'user_bob',
      'user_carol',
    ]);
  });
});
