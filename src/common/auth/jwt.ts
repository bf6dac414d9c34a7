import { createSign } from 'node:crypto';

/** Signs an RS256 JWT; used for dev tokens (and by tests to make Clerk-shaped session tokens). */
export function signRs256Jwt(
  payload: Record<string, unknown>,
  privateKeyPem: string,
  header: Record<string, unknown> = {},
): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT', ...header })}.${encode(payload)}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(privateKeyPem, 'base64url');
  return `${unsigned}.${signature}`;
}

/** A Clerk-like session token payload for `userId`, valid for `ttlSeconds`. */
export function sessionClaims(userId: string, ttlSeconds: number, issuer = 'https://dev.local') {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: userId,
    iss: issuer,
    iat: now,
    nbf: now - 5,
    exp: now + ttlSeconds,
    sid: `sess_dev`,
  };
}
