import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { once, onCleanup } from './cleanup';
import {
  createPgliteConnection,
  createPostgresConnection,
  DatabaseConnection,
} from '../../src/db/database';

/**
 * Where the suite's databases come from, decided once by the global setup:
 * `server` (TEST_DATABASE_URL or a Testcontainers PostgreSQL, one database per test file made
 * from a migrated template) or `pglite` (an embedded PostgreSQL per test file, loaded from a
 * migrated snapshot).
 */
export type TestDatabaseMode = 'server' | 'pglite';

export const ENV = {
  mode: 'TEST_DB_MODE',
  serverUrl: 'TEST_DB_SERVER_URL',
  template: 'TEST_DB_TEMPLATE',
  snapshot: 'TEST_DB_PGLITE_SNAPSHOT',
} as const;

export interface TestDatabase {
  mode: TestDatabaseMode;
  connection: DatabaseConnection;
  /** The file's own database URL (server mode only), e.g. for a second process. */
  url?: string;
  /** Closes the connection and drops the database. */
  destroy(): Promise<void>;
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const mode = process.env[ENV.mode] as TestDatabaseMode | undefined;
  if (mode === 'server') return createServerDatabase();
  if (mode === 'pglite') return createPgliteDatabase();
  throw new Error('The test database was not prepared: run the suite through jest (global setup)');
}

async function createServerDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env[ENV.serverUrl]!;
  const name = `test_${randomBytes(6).toString('hex')}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${process.env[ENV.template]}"`);
  const url = withDatabase(serverUrl, name);
  const connection = createPostgresConnection({
    kind: 'postgres',
    url,
    poolMax: 10,
    connectionTimeoutMs: 5000,
    statementTimeoutMs: 30000,
  });
  const destroy = once(async () => {
    await connection.close().catch(() => undefined);
    await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  onCleanup(`database ${name}`, destroy);
  return { mode: 'server', connection, url, destroy };
}

async function createPgliteDatabase(): Promise<TestDatabase> {
  const snapshot = new Blob([readFileSync(process.env[ENV.snapshot]!)]);
  const connection = await createPgliteConnection('memory://', snapshot);
  const destroy = once(() => connection.close().catch(() => undefined));
  onCleanup('embedded database', destroy);
  return { mode: 'pglite', connection, destroy };
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
