import { loadConfig } from '../../common/config/app-config';
import { createDatabaseConnection } from '../database';
import { runMigrations } from '../migrator';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL, or the embedded store. */
async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await createDatabaseConnection(config.database);
  try {
    await runMigrations(connection);
    process.stdout.write(`Migrations applied (${connection.kind}).\n`);
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Migration failed: ${(err as Error).message}\n`);
  process.exit(1);
});
