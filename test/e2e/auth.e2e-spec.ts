import { createHmac, generateKeyPairSync } from 'node:crypto';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import { sessionClaims } from '../../src/common/auth/jwt';
import { users } from '../../src/db/schema';
import { bearer, signJwt, testPublicKey, tokenFor } from '../support/auth';
import { makeUser } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

const b64 = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');

describe('authentication', () => {
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    userId = (await makeUser(t.db)).id;
  });
  afterAll(() => t.close());

  const me = (authorization?: string) => {
    const req = request(t.server).get('/users/me');
    return authorization === undefined ? req : req.set('Authorization', authorization);
  };

  it('accepts a valid Clerk session token and loads the user', async () => {
    const res = await me(bearer(userId));
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(userId);
  });

  const unauthenticated: [string, () => string | undefined][] = [
    ['no Authorization header', () => undefined],
    ['a non-Bearer scheme', () => `Basic ${Buffer.from('a:b').toString('base64')}`],
    ['garbage', () => 'Bearer not-a-jwt'],
    [
      'an expired token',
      () => `Bearer ${tokenFor(userId, { exp: Math.floor(Date.now() / 1000) - 60 })}`,
    ],
    [
      'a not-yet-valid token',
      () => `Bearer ${tokenFor(userId, { nbf: Math.floor(Date.now() / 1000) + 600 })}`,
    ],
    [
      'a token signed by another key',
      () => {
        const other = generateKeyPairSync('rsa', {
          modulusLength: 2048,
          privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
          publicKeyEncoding: { type: 'spki', format: 'pem' },
        });
        return `Bearer ${signJwt(sessionClaims(userId, 3600), other.privateKey)}`;
      },
    ],
    [
      'alg: none',
      () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(sessionClaims(userId, 3600))}.`,
    ],
    [
      'HS256 signed with the public key as secret',
      () => {
        const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(sessionClaims(userId, 3600))}`;
        const sig = createHmac('sha256', testPublicKey()).update(unsigned).digest('base64url');
        return `Bearer ${unsigned}.${sig}`;
      },
    ],
    [
      'a tampered payload',
      () => {
        const [h, , s] = tokenFor(userId).split('.');
        return `Bearer ${h}.${b64({ ...sessionClaims('user_admin', 3600) })}.${s}`;
      },
    ],
    ['a token without sub', () => `Bearer ${tokenFor(userId, { sub: undefined })}`],
  ];

  it.each(unauthenticated)('answers 401 UNAUTHENTICATED for %s', async (_, header) => {
    const res = await me(header());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      error: 'UNAUTHENTICATED',
      message: 'A valid session token is required',
    });
  });

  it('answers 403 USER_NOT_PROVISIONED for a valid token of an unknown user', async () => {
    const res = await me(bearer('user_never_provisioned'));
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('USER_NOT_PROVISIONED');
  });

  it('locks out a soft-deleted user', async () => {
    const gone = await makeUser(t.db);
    await t.db
      .update(users)
      .set({ deleted: true, deletedAt: new Date() })
      .where(eq(users.id, gone.id));
    const res = await me(bearer(gone.id));
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('USER_NOT_PROVISIONED');
  });

  it('keeps health and docs public', async () => {
    expect((await request(t.server).get('/health')).status).toBe(200);
    expect((await request(t.server).get('/docs-json')).status).toBe(200);
  });
});

describe('authorized parties', () => {
  let t: TestApp;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { CLERK_AUTHORIZED_PARTIES: 'https://app.example.com' } });
    userId = (await makeUser(t.db)).id;
  });
  afterAll(() => t.close());

  it('accepts a token whose azp is allowed and refuses another origin', async () => {
    const ok = await request(t.server)
      .get('/users/me')
      .set('Authorization', `Bearer ${tokenFor(userId, { azp: 'https://app.example.com' })}`);
    expect(ok.status).toBe(200);
    const bad = await request(t.server)
      .get('/users/me')
      .set('Authorization', `Bearer ${tokenFor(userId, { azp: 'https://evil.example.com' })}`);
    expect(bad.status).toBe(401);
  });
});
