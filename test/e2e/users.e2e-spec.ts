import { eq } from 'drizzle-orm';
import { organizationMembers, users } from '../../src/db/schema';
import { makeMember, makeOrganization, makeUser } from '../support/factories';
import { as as asUser } from '../support/http';
import { createTestApp, TestApp } from '../support/test-app';

describe('users', () => {
  let t: TestApp;
  let adminId: string;

  beforeAll(async () => {
    t = await createTestApp();
    adminId = (await makeUser(t.db, { isAdmin: true })).id;
  });
  afterAll(() => t.close());

  const as = (userId: string) => asUser(t, userId);
  const row = async (id: string) => (await t.db.select().from(users).where(eq(users.id, id)))[0];

  describe('GET /users/me', () => {
    it('returns the caller with their organizations and roles', async () => {
      const me = await makeUser(t.db);
      const org = await makeOrganization(t.db, { name: 'Mine', plan: 'PRO' });
      const gone = await makeOrganization(t.db, { deleted: true, deletedAt: new Date() });
      await makeMember(t.db, org.id, me.id, 'admin');
      await makeMember(t.db, gone.id, me.id, 'member');
      const res = await as(me.id).get('/users/me');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: me.id, email: me.email, isAdmin: false });
      expect(res.body.organizations).toEqual([
        { id: org.id, name: 'Mine', plan: 'PRO', role: 'admin' },
      ]);
      expect(new Date(res.body.createdAt).toISOString()).toBe(res.body.createdAt);
    });
  });

  describe('PATCH /users/me', () => {
    it('updates names and photo and moves updatedAt', async () => {
      const me = await makeUser(t.db);
      const res = await as(me.id)
        .patch('/users/me')
        .send({ firstName: 'Grace', lastName: 'Hopper', photoUrl: 'https://img.test/g.png' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ firstName: 'Grace', lastName: 'Hopper' });
      const stored = await row(me.id);
      expect(stored.firstName).toBe('Grace');
      expect(stored.updatedAt.getTime()).toBeGreaterThan(me.updatedAt.getTime());
    });

    it.each([
      ['a 201-character firstName', { firstName: 'x'.repeat(201) }, 'firstName'],
      ['an ftp photoUrl', { photoUrl: 'ftp://files.test/a.png' }, 'photoUrl'],
      [
        'a photoUrl over 2,048 characters',
        { photoUrl: `https://a.test/${'x'.repeat(2048)}` },
        'photoUrl',
      ],
      ['isAdmin (not allowed on /me)', { isAdmin: true }, 'isAdmin'],
      ['email (not allowed on /me)', { email: 'new@example.com' }, 'email'],
    ])('refuses %s with 400 naming the field and changes nothing', async (_, body, field) => {
      const me = await makeUser(t.db);
      const res = await as(me.id).patch('/users/me').send(body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_FAILED');
      expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      expect(await row(me.id)).toEqual(me);
    });
  });

  describe('admin list GET /users', () => {
    it('is for platform admins only', async () => {
      const me = await makeUser(t.db);
      const res = await as(me.id).get('/users');
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('FORBIDDEN');
    });

    it('filters by email, case-insensitively', async () => {
      const target = await makeUser(t.db, { email: 'Findable.Person@Example.com' });
      const res = await as(adminId).get('/users?email=findable.person@example.com');
      expect(res.status).toBe(200);
      expect(res.body.data.map((u: { id: string }) => u.id)).toEqual([target.id]);
      expect(res.body.nextCursor).toBeNull();
    });

    it('walks every page once, in (createdAt, id) order', async () => {
      for (let i = 0; i < 7; i++) await makeUser(t.db);
      const expected = (
        await t.db.select({ id: users.id }).from(users).where(eq(users.deleted, false))
      ).map((u) => u.id);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/users?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await as(adminId).get(url);
        expect(res.status).toBe(200);
        expect(res.body.data.length).toBeLessThanOrEqual(3);
        seen.push(...res.body.data.map((u: { id: string }) => u.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect([...seen].sort()).toEqual([...expected].sort());
    });

    it.each([
      'limit=0',
      'limit=101',
      'limit=abc',
      'cursor=not-a-cursor',
      'includeDeleted=maybe',
      'role=x',
    ])('refuses ?%s with 400 VALIDATION_FAILED', async (query) => {
      const res = await as(adminId).get(`/users?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_FAILED');
    });
  });

  describe('POST /users', () => {
    const body = (id: string) => ({
      id,
      email: `${id}@example.com`,
      firstName: 'New',
      lastName: 'Person',
      photoUrl: 'https://img.test/n.png',
    });

    it('creates a user (platform admin)', async () => {
      const res = await as(adminId)
        .post('/users')
        .send({ ...body('user_created'), isAdmin: true });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: 'user_created', isAdmin: true, deleted: false });
      expect(await row('user_created')).toBeDefined();
    });

    it('answers 409 USER_ALREADY_EXISTS for a taken id, deleted or not', async () => {
      const existing = await makeUser(t.db, { deleted: true, deletedAt: new Date() });
      const res = await as(adminId).post('/users').send(body(existing.id));
      expect(res.status).toBe(409);
      expect(res.body.error).toBe('USER_ALREADY_EXISTS');
    });

    it('refuses non-admins and bad bodies', async () => {
      const me = await makeUser(t.db);
      expect((await as(me.id).post('/users').send(body('user_nope'))).status).toBe(403);
      const bad = await as(adminId)
        .post('/users')
        .send({ ...body('user_bad'), email: 'not-an-email', extra: 1 });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: { field: string }) => d.field)).toEqual(
        expect.arrayContaining(['email', 'extra']),
      );
      expect(await row('user_nope')).toBeUndefined();
      expect(await row('user_bad')).toBeUndefined();
    });
  });

  describe('GET /users/:userId', () => {
    it('shows yourself, a fellow member, and anyone to a platform admin; others are 404', async () => {
      const [me, fellow, stranger] = [
        await makeUser(t.db),
        await makeUser(t.db),
        await makeUser(t.db),
      ];
      const org = await makeOrganization(t.db);
      await makeMember(t.db, org.id, me.id);
      await makeMember(t.db, org.id, fellow.id);
      expect((await as(me.id).get(`/users/${me.id}`)).status).toBe(200);
      expect((await as(me.id).get(`/users/${fellow.id}`)).body.id).toBe(fellow.id);
      const hidden = await as(me.id).get(`/users/${stranger.id}`);
      expect(hidden.status).toBe(404);
      expect(hidden.body.error).toBe('USER_NOT_FOUND');
      expect((await as(adminId).get(`/users/${stranger.id}`)).status).toBe(200);
    });

    it('does not count a membership that ended, or a deleted organization', async () => {
      const [me, former] = [await makeUser(t.db), await makeUser(t.db)];
      const org = await makeOrganization(t.db);
      await makeMember(t.db, org.id, me.id);
      const left = await makeMember(t.db, org.id, former.id);
      await t.db
        .update(organizationMembers)
        .set({ deleted: true, deletedAt: new Date() })
        .where(eq(organizationMembers.id, left.id));
      expect((await as(me.id).get(`/users/${former.id}`)).status).toBe(404);
    });

    it('answers 404 for malformed ids', async () => {
      expect((await as(adminId).get(`/users/${'x'.repeat(129)}`)).status).toBe(404);
      expect((await as(adminId).get('/users/bad%20id')).status).toBe(404);
    });
  });

  describe('admin update, soft delete and restore', () => {
    it('PATCH sets isAdmin and email, and moves updatedAt', async () => {
      const target = await makeUser(t.db);
      const res = await as(adminId)
        .patch(`/users/${target.id}`)
        .send({ isAdmin: true, email: 'new@x.test' });
      expect(res.status).toBe(200);
      const stored = await row(target.id);
      expect(stored).toMatchObject({ isAdmin: true, email: 'new@x.test' });
      expect(stored.updatedAt.getTime()).toBeGreaterThan(target.updatedAt.getTime());
    });

    it('DELETE keeps the row, sets deleted_at, locks the user out; restore lets them back', async () => {
      const target = await makeUser(t.db);
      const del = await as(adminId).delete(`/users/${target.id}`);
      expect(del.status).toBe(204);
      const stored = await row(target.id);
      expect(stored.deleted).toBe(true);
      expect(stored.deletedAt).toBeInstanceOf(Date);
      expect((await as(target.id).get('/users/me')).body.error).toBe('USER_NOT_PROVISIONED');
      expect((await as(adminId).get(`/users/${target.id}`)).status).toBe(404);
      expect((await as(adminId).get(`/users/${target.id}?includeDeleted=true`)).body.deleted).toBe(
        true,
      );
      expect((await as(adminId).delete(`/users/${target.id}`)).status).toBe(404);

      const restored = await as(adminId).post(`/users/${target.id}/restore`);
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ id: target.id, deleted: false, deletedAt: null });
      expect((await as(target.id).get('/users/me')).status).toBe(200);
    });

    it('hides deleted users from the list unless includeDeleted=true', async () => {
      const gone = await makeUser(t.db, {
        deleted: true,
        deletedAt: new Date(),
        email: 'gone@list.test',
      });
      const plain = await as(adminId).get('/users?email=gone@list.test');
      expect(plain.body.data).toEqual([]);
      const all = await as(adminId).get('/users?email=gone@list.test&includeDeleted=true');
      expect(all.body.data.map((u: { id: string }) => u.id)).toEqual([gone.id]);
    });

    it('is for platform admins only', async () => {
      const [me, target] = [await makeUser(t.db), await makeUser(t.db)];
      expect((await as(me.id).patch(`/users/${target.id}`).send({ isAdmin: true })).status).toBe(
        403,
      );
      expect((await as(me.id).delete(`/users/${target.id}`)).status).toBe(403);
      expect((await as(me.id).post(`/users/${target.id}/restore`)).status).toBe(403);
      expect(await row(target.id)).toEqual(target);
    });

    it('answers 404 for unknown users', async () => {
      expect((await as(adminId).patch('/users/user_missing').send({ firstName: 'A' })).status).toBe(
        404,
      );
      expect((await as(adminId).post('/users/user_missing/restore')).status).toBe(404);
    });
  });
});
