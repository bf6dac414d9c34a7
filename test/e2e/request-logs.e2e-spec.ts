import { tokenFor } from '../support/auth';
import { makeTeam, makeUser } from '../support/factories';
import { LogLine, ServiceProcess } from '../support/service-process';
import { createTestDatabase, ENV, TestDatabase } from '../support/test-database';

const onServer = process.env[ENV.mode] === 'server' ? describe : describe.skip;

/** What the production build writes about requests, read from its log lines. */
onServer('request logs', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let adminToken: string;
  let orgId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const db = database.connection.db;
    adminToken = tokenFor((await makeUser(db, { isAdmin: true })).id);
    orgId = (await makeTeam(db)).org.id;
    service = await ServiceProcess.start({ DATABASE_URL: database.url! });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  /**
   * Sends one request, then a marker request whose log line shows that the service has written
   * everything about the first; returns the first's status and the lines written since.
   */
  async function call(path: string, init: RequestInit = {}) {
    const seen = service.lines.length;
    const headers = { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' };
    const response = await fetch(`${service.url}${path}`, {
      ...init,
      headers: { ...headers, ...init.headers },
    });
    await response.text();
    const marker = `marker-${Math.random().toString(36).slice(2)}`;
    await (
      await fetch(`${service.url}/users/me`, { headers: { ...headers, 'X-Request-Id': marker } })
    ).text();
    await service.waitFor((line) => (line.req as { id?: string } | undefined)?.id === marker);
    const lines = service.lines
      .slice(seen)
      .filter((line: LogLine) => (line.req as { id?: string } | undefined)?.id !== marker);
    return { status: response.status, lines };
  }

  it('hold the path and the names of query parameters, never their values', async () => {
    const { status, lines } = await call('/users?email=secret.person%40example.com&limit=5');
    expect(status).toBe(200);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'request completed',
      req: { method: 'GET', url: '/users', query: ['email', 'limit'] },
    });
    expect(service.lines.some((line) => JSON.stringify(line).includes('secret.person'))).toBe(
      false,
    );
  });

  const cursor = Buffer.from(JSON.stringify(['+010000-01-01T00:00:00.000Z', 'x'])).toString(
    'base64url',
  );
  const badInputs: [string, string, RequestInit][] = [
    ['NUL in a body string', '/organizations', { method: 'POST', body: '{"name":"raw\\u0000in"}' }],
    ['NUL in a query value', `/organizations/:orgId/github/repositories?q=raw%00in`, {}],
    ['NUL in a path id', '/users/path%00id', {}],
    ['a forged cursor', `/users?cursor=${cursor}`, {}],
    ['null for an optional field', '/users/me', { method: 'PATCH', body: '{"lastName":null}' }],
    [
      'a deep body',
      '/users/me',
      { method: 'PATCH', body: `{"raw_in":${'['.repeat(100)}${']'.repeat(100)}}` },
    ],
    [
      'too many keys',
      '/users/me',
      {
        method: 'PATCH',
        body: JSON.stringify(
          Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`raw_in${i}`, 1])),
        ),
      },
    ],
  ];

  it.each(badInputs)(
    '%s: 4xx, and no error line, stack or raw input in the log',
    async (_, path, init) => {
      const { status, lines } = await call(path.replace(':orgId', orgId), init);
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
      for (const line of lines) {
        expect(line.level).toBeLessThan(50);
        const text = JSON.stringify(line);
        expect(text).not.toMatch(/stack|raw_in|raw\\u0000in|raw%00in/);
      }
    },
  );
});
