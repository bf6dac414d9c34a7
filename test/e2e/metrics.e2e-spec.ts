import { Injectable, Module, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import request from 'supertest';
import { eq } from 'drizzle-orm';
import { reconciliationRuns, webhookDeliveries } from '../../src/db/schema';
import { JobEngine } from '../../src/jobs/job-engine';
import { MetricsServer } from '../../src/metrics/metrics-server';
import { as } from '../support/http';
import { makeFailedDelivery, makeTeam } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

const TOKEN = 'metrics-token-0123456789abcdef';
const PROBE_QUEUE = 'metrics-probe';

/** A queue whose every job fails once and is not retried: one job failure per job sent. */
@Injectable()
class FailingJob implements OnModuleInit {
  constructor(private readonly jobs: JobEngine) {}

  onModuleInit(): void {
    this.jobs.registerQueue(PROBE_QUEUE, { retryLimit: 0 });
    this.jobs.work(PROBE_QUEUE, () => Promise.reject(new Error('probe failure')));
  }
}

@Module({ providers: [FailingJob] })
class FailingJobModule {}

const scrape = (t: TestApp) =>
  request(t.server).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);

/** The value of one sample line (`name{labels} value`), undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Scrapes until `series` satisfies `ok` (a job runs in the background), at most 15 s. */
async function scrapeUntil(t: TestApp, series: string, ok: (v: number | undefined) => boolean) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const res = await scrape(t);
    if (ok(sample(res.text, series)) || Date.now() > deadline) return res.text;
    await sleep(100);
  }
}

describe('metrics behind METRICS_TOKEN on the API port', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      env: { METRICS_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: '5' },
      imports: [FailingJobModule],
    });
  });
  afterAll(() => t.close());

  it('refuses a missing or wrong token with 401, then 429 once the IP spent its budget', async () => {
    const missing = await request(t.server).get('/metrics');
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({
      error: 'UNAUTHENTICATED',
      message: 'A valid metrics token is required',
    });
    const wrong = await request(t.server).get('/metrics').set('Authorization', `Bearer ${TOKEN}x`);
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain('http_request');
    for (const header of ['Bearer', `Basic ${TOKEN}`, `Bearer ${TOKEN.slice(1)}`]) {
      expect((await request(t.server).get('/metrics').set('Authorization', header)).status).toBe(
        401,
      );
    }
    const limited = await request(t.server).get('/metrics').set('Authorization', 'Bearer nope');
    expect(limited.status).toBe(429);
    // The scraper itself is never limited, and it sees the rejection.
    const res = await scrape(t);
    expect(res.status).toBe(200);
    expect(sample(res.text, 'rate_limit_rejections_total{budget="failed_authentications"}')).toBe(
      1,
    );
  });

  it('serves the Prometheus text format with request durations by route template', async () => {
    const { org, member } = await makeTeam(t.db);
    for (let i = 0; i < 2; i++) {
      expect((await as(t, member.id).get(`/organizations/${org.id}/members`)).status).toBe(200);
    }
    expect((await as(t, member.id).get(`/organizations/org_nope/members`)).status).toBe(404);
    await request(t.server).get(`/no/such/route/${org.id}`);

    const res = await scrape(t);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const route = 'route="/organizations/:orgId/members"';
    expect(
      sample(
        res.text,
        `http_request_duration_seconds_count{method="GET",${route},status_code="200"}`,
      ),
    ).toBe(2);
    expect(
      sample(
        res.text,
        `http_request_duration_seconds_count{method="GET",${route},status_code="404"}`,
      ),
    ).toBe(1);
    expect(
      sample(
        res.text,
        'http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"}',
      ),
    ).toBe(1);
    expect(res.text).toContain(
      `http_request_duration_seconds_bucket{le="0.005",method="GET",${route},status_code="200"}`,
    );
    // Never a raw URL or an id in a label.
    expect(res.text).not.toContain(org.id);
    expect(res.text).not.toContain('org_nope');
    // The scrape itself is in flight while it is read.
    expect(sample(res.text, 'http_requests_in_flight')).toBe(1);
    // Node's process metrics.
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
    ]) {
      expect(res.text).toContain(`# TYPE ${name} `);
    }
  });

  it('reports the pg pool (not on the embedded PGlite, which has no pool)', async () => {
    const res = await scrape(t);
    if (t.database.mode === 'pglite') {
      expect(res.text).not.toContain('db_pool_');
      return;
    }
    expect(sample(res.text, 'db_pool_max_connections')).toBe(10);
    const open = sample(res.text, 'db_pool_connections')!;
    const idle = sample(res.text, 'db_pool_idle_connections')!;
    expect(open).toBeGreaterThanOrEqual(1);
    expect(idle).toBeLessThanOrEqual(open);
    expect(sample(res.text, 'db_pool_waiting_requests')).toBe(0);
  });

  it('reports queued and failed webhook deliveries and the oldest queued age, from the database', async () => {
    await makeFailedDelivery(t.db);
    const body = JSON.stringify({ waiting: 'since a minute ago' });
    await t.db.insert(webhookDeliveries).values({
      source: 'github',
      deliveryId: 'metrics-queued-1',
      event: 'installation.created',
      status: 'queued',
      body,
      bodySha256: createHash('sha256').update(body).digest('hex'),
      receivedAt: new Date(Date.now() - 90_000),
    });
    const res = await scrape(t);
    expect(sample(res.text, 'webhook_deliveries{source="clerk",status="failed"}')).toBe(1);
    expect(sample(res.text, 'webhook_deliveries{source="github",status="queued"}')).toBe(1);
    expect(sample(res.text, 'webhook_deliveries{source="clerk",status="queued"}')).toBe(0);
    const age = sample(res.text, 'webhook_deliveries_oldest_queued_age_seconds{source="github"}')!;
    expect(age).toBeGreaterThanOrEqual(89);
    expect(age).toBeLessThan(300);
    expect(sample(res.text, 'webhook_deliveries_oldest_queued_age_seconds{source="clerk"}')).toBe(
      0,
    );
  });

  it('reports the last reconciliation: its success time, its drift, a failure, a run in progress', async () => {
    const before = await scrape(t);
    expect(sample(before.text, 'reconciliation_last_success_timestamp_seconds')).toBe(0);
    expect(sample(before.text, 'reconciliation_running')).toBe(0);
    const counts = (created: number) =>
      Object.fromEntries(
        ['users', 'organizations', 'members', 'installations', 'repositories'].map((kind) => [
          kind,
          { created: kind === 'users' ? created : 0, updated: 0, deleted: 0, unchanged: 9 },
        ]),
      );
    const succeededAt = new Date('2026-11-26T10:00:00.000Z');
    await t.db.insert(reconciliationRuns).values([
      {
        status: 'succeeded',
        trigger: 'schedule',
        counts: counts(3),
        startedAt: new Date('2026-11-26T09:59:00.000Z'),
        finishedAt: succeededAt,
      },
      // A dry run reports drift it did not repair: not the last run's drift.
      {
        status: 'succeeded',
        dryRun: true,
        trigger: 'api',
        counts: counts(50),
        startedAt: new Date('2026-11-26T10:30:00.000Z'),
        finishedAt: new Date('2026-11-26T10:31:00.000Z'),
      },
      { status: 'running', trigger: 'api', counts: counts(1) },
    ]);
    const text = (await scrape(t)).text;
    expect(sample(text, 'reconciliation_last_success_timestamp_seconds')).toBe(
      succeededAt.getTime() / 1000,
    );
    expect(sample(text, 'reconciliation_last_run_drift{kind="users",change="created"}')).toBe(3);
    expect(sample(text, 'reconciliation_last_run_drift{kind="members",change="deleted"}')).toBe(0);
    expect(sample(text, 'reconciliation_last_run_failed')).toBe(0);
    expect(sample(text, 'reconciliation_running')).toBe(1);

    await t.db
      .update(reconciliationRuns)
      .set({ status: 'failed', finishedAt: new Date() })
      .where(eq(reconciliationRuns.status, 'running'));
    const failed = (await scrape(t)).text;
    expect(sample(failed, 'reconciliation_last_run_failed')).toBe(1);
    expect(sample(failed, 'reconciliation_running')).toBe(0);
    expect(sample(failed, 'reconciliation_last_success_timestamp_seconds')).toBe(
      succeededAt.getTime() / 1000,
    );
  });

  it('counts job failures by queue', async () => {
    await t.app.get(JobEngine).send(PROBE_QUEUE, {});
    const series = `job_failures_total{queue="${PROBE_QUEUE}"}`;
    const text = await scrapeUntil(t, series, (v) => v === 1);
    expect(sample(text, series)).toBe(1);
  });

  it('keeps /metrics out of the OpenAPI document', async () => {
    const doc = await request(t.server).get('/docs-json');
    expect(Object.keys((doc.body as { paths: object }).paths)).not.toContain('/metrics');
  });
});

describe('metrics on METRICS_PORT', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { METRICS_PORT: '0' } });
    base = `http://127.0.0.1:${t.app.get(MetricsServer).port}`;
  });
  afterAll(() => t.close());

  it('serves /metrics on the second listener only, and closes it on shutdown', async () => {
    const { org, member } = await makeTeam(t.db);
    await as(t, member.id).get(`/organizations/${org.id}/members`);
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain(
      'http_request_duration_seconds_count{method="GET",route="/organizations/:orgId/members",status_code="200"} 1',
    );
    const other = await fetch(`${base}/health`);
    expect(other.status).toBe(404);
    expect(await other.json()).toEqual({ error: 'NOT_FOUND', message: 'No such route' });
    // Not on the API port: no token configured.
    const api = await request(t.server).get('/metrics');
    expect(api.status).toBe(404);
    expect(api.body).toMatchObject({ error: 'NOT_FOUND' });

    await t.close();
    await expect(fetch(`${base}/metrics`)).rejects.toThrow();
  });
});

describe('metrics with neither METRICS_PORT nor METRICS_TOKEN', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('has no metrics endpoint at all', async () => {
    const res = await request(t.server).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'NOT_FOUND', message: 'No such route' });
    expect(t.app.get(MetricsServer).port).toBeUndefined();
  });
});
