import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPgliteConnection,
  createPostgresConnection,
  DatabaseConnection,
} from '../../src/db/database';
import { runMigrations } from '../../src/db/migrator';
import { makeTestKeyPair } from './auth';
import { adminQuery, ENV, withDatabase } from './test-database';

declare global {
  var __TEST_CONTAINER__: { stop(): Promise<unknown> } | undefined;
}

/**
 * Picks the suite's PostgreSQL: TEST_DATABASE_URL when set, else Testcontainers when a Docker
 * engine answers, else embedded PGlite (TEST_DB=pglite forces it). Migrates once; every test
 * file then gets its own copy.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  boundTheRun();
  makeTestKeyPair();
  buildService();
  let source: string;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl && process.env.TEST_DB !== 'pglite') {
    serverUrl = await startContainer();
    if (serverUrl) source = 'Testcontainers postgres:17-alpine';
  }
  if (serverUrl) {
    source ??= 'TEST_DATABASE_URL';
    const template = `test_template_${process.pid}_${Date.now()}`;
    await adminQuery(serverUrl, `CREATE DATABASE "${template}"`);
    await migrate(
      createPostgresConnection({
        kind: 'postgres',
        url: withDatabase(serverUrl, template),
        poolMax: 1,
        connectionTimeoutMs: 5000,
        statementTimeoutMs: 0,
      }),
    );
    Object.assign(process.env, {
      [ENV.mode]: 'server',
      [ENV.serverUrl]: serverUrl,
      [ENV.template]: template,
    });
  } else {
    source = 'embedded PGlite';
    const connection = await createPgliteConnection('memory://');
    await runMigrations(connection);
    const dump = await connection.pglite!.dumpDataDir('none');
    await connection.close();
    const file = join(tmpdir(), `saas-core-test-${process.pid}.tar`);
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
    Object.assign(process.env, { [ENV.mode]: 'pglite', [ENV.snapshot]: file });
  }
  process.stderr.write(`\n[test-db] using ${source} (prepared in ${Date.now() - started} ms)\n`);
}

/**
 * A bound on the whole run, so nothing (a hung hook, a server left open) can keep CI waiting:
 * TEST_SUITE_TIMEOUT_MINUTES, 10 by default; the suite takes about a minute on 2 cores.
 */
function boundTheRun(): void {
  const minutes = Number(process.env.TEST_SUITE_TIMEOUT_MINUTES ?? 10);
  setTimeout(() => {
    process.stderr.write(`\n[test] the suite ran longer than ${minutes} min: stopping it\n`);
    process.exit(1);
  }, minutes * 60_000).unref();
}

/** Tests of the service as a process (shutdown, several instances) run the production build. */
function buildService(): void {
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: join(__dirname, '..', '..'),
      stdio: 'inherit',
    },
  );
}

async function migrate(connection: DatabaseConnection): Promise<void> {
  try {
    await runMigrations(connection);
  } finally {
    await connection.close();
  }
}

async function startContainer(): Promise<string | undefined> {
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17-alpine').start();
    globalThis.__TEST_CONTAINER__ = container;
    return container.getConnectionUri();
  } catch (err) {
    process.stderr.write(
      `[test-db] Testcontainers unavailable (${(err as Error).message.split('\n')[0]})\n`,
    );
    return undefined;
  }
}
