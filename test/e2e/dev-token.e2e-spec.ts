import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeUser } from '../support/factories';
import { ServiceProcess } from '../support/service-process';
import { createTestDatabase, ENV, TestDatabase } from '../support/test-database';

const onServer = process.env[ENV.mode] === 'server' ? describe : describe.skip;
const ROOT = join(__dirname, '..', '..');

// The README's first run: no Clerk key, a dev key pair under DEV_KEY_DIR, `npm run token`.
onServer('development key and npm run token', () => {
  let database: TestDatabase;
  let service: ServiceProcess;
  const keyDir = mkdtempSync(join(tmpdir(), 'dev-key-'));
  const env = { NODE_ENV: 'test', DEV_KEY_DIR: keyDir, CLERK_JWT_KEY: undefined };

  beforeAll(async () => {
    database = await createTestDatabase();
    service = await ServiceProcess.start({ ...env, DATABASE_URL: database.url! });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.destroy();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('warns that it uses the dev key, and accepts the token npm run token prints', async () => {
    expect(service.lines.some((line) => /dev key/.test(line.msg ?? ''))).toBe(true);
    const user = await makeUser(database.connection.db);
    const { stdout } = await promisify(execFile)(
      'npm',
      ['run', '--silent', 'token', '--', user.id],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH, NODE_ENV: 'test', DEV_KEY_DIR: keyDir },
      },
    );
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const me = await fetch(`${service.url}/users/me`, {
      headers: { Authorization: `Bearer ${stdout.trim()}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ id: user.id });
  });
});
