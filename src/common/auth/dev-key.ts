import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DevKeyPair {
  privateKeyPem: string;
  publicKeyPem: string;
}

const PRIVATE_FILE = 'dev-jwt-private.pem';
const PUBLIC_FILE = 'dev-jwt-public.pem';

/**
 * The development signing key pair under `dir`, made on first use. Only used when no Clerk key
 * is configured outside production; tokens are still checked by @clerk/backend's verifyToken.
 * RSA 2048: Clerk's PEM import assumes that size.
 */
export function loadOrCreateDevKeyPair(dir: string): DevKeyPair {
  const privatePath = join(dir, PRIVATE_FILE);
  const publicPath = join(dir, PUBLIC_FILE);
  if (!existsSync(privatePath) || !existsSync(publicPath)) {
    mkdirSync(dir, { recursive: true });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    writeFileSync(privatePath, privateKey, { mode: 0o600 });
    chmodSync(privatePath, 0o600);
    writeFileSync(publicPath, publicKey);
  }
  return {
    privateKeyPem: readFileSync(privatePath, 'utf8'),
    publicKeyPem: readFileSync(publicPath, 'utf8'),
  };
}
