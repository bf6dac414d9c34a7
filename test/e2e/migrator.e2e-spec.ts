import { sql } from 'drizzle-orm';
import { readdirSync } from 'node:fs';
import { createPostgresConnection } from '../../src/db/database';
import { MIGRATIONS_FOLDER, runMigrations } from '../../src/db/migrator';
import { adminQuery, ENV, withDatabase } from '../support/test-database';

const onServer = process.env[ENV.mode] === 'server' ? describe : describe.skip;

onServer('migrator on a PostgreSQL server', () => {
  const serverUrl = process.env[ENV.serverUrl]!;
  const name = `test_migrate_${process.pid}_${Date.now()}`;

  beforeAll(() => adminQuery(serverUrl, `CREATE DATABASE "${name}"`));
  afterAll(() => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));

  it('lets four instances migrate one fresh database at once', async () => {
    const connections = Array.from({ length: 4 }, () =>
      createPostgresConnection({
        kind: 'postgres',
        url: withDatabase(serverUrl, name),
        poolMax: 2,
        connectionTimeoutMs: 10000,
        statementTimeoutMs: 0,
      }),
    );
    try {
      const results = await Promise.allSettled(connections.map((c) => runMigrations(c)));
      expect(results.map((r) => r.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'fulfilled',
        'fulfilled',
      ]);
      const applied = await connections[0].db.execute(
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      const files = readdirSync(MIGRATIONS_FOLDER).filter((f) => f.endsWith('.sql'));
      expect((applied as { rows: { n: number }[] }).rows[0].n).toBe(files.length);
    } finally {
      await Promise.all(connections.map((c) => c.close()));
    }
  });
});
