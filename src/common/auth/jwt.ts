import { importPKCS8, SignJWT } from 'jose';

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

/** A session token for `userId` signed RS256 with a PKCS#8 PEM key: dev tokens (npm run token). */
export async function signSessionToken(
  userId: string,
  privateKeyPem: string,
  ttlSeconds: number,
): Promise<string> {
  const key = await importPKCS8(privateKeyPem, 'RS256');
  return new SignJWT(sessionClaims(userId, ttlSeconds))
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .sign(key);
}
