import { createSign } from 'node:crypto';

/** A Clerk-shaped session token, valid for the whole run. */
export function signToken(userId, privateKeyPem) {
  const now = Math.floor(Date.now() / 1000);
  const encode = (part) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({ sub: userId, iat: now, nbf: now - 5, exp: now + 3600 })}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(privateKeyPem, 'base64url')}`;
}
