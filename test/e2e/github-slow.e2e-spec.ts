import { sql } from 'drizzle-orm';
import { tokenFor } from '../support/auth';
import { makeInstallation, makeRepository, makeTeam } from '../support/factories';
import { GithubApiStub } from '../support/github-api-stub';
import { ServiceProcess } from '../support/service-process';
import { createTestDatabase, ENV, TestDatabase } from '../support/test-database';

const onServer = process.env[ENV.mode] === 'server' ? describe : describe.skip;

/**
 * A GitHub that takes 20 s to answer, against the production build with its default pool of 5
 * connections: the calls to GitHub time out after 10 s and hold no connection meanwhile.
 */
onServer('a slow GitHub', () => {
  const stub = new GithubApiStub();
  let database: TestDatabase;
  let service: ServiceProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    const apiUrl = await stub.start();
    service = await ServiceProcess.start({
      DATABASE_URL: database.url!,
      GITHUB_API_URL: apiUrl,
      GITHUB_APP_SLUG: 'stub-app',
      GITHUB_APP_ID: stub.app.appId,
      GITHUB_APP_PRIVATE_KEY: stub.app.privateKey,
      GITHUB_APP_CLIENT_ID: stub.oauth.clientId,
      GITHUB_APP_CLIENT_SECRET: stub.oauth.clientSecret,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await stub.stop();
    await database?.destroy();
  });

  interface Answer {
    status: number;
    body: { error?: string; message?: string; state?: string; data?: { name: string }[] };
    ms: number;
  }
  async function call(
    userId: string | null,
    method: string,
    path: string,
    body?: object,
  ): Promise<Answer> {
    const started = performance.now();
    const res = await fetch(`${service.url}${path}`, {
      method,
      headers: {
        ...(userId ? { authorization: `Bearer ${tokenFor(userId)}` } : {}),
        'content-type': 'application/json',
      },
      body: body && JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as Answer['body'],
      ms: performance.now() - started,
    };
  }

  /** 8 clients, each reading the repository list 5 times in a row. */
  async function readConcurrently(team: { org: { id: string }; member: { id: string } }) {
    const perClient = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const mine: Answer[] = [];
        for (let i = 0; i < 5; i++) {
          mine.push(
            await call(team.member.id, 'GET', `/organizations/${team.org.id}/github/repositories`),
          );
        }
        return mine;
      }),
    );
    return perClient.flat();
  }
  const summary = (answers: Answer[]) => {
    const ms = answers.map((r) => r.ms).sort((a, b) => a - b);
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1);
    return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`;
  };

  it('costs other requests nothing: 8 readers all get 200 while six GitHub calls time out into 502', async () => {
    const db = database.connection.db;
    const syncing = await Promise.all([1, 2, 3, 4, 5].map(() => makeTeam(db)));
    const installations = await Promise.all(syncing.map((t) => makeInstallation(db, t.org.id)));
    for (const installation of installations) stub.install(installation.id);
    const linking = await makeTeam(db);
    const linkId = '4200000001';
    stub.install(linkId);
    const { body: issued } = await call(
      linking.admin.id,
      'GET',
      `/organizations/${linking.org.id}/github/install-url`,
    );
    const reader = await makeTeam(db);
    await makeRepository(db, (await makeInstallation(db, reader.org.id)).id, 'acme/read-me');

    const baseline = await readConcurrently(reader);
    expect(baseline.map((r) => r.status)).toEqual(Array(40).fill(200));
    stub.delayMs = 20_000;
    const github = [
      ...syncing.map((t, i) =>
        call(
          t.admin.id,
          'POST',
          `/organizations/${t.org.id}/github/installations/${installations[i].id}/sync`,
        ),
      ),
      call(linking.admin.id, 'POST', `/organizations/${linking.org.id}/github/installations`, {
        installationId: linkId,
        code: stub.authorize([linkId]),
        state: issued.state,
      }),
    ];
    await stub.holding(6);

    // Six requests wait for GitHub; none of them holds a transaction open.
    const idle = await db.execute(
      sql`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and state like 'idle in transaction%'`,
    );
    expect((idle as { rows: { n: number }[] }).rows[0].n).toBe(0);

    const reads = await readConcurrently(reader);
    const ready = await call(null, 'GET', '/health/ready');
    expect(reads.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(reads[0].body.data?.map((r) => r.name)).toEqual(['acme/read-me']);
    expect(ready.status).toBe(200);

    // Had the deadline not fired, the stub would answer after 20 s and these would succeed.
    const answers = await Promise.all(github);
    for (const answer of answers) {
      expect(answer.status).toBe(502);
      expect(answer.body.error).toBe('GITHUB_UNAVAILABLE');
      expect(answer.body.message).toMatch(/no answer within 10 s/);
    }
    const linked = await call(
      linking.admin.id,
      'GET',
      `/organizations/${linking.org.id}/github/installations`,
    );
    expect(linked.body.data).toEqual([]);

    console.info(
      `8 readers × 5 reads, GitHub answering at once: ${summary(baseline)}; ` +
        `while six GitHub calls hang: ${summary(reads)}; those calls answered 502 after ` +
        `${Math.min(...answers.map((a) => a.ms)).toFixed(0)}–` +
        `${Math.max(...answers.map((a) => a.ms)).toFixed(0)} ms`,
    );
  }, 60_000);
});
