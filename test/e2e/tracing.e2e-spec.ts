import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPgliteConnection } from '../../src/db/database';
import { runMigrations } from '../../src/db/migrator';
import { tokenFor } from '../support/auth';
import { makeTeam } from '../support/factories';
import { OtlpReceiver, ReceivedSpan } from '../support/otlp-receiver';
import { ServiceProcess } from '../support/service-process';
import { createTestDatabase, ENV, TestDatabase } from '../support/test-database';

const onPglite = process.env[ENV.mode] === 'pglite';

/**
 * The production build as a child process: instrumentation patches modules as they are first
 * required, which only a fresh process shows. Spans go to a loopback OTLP/HTTP receiver as JSON;
 * the batch delay is a minute, so every span seen here was sent by the shutdown's flush.
 */
describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  let receiver: OtlpReceiver;
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;
  let databaseEnv: Record<string, string>;
  let team: Awaited<ReturnType<typeof makeTeam>>;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    if (onPglite) {
      // The service owns its embedded store: arrange the rows in a directory, then hand it over.
      dataDir = mkdtempSync(join(tmpdir(), 'tracing-pglite-'));
      const connection = await createPgliteConnection(join(dataDir, 'db'));
      await runMigrations(connection);
      team = await makeTeam(connection.db);
      await connection.close();
      databaseEnv = { PGLITE_DATA_DIR: join(dataDir, 'db') };
    } else {
      database = await createTestDatabase();
      team = await makeTeam(database.connection.db);
      databaseEnv = { DATABASE_URL: database.url! };
    }
  });
  afterAll(async () => {
    await database?.destroy();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives one request one trace: HTTP, controller and each SQL statement, BEGIN and COMMIT included', async () => {
    const service = await ServiceProcess.start({
      ...databaseEnv,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '60000',
    });
    const { org, member } = team;
    const res = await fetch(`${service.url}/organizations/${org.id}/members?limit=5`, {
      headers: { Authorization: `Bearer ${tokenFor(member.id)}` },
    });
    expect(res.status).toBe(200);
    await fetch(`${service.url}/health`);
    const requestId = res.headers.get('x-request-id');

    service.child.kill('SIGTERM');
    expect((await service.exited).code).toBe(0);

    const spans = receiver.spans;
    // One trace: probes are not traced, and the job engine's polling has no parent span.
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const parentOf = (span: ReceivedSpan) => byId.get(span.parentSpanId ?? '');

    const server = spans.find((s) => s.kind === 2)!;
    expect(server).toMatchObject({
      name: 'GET /organizations/:orgId/members',
      scope: '@opentelemetry/instrumentation-http',
    });
    expect(server.parentSpanId || undefined).toBeUndefined();
    expect(server.attributes['http.route']).toBe('/organizations/:orgId/members');
    expect(server.attributes['http.response.status_code']).toBe(200);
    // Query values are not sent (they may be personal data), as in the logs.
    expect(server.attributes['url.query']).toBe('limit=');

    const controller = spans.find((s) => s.name === 'MembershipsController.list')!;
    expect(controller.attributes['nestjs.controller']).toBe('MembershipsController');
    expect(parentOf(controller)).toMatchObject({
      scope: '@opentelemetry/instrumentation-express',
      attributes: { 'http.route': '/organizations/:orgId/members' },
    });
    expect(parentOf(parentOf(controller)!)).toBe(server);

    const statements = spans
      .filter(
        (s) => s.scope === '@opentelemetry/instrumentation-pg' && s.name.startsWith('pg.query'),
      )
      .map((s) => ({
        sql: String(s.attributes['db.query.text'] ?? s.attributes['db.statement']),
        parent: parentOf(s),
      }));
    if (onPglite) {
      // PGlite runs in the process: no driver, no SQL spans.
      expect(statements).toEqual([]);
    } else {
      const inController = statements.filter((s) => s.parent === controller).map((s) => s.sql);
      expect(inController[0]).toMatch(/^begin\b/);
      expect(inController.at(-1)).toBe('commit');
      expect(inController.some((sql) => /from "organization_members"/.test(sql))).toBe(true);
      // The guard's principal lookup runs before the controller, inside the request too.
      expect(statements.some((s) => /from "users"/.test(s.sql) && s.parent !== controller)).toBe(
        true,
      );
    }

    // The request line carries the trace, and the request id stays.
    const line = service.lines.find((l) => l.msg === 'request completed')!;
    expect(line).toMatchObject({
      req: { id: requestId },
      trace_id: server.traceId,
      span_id: server.spanId,
    });
  });

  // prom-client loads @opentelemetry/api (a no-op facade) for exemplars; nothing else may load.
  it('loads neither the SDK nor an instrumentation when no endpoint is set', () => {
    const script =
      "require('./dist/app.module');" +
      'const otel = Object.keys(require.cache).filter((f) => /@opentelemetry\\/(?!api\\/)/.test(f));' +
      'process.stdout.write(String(otel.length))';
    const env = { PATH: process.env.PATH, NODE_ENV: 'test' };
    const loaded = execFileSync(process.execPath, ['-e', script], {
      cwd: join(__dirname, '../..'),
      env,
    });
    expect(loaded.toString()).toBe('0');
  });
});
