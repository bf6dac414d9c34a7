import { makeUser } from '../support/factories';
import { tokenFor } from '../support/auth';
import { freePort } from '../support/free-port';
import { PrivateRedis } from '../support/private-redis';
import { ServiceProcess } from '../support/service-process';
import { createTestDatabase, ENV, TestDatabase } from '../support/test-database';

const withRedis =
  process.env[ENV.mode] === 'server' && PrivateRedis.available() ? describe : describe.skip;

const LIMIT = 5;
/** Far above the store's command timeout; a request still waiting then is hanging on Redis. */
const ANSWER_BOUND_MS = 2000;

/**
 * The production build with shared rate-limit counters in a Redis of the test's own, which the
 * test freezes (SIGSTOP: the socket stays open, nothing answers) or starts late. The limiter
 * must fail open within a bound, log each outage once, and count again once Redis answers.
 */
withRedis('the rate limiter through Redis outages', () => {
  let database: TestDatabase;
  const services: ServiceProcess[] = [];
  const redises: PrivateRedis[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await Promise.all(redises.map((r) => r.stop()));
    await database?.destroy();
  });

  async function startService(redisUrl: string): Promise<ServiceProcess> {
    const service = await ServiceProcess.start({
      NODE_ENV: 'production',
      DATABASE_URL: database.url!,
      REDIS_URL: redisUrl,
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
    });
    services.push(service);
    return service;
  }

  const newUser = async () => (await makeUser(database.connection.db)).id;
  const me = async (service: ServiceProcess, userId: string) =>
    (
      await fetch(`${service.url}/users/me`, {
        headers: { Authorization: `Bearer ${tokenFor(userId)}` },
        signal: AbortSignal.timeout(ANSWER_BOUND_MS),
      })
    ).status;
  const events = (service: ServiceProcess, event: string) =>
    service.lines.filter((line) => line.event === event);

  /** Sends requests until the store has answered again (a request probes it once a second). */
  async function untilRecovered(service: ServiceProcess, userId: string): Promise<void> {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
      if (events(service, 'rate-limit-store-recovered').length > 0) return;
      await me(service, userId);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('the rate-limit store never recovered');
  }

  /** A fresh caller spends the budget: LIMIT answers, then 429. */
  async function spendBudget(service: ServiceProcess): Promise<number[]> {
    const userId = await newUser();
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push(await me(service, userId));
    return statuses;
  }
  const limited = [...Array<number>(LIMIT).fill(200), 429];

  it('answers every request while Redis is frozen, warns once, and counts again once it answers', async () => {
    const redis = await PrivateRedis.start();
    redises.push(redis);
    const service = await startService(redis.url);
    expect(await spendBudget(service)).toEqual(limited);

    redis.freeze();
    try {
      const frozenCaller = await newUser();
      const sequential: number[] = [];
      for (let i = 0; i < 2 * LIMIT; i++) sequential.push(await me(service, frozenCaller));
      const concurrent = await Promise.all(
        Array.from({ length: 8 }, async () => me(service, await newUser())),
      );
      expect([...sequential, ...concurrent].every((status) => status === 200)).toBe(true);
      expect(events(service, 'rate-limit-store-unavailable')).toHaveLength(1);
    } finally {
      redis.resume();
    }

    await untilRecovered(service, await newUser());
    expect(await spendBudget(service)).toEqual(limited);
    expect(events(service, 'rate-limit-store-unavailable')).toHaveLength(1);
    expect(events(service, 'rate-limit-store-recovered')).toHaveLength(1);
    expect(service.stderr).toEqual([]);
    expect(service.notJson).toEqual([]);
  });

  it('starts with Redis unreachable: nothing on stderr, one warning, requests served; counts once Redis is up', async () => {
    const port = await freePort();
    const service = await startService(`redis://127.0.0.1:${port}`);
    const userId = await newUser();
    for (let i = 0; i < 2 * LIMIT; i++) expect(await me(service, userId)).toBe(200);
    expect(events(service, 'rate-limit-store-unavailable')).toHaveLength(1);

    redises.push(await PrivateRedis.start(port));
    await untilRecovered(service, await newUser());
    expect(await spendBudget(service)).toEqual(limited);
    expect(events(service, 'rate-limit-store-unavailable')).toHaveLength(1);
    expect(service.stderr).toEqual([]);
    expect(service.notJson).toEqual([]);
  });
});
