import Redis from 'ioredis';
import request from 'supertest';
import { bearer, tokenFor } from '../support/auth';
import { makeUser } from '../support/factories';
import { ProbeModule } from '../support/probe.module';
import { createTestApp, TestApp } from '../support/test-app';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('rate limiting (in-process counters)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' }, imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('answers 429 RATE_LIMITED with Retry-After once a user spends the budget, across routes', async () => {
    const user = await makeUser(t.db);
    const other = await makeUser(t.db);
    const get = (url: string, id = user.id) =>
      request(t.server).get(url).set('Authorization', bearer(id));
    expect((await get('/users/me')).status).toBe(200);
    expect((await get(`/users/${user.id}`)).status).toBe(200);
    expect((await get('/organizations')).status).toBe(200);
    const limited = await get('/users/me');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      error: 'RATE_LIMITED',
      message: 'Too many requests; slow down',
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await get('/users/me', other.id)).status).toBe(200);
  });

  it('counts anonymous callers of public routes per IP, and never limits health probes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await request(t.server).get('/probe/no-tx-leak')).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    for (let i = 0; i < 5; i++) expect((await request(t.server).get('/health')).status).toBe(200);
  });
});

describe('rate limiting shared through Redis', () => {
  let redisUp = false;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0 });
    redisUp = await probe.connect().then(
      () => true,
      () => false,
    );
    probe.disconnect();
    if (!redisUp) return;
    const env = { RATE_LIMIT_PER_MINUTE: '4', REDIS_URL };
    [a, b] = await Promise.all([createTestApp({ env }), createTestApp({ env })]);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  it('lets two instances share one budget per user', async () => {
    if (!redisUp) {
      console.warn(`Redis not reachable at ${REDIS_URL}: shared rate limit not tested`);
      return;
    }
    const id = `user_rl_${Date.now()}_${Math.random().toString(36).slice(2)}`;
    await makeUser(a.db, { id });
    await makeUser(b.db, { id });
    const hit = (t: TestApp) => request(t.server).get('/users/me').set('Authorization', bearer(id));
    const statuses = [];
    for (const t of [a, b, a, b, a, b]) statuses.push((await hit(t)).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });
});

describe('rate limiting of failed authentication', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => t.close());

  it('spends missing, forged and expired tokens from the IP budget, then answers 429; signed-in users keep their own', async () => {
    const user = await makeUser(t.db);
    const me = (authorization?: string) => {
      const req = request(t.server).get('/users/me');
      return authorization ? req.set('Authorization', authorization) : req;
    };
    const expired = tokenFor(user.id, { exp: Math.floor(Date.now() / 1000) - 60 });
    const statuses = [
      (await me()).status,
      (await me('Bearer not.a.token')).status,
      (await me(`Bearer ${expired}`)).status,
    ];
    expect(statuses).toEqual([401, 401, 401]);
    const limited = await me('Bearer not.a.token');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      error: 'RATE_LIMITED',
      message: 'Too many requests; slow down',
    });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await me(bearer(user.id))).status).toBe(200);
  });
});
