import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tokenFor } from '../support/auth';
import { makeUser } from '../support/factories';
import { LogLine, ServiceProcess } from '../support/service-process';
import { createTestDatabase, ENV, TestDatabase } from '../support/test-database';

const onServer = process.env[ENV.mode] === 'server' ? describe : describe.skip;
const MONITOR = pathToFileURL(join(__dirname, '..', 'support', 'event-loop-monitor.mjs')).href;

/** `{"k0":0,"k1":0,…}`, padded with one long string to about `bytes`. */
function manyKeys(keys: number, bytes = 0): string {
  const body = JSON.stringify(
    Object.fromEntries(Array.from({ length: keys }, (_, i) => [`k${i}`, 0])),
  );
  return `${body.slice(0, -1)},"pad":"${'x'.repeat(Math.max(0, bytes - body.length - 9))}"}`;
}
const nestedArrays = (bytes: number) => '['.repeat(bytes / 2) + ']'.repeat(bytes / 2);

/**
 * Hostile bodies sent to the production build while another client probes /health; the service
 * records its worst event-loop delay with perf_hooks (test/support/event-loop-monitor.mjs).
 * Times are reported, not asserted: asserted are the answers, and that they stay small.
 */
onServer('cost of hostile request bodies', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    token = tokenFor((await makeUser(database.connection.db)).id);
    service = await ServiceProcess.start({
      DATABASE_URL: database.url!,
      NODE_OPTIONS: `--import ${MONITOR}`,
    });
    // Past start-up and first-call compilation, so the reference line shows a warm service.
    for (let i = 0; i < 20; i++) {
      await fetch(`${service.url}/users/me`, { headers: { Authorization: `Bearer ${token}` } });
    }
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
  });

  async function worstLoopDelayMs(): Promise<number> {
    const seen = service.lines.length;
    const report = service.waitFor(
      (line: LogLine) => line.event === 'event-loop-delay' && service.lines.indexOf(line) >= seen,
    );
    service.child.kill('SIGUSR2');
    return Number((await report).maxMs);
  }

  async function send(body: string, times: number) {
    await worstLoopDelayMs();
    let probing = true;
    let worstHealthMs = 0;
    const probe = (async () => {
      while (probing) {
        const started = performance.now();
        expect((await fetch(`${service.url}/health`)).status).toBe(200);
        worstHealthMs = Math.max(worstHealthMs, performance.now() - started);
      }
    })();
    const answers: { status: number; text: string }[] = [];
    try {
      for (let i = 0; i < times; i++) {
        const response = await fetch(`${service.url}/users/me`, {
          method: 'PATCH',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body,
        });
        answers.push({ status: response.status, text: await response.text() });
      }
    } finally {
      probing = false;
      await probe;
    }
    return { answers, worstLoopMs: await worstLoopDelayMs(), worstHealthMs };
  }

  const cases: [string, () => string, number, string][] = [
    ['an ordinary update (for reference)', () => '{"firstName":"Ada"}', 200, ''],
    ['900 KB with 70,000 keys', () => manyKeys(70_000, 900_000), 413, 'PAYLOAD_TOO_LARGE'],
    ['1 MB of nested arrays', () => nestedArrays(1_000_000), 400, 'VALIDATION_FAILED'],
    ['1,000 unknown keys (at the limit)', () => manyKeys(999), 400, 'VALIDATION_FAILED'],
  ];

  it.each(cases)('%s', async (name, make, status, error) => {
    const body = make();
    const { answers, worstLoopMs, worstHealthMs } = await send(body, 5);
    for (const answer of answers) {
      expect(answer.status).toBe(status);
      expect(answer.text.length).toBeLessThan(4096);
      if (error) {
        const parsed = JSON.parse(answer.text) as { error: string; details?: unknown[] };
        expect(parsed.error).toBe(error);
        expect((parsed.details ?? []).length).toBeLessThanOrEqual(20);
      }
    }
    console.log(
      `${name}, ${body.length} bytes × 5: worst event-loop delay ${worstLoopMs.toFixed(1)} ms, ` +
        `worst /health ${worstHealthMs.toFixed(1)} ms`,
    );
  });
});
