import { loadConfig } from '../../config/app-config';
import { loadOrCreateDevKeyPair } from '../dev-key';
import { signSessionToken } from '../jwt';

const TTL_SECONDS = 24 * 60 * 60;

/** `npm run token -- <userId>`: a dev session token the running service accepts (dev key only). */
async function main(): Promise<void> {
  const userId = process.argv[2];
  if (!userId) {
    process.stderr.write('Usage: npm run token -- <userId>   (e.g. user_admin after db:seed)\n');
    process.exit(2);
  }
  const config = loadConfig();
  if (!config.usesDevKey) {
    process.stderr.write(
      'A Clerk key is configured: tokens come from Clerk, not from this command.\n',
    );
    process.exit(1);
  }
  const { privateKeyPem } = loadOrCreateDevKeyPair(config.auth.devKeyDir);
  process.stdout.write(`${await signSessionToken(userId, privateKeyPem, TTL_SECONDS)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`Could not make a token: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
});
