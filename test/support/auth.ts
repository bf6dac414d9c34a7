import { generateKeyPairSync, sign } from 'node:crypto';
import { sessionClaims } from '../../src/common/auth/jwt';

/**
 * The suite's Clerk-like signing key pair, made once per run by the global setup and handed to
 * workers through the environment. Apps under test get the public half as CLERK_JWT_KEY, so
 * tokens go through @clerk/backend's real verifyToken.
 */
export const TEST_KEY_ENV = {
  privateKey: 'TEST_JWT_PRIVATE_KEY',
  publicKey: 'TEST_JWT_PUBLIC_KEY',
};

export function makeTestKeyPair(): void {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  process.env[TEST_KEY_ENV.privateKey] = privateKey;
  process.env[TEST_KEY_ENV.publicKey] = publicKey;
}

export const testPublicKey = () => process.env[TEST_KEY_ENV.publicKey]!;
const testPrivateKey = () => process.env[TEST_KEY_ENV.privateKey]!;

/**
 * An RS256 JWT, signed synchronously so helpers can sit inside supertest chains
 * (`.set('Authorization', bearer(id))`); jose, which the service's own token command uses, signs
 * only asynchronously. The service checks these with Clerk's verifyToken like any other token.
 */
export function signJwt(payload: Record<string, unknown>, privateKeyPem: string): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${sign('sha256', Buffer.from(unsigned), privateKeyPem).toString('base64url')}`;
}

/** A valid session token for `userId` (one hour), optionally with claims overridden. */
export function tokenFor(userId: string, claims: Record<string, unknown> = {}): string {
  return signJwt({ ...sessionClaims(userId, 3600), ...claims }, testPrivateKey());
}

/** `Authorization` header value for supertest's `.set()`. */
export const bearer = (userId: string) => `Bearer ${tokenFor(userId)}`;
