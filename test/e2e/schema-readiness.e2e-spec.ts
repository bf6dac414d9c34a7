import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPostgresConnection, DatabaseConnection } from '../../src/db/database';
import { MIGRATIONS_FOLDER, runMigrations } from '../../src/db/migrator';
import { ServiceProcess } from '../support/service-process';
import { adminQuery, ENV, withDatabase } from '../support/test-database';

const onServer = process.env[ENV.mode] === 'server' ? describe : describe.skip;

const shipped = (
  JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  }
).entries.length;

/** The production build started on a database that lacks the build's migrations. */
onServer('readiness and the schema version', () => {
  const serverUrl = process.env[ENV.serverUrl] ?? '';
  const name = `test_schema_${process.pid}_${Date.now()}`;
  let connection: DatabaseConnection;
  let service: ServiceProcess;

  beforeAll(async () => {
    const url = withDatabase(serverUrl, name);
    await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
    connection = createPostgresConnection({
      kind: 'postgres',
      url,
      poolMax: 1,
      connectionTimeoutMs: 5000,
      statementTimeoutMs: 0,
    });
    service = await ServiceProcess.start({ DATABASE_URL: url });
  });
  afterAll(async () => {
    await service?.stop();
    await connection?.close();
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  const ready = async () => {
    const res = await fetch(`${service.url}/health/ready`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const applied = (sql: string) => connection.db.execute(sql);

  it('on an empty database: says at start to run npm run db:migrate, and is not ready', async () => {
    const line = service.lines.find((l) => l.event === 'database-schema-behind');
    expect(line).toMatchObject({ pendingMigrations: shipped });
    expect(line?.msg).toContain('npm run db:migrate');
    expect(await ready()).toEqual({
      status: 503,
      body: {
        error: 'DATABASE_UNAVAILABLE',
        message: expect.stringContaining('npm run db:migrate') as string,
        details: [{ field: 'schema', message: 'pending migrations', pendingMigrations: shipped }],
      },
    });
  });

  it('becomes ready once migrated, without a restart; one migration behind is not ready', async () => {
    await runMigrations(connection);
    expect((await ready()).status).toBe(200);

    const latest = 'select max(created_at) from drizzle.__drizzle_migrations';
    await applied(`create table held as select * from drizzle.__drizzle_migrations`);
    await applied(`delete from drizzle.__drizzle_migrations where created_at = (${latest})`);
    const behind = await ready();
    expect(behind.status).toBe(503);
    expect(behind.body.message).toMatch(/^The database schema is 1 migration behind/);

    await applied(`insert into drizzle.__drizzle_migrations select * from held except
      select * from drizzle.__drizzle_migrations`);
    expect((await ready()).status).toBe(200);
  });

  it('stays ready on a database a newer build has migrated further (rolling deploys)', async () => {
    await applied(
      `insert into drizzle.__drizzle_migrations (hash, created_at) values ('newer', 9999999999999)`,
    );
    expect((await ready()).status).toBe(200);
  });
});
