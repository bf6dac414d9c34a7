import { rmSync } from 'node:fs';
import { adminQuery, ENV } from './test-database';

export default async function globalTeardown(): Promise<void> {
  if (process.env[ENV.mode] === 'server' && !globalThis.__TEST_CONTAINER__) {
    await adminQuery(
      process.env[ENV.serverUrl]!,
      `DROP DATABASE IF EXISTS "${process.env[ENV.template]}" WITH (FORCE)`,
    );
  }
  await globalThis.__TEST_CONTAINER__?.stop();
  if (process.env[ENV.snapshot]) rmSync(process.env[ENV.snapshot]!, { force: true });
}
