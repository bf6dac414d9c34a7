import { eq } from 'drizzle-orm';
import request from 'supertest';
import { organizations, users } from '../../src/db/schema';
import { bearer } from '../support/auth';
import { CLERK_SECRET } from '../support/clerk-events';
import {
  makeInstallation,
  makeMember,
  makeOrganization,
  makeTeam,
  makeUser,
} from '../support/factories';
import { GITHUB_SECRET } from '../support/github-events';
import { createTestApp, TestApp } from '../support/test-app';

const cursorOf = (createdAt: string, id = 'x') =>
  Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
const objectWith = (keys: number) =>
  Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, i]));
const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

/** The input limits (README, docs/operations.md), route by route: every refusal is a 4xx and changes nothing. */
describe('input limits', () => {
  let t: TestApp;
  let platformAdmin: string;
  let team: Awaited<ReturnType<typeof makeTeam>>;

  beforeAll(async () => {
    t = await createTestApp({
      env: { CLERK_WEBHOOK_SIGNING_SECRET: CLERK_SECRET, GITHUB_WEBHOOK_SECRET: GITHUB_SECRET },
    });
    platformAdmin = (await makeUser(t.db, { isAdmin: true })).id;
    team = await makeTeam(t.db);
    await makeInstallation(t.db, team.org.id);
  });
  afterAll(() => t.close());

  const patchMe = (body: unknown) =>
    request(t.server)
      .patch('/users/me')
      .set('Authorization', bearer(team.member.id))
      .set('Content-Type', 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));

  describe('JSON bodies: at most 1,000 keys and 32 levels, checked before parsing', () => {
    it('answers 413 PAYLOAD_TOO_LARGE past 1,000 keys and array items', async () => {
      for (const body of [objectWith(1001), { a: objectWith(500), b: new Array(501).fill(0) }]) {
        const res = await patchMe(body);
        expect(res.status).toBe(413);
        expect(res.body).toEqual({
          error: 'PAYLOAD_TOO_LARGE',
          message: 'The request body holds more than 1000 keys and array items',
        });
      }
    });

    it('validates a body of 1,000 keys as usual, naming at most 20 problems', async () => {
      const res = await patchMe(objectWith(1000));
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('VALIDATION_FAILED');
      expect(res.body.message).toBe(
        'Request validation failed: 1000 problems, the first 20 listed',
      );
      expect(res.body.details).toHaveLength(20);
      expect(res.body.details[0]).toEqual({ field: 'k0', message: 'property k0 should not exist' });
    });

    it('answers 400 VALIDATION_FAILED past 32 levels of nesting, arrays or objects', async () => {
      const objects = '{"a":'.repeat(33) + '1' + '}'.repeat(33);
      for (const body of [nestedArrays(33), objects, nestedArrays(500_000)]) {
        const res = await patchMe(body);
        expect(res.status).toBe(400);
        expect(res.body).toEqual({
          error: 'VALIDATION_FAILED',
          message: 'The request body nests too deep',
          details: [{ field: 'body', message: 'nests deeper than 32 levels' }],
        });
      }
      expect((await patchMe(`{"firstName":"Deep","x":${nestedArrays(31)}}`)).body).toEqual({
        error: 'VALIDATION_FAILED',
        message: 'Request validation failed',
        details: [{ field: 'x', message: 'property x should not exist' }],
      });
    });

    it('applies to every route, webhooks and unauthenticated calls included', async () => {
      for (const path of ['/webhooks/clerk', '/webhooks/github', '/organizations']) {
        const deep = await request(t.server)
          .post(path)
          .set('Content-Type', 'application/json')
          .send(nestedArrays(40));
        expect(deep.status).toBe(400);
        const wide = await request(t.server)
          .post(path)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify(objectWith(2000)));
        expect(wide.status).toBe(413);
      }
    });

    it('refuses JSON in another charset than UTF-8 with 415', async () => {
      const res = await request(t.server)
        .patch('/users/me')
        .set('Authorization', bearer(team.member.id))
        .set('Content-Type', 'application/json; charset=utf-16le')
        .send(Buffer.from('{"firstName":"Ada"}', 'utf16le'));
      expect(res.status).toBe(415);
      expect(res.body.error).toBe('UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('NUL characters: 400 VALIDATION_FAILED naming the field, nothing written', () => {
    const refused = (res: request.Response, field: string) => {
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: 'VALIDATION_FAILED',
        message: 'Request validation failed',
        details: [{ field, message: 'must not contain NUL characters' }],
      });
    };

    it('in body strings, nested ones and keys', async () => {
      const admin = (method: 'post' | 'patch', url: string) =>
        request(t.server)[method](url).set('Authorization', bearer(team.admin.id));
      refused(await admin('post', '/organizations').send({ name: 'a\u0000' }), 'name');
      refused(
        await admin('patch', `/organizations/${team.org.id}`).send({ name: '\u0000' }),
        'name',
      );
      refused(await patchMe({ firstName: 'x\u0000y' }), 'firstName');
      refused(await patchMe({ a: [{ b: 'ok' }, { b: '\u0000' }] }), 'a[1].b');
      const key = await patchMe({ nested: { ['k\u0000']: 'v' } });
      expect(key.body.details).toEqual([
        { field: 'nested', message: 'keys must not contain NUL characters' },
      ]);
      const [org] = await t.db
        .select()
        .from(organizations)
        .where(eq(organizations.id, team.org.id));
      expect(org.name).toBe(team.org.name);
      const [member] = await t.db.select().from(users).where(eq(users.id, team.member.id));
      expect(member.firstName).toBe(team.member.firstName);
    });

    it('in query values and path ids, on every kind of route', async () => {
      const get = (url: string, as = team.admin.id) =>
        request(t.server).get(url).set('Authorization', bearer(as));
      refused(await get(`/organizations/${team.org.id}/github/repositories?q=a%00b`), 'q');
      refused(await get('/users?email=a%00b@example.com', platformAdmin), 'email');
      refused(await get('/users/user%00x', platformAdmin), 'path');
      refused(await get('/organizations/org%00x'), 'path');
      refused(await get(`/organizations/${team.org.id}/members/m%00`), 'path');
      refused(await request(t.server).get('/health?probe=%00'), 'probe');
    });

    it('in the id inside a cursor', async () => {
      const res = await request(t.server)
        .get(`/users?cursor=${cursorOf('2026-01-01T00:00:00.000Z', 'user_\u0000')}`)
        .set('Authorization', bearer(platformAdmin));
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([{ field: 'cursor', message: 'cursor is not valid' }]);
    });

    it('names at most 20 of them', async () => {
      const body = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, '\u0000']));
      const res = await patchMe(body);
      expect(res.status).toBe(400);
      expect(res.body.details).toHaveLength(20);
    });
  });

  describe('forged cursors with dates outside 1970-9999', () => {
    const lists = () => [
      ['/users', platformAdmin],
      ['/organizations', team.admin.id],
      ['/organizations?all=true', platformAdmin],
      [`/organizations/${team.org.id}/members`, team.admin.id],
      [`/organizations/${team.org.id}/github/installations`, team.admin.id],
      [`/organizations/${team.org.id}/github/repositories`, team.admin.id],
      [`/organizations/${team.org.id}/invitations`, team.admin.id],
      [`/organizations/${team.org.id}/audit-events`, team.admin.id],
      ['/users/me/invitations', team.member.id],
    ];

    it.each([
      '+010000-01-01T00:00:00.000Z',
      '-000001-01-01T00:00:00.000Z',
      '1969-12-31T23:59:59.999Z',
    ])('answers 400 VALIDATION_FAILED for %s on every list', async (date) => {
      for (const [url, caller] of lists()) {
        const separator = url.includes('?') ? '&' : '?';
        const res = await request(t.server)
          .get(`${url}${separator}cursor=${cursorOf(date)}`)
          .set('Authorization', bearer(caller));
        expect({ url, status: res.status, error: res.body.error }).toEqual({
          url,
          status: 400,
          error: 'VALIDATION_FAILED',
        });
      }
    });

    it('still pages with a cursor at the edge of the range', async () => {
      const res = await request(t.server)
        .get(`/users?cursor=${cursorOf('9999-12-31T23:59:59.999Z', 'zzz')}`)
        .set('Authorization', bearer(platformAdmin));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ data: [], nextCursor: null });
    });
  });

  describe('null for a field that may only be left out: 400, nothing written', () => {
    it.each([['firstName'], ['lastName'], ['photoUrl']])(
      'PATCH /users/me { %s: null }',
      async (field) => {
        const res = await patchMe({ [field]: null });
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('VALIDATION_FAILED');
        expect(res.body.details).toContainEqual({
          field,
          message: `${field} may be left out but not null`,
        });
      },
    );

    it.each([['email'], ['isAdmin'], ['firstName']])(
      'PATCH /users/:userId { %s: null } by a platform admin',
      async (field) => {
        const target = await makeUser(t.db);
        const res = await request(t.server)
          .patch(`/users/${target.id}`)
          .set('Authorization', bearer(platformAdmin))
          .send({ [field]: null });
        expect(res.status).toBe(400);
        expect(res.body.details).toContainEqual(expect.objectContaining({ field }));
        const [row] = await t.db.select().from(users).where(eq(users.id, target.id));
        expect(row).toEqual(target);
      },
    );

    it('POST /users { isAdmin: null } and POST /organizations { plan: null } / { id: null }', async () => {
      const createUser = await request(t.server)
        .post('/users')
        .set('Authorization', bearer(platformAdmin))
        .send({
          id: 'user_null_admin',
          email: 'n@example.com',
          firstName: 'N',
          lastName: 'N',
          photoUrl: 'https://example.com/n.png',
          isAdmin: null,
        });
      expect(createUser.status).toBe(400);
      for (const extra of [{ plan: null }, { id: null }]) {
        const res = await request(t.server)
          .post('/organizations')
          .set('Authorization', bearer(platformAdmin))
          .send({ name: 'Null Corp', ...extra });
        expect(res.status).toBe(400);
        expect(res.body.details).toContainEqual(
          expect.objectContaining({ field: Object.keys(extra)[0] }),
        );
      }
      const made = await t.db
        .select()
        .from(organizations)
        .where(eq(organizations.name, 'Null Corp'));
      expect(made).toEqual([]);
    });

    it.each([['name'], ['plan']])(
      'PATCH /organizations/:orgId { %s: null } by a platform admin',
      async (field) => {
        const org = await makeOrganization(t.db);
        await makeMember(t.db, org.id, (await makeUser(t.db)).id, 'admin');
        const res = await request(t.server)
          .patch(`/organizations/${org.id}`)
          .set('Authorization', bearer(platformAdmin))
          .send({ [field]: null });
        expect(res.status).toBe(400);
        expect(res.body.details).toContainEqual(expect.objectContaining({ field }));
        const [row] = await t.db.select().from(organizations).where(eq(organizations.id, org.id));
        expect(row).toEqual(org);
      },
    );
  });
});
