import { loadConfig } from '../../common/config/app-config';
import { createDatabaseConnection } from '../database';
import { runMigrations } from '../migrator';
import { seed, SEED_USERS } from '../seed';

/** `npm run db:seed`: idempotent demo data on DATABASE_URL, or the embedded store. */
async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await createDatabaseConnection(config.database);
  try {
    if (config.migrateOnStart) await runMigrations(connection);
    await seed(connection.db);
    process.stdout.write(
      `Seeded demo data (${connection.kind}). Users: ${SEED_USERS.map((u) => u.id).join(', ')}\n` +
        'Get a token with: npm run token -- user_admin\n',
    );
  } finally {
    await connection.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Seeding failed: ${(err as Error).message}\n`);
  process.exit(1);
});
