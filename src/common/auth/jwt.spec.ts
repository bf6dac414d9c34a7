import { verifyToken } from '@clerk/backend';
import { generateKeyPairSync } from 'node:crypto';
import { signSessionToken } from './jwt';

describe('signSessionToken', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });

  it('makes an RS256 token that Clerk verification accepts, expiring after the ttl', async () => {
    const token = await signSessionToken('user_dev', privateKey, 3600);
    const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()) as object;
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT' });
    const payload = await verifyToken(token, { jwtKey: publicKey });
    expect(payload.sub).toBe('user_dev');
    expect(payload.exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(3590);
  });

  it('is refused when signed by another key', async () => {
    const other = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const token = await signSessionToken('user_dev', other.privateKey, 3600);
    await expect(verifyToken(token, { jwtKey: publicKey })).rejects.toMatchObject({
      reason: 'token-invalid-signature',
    });
  });
});
