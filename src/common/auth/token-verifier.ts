import { Injectable, Logger } from '@nestjs/common';
import { verifyToken } from '@clerk/backend';
import { AppConfig } from '../config/app-config';
import { UnauthenticatedError } from '../errors/domain-error';
import { loadOrCreateDevKeyPair } from './dev-key';
import { VerifiedTokenCache } from './verified-token-cache';

/** Enough for every session active in a few minutes on one instance; ~300 bytes each. */
const TOKEN_CACHE_SIZE = 10_000;

/** What the API needs from a verified session token. */
export interface VerifiedSession {
  userId: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/**
 * Verifies Clerk session tokens with @clerk/backend: networkless with CLERK_JWT_KEY (or the dev
 * key), through Clerk's JWKS with CLERK_SECRET_KEY. Every failure is the same 401 to the caller.
 */
@Injectable()
export class TokenVerifier {
  private readonly logger = new Logger(TokenVerifier.name);
  private readonly options: Parameters<typeof verifyToken>[1];
  private readonly cache = new VerifiedTokenCache<VerifiedSession>(TOKEN_CACHE_SIZE);

  constructor(config: AppConfig) {
    const { jwtKey, secretKey, authorizedParties, devKeyDir } = config.auth;
    this.options = {
      jwtKey:
        jwtKey ?? (config.usesDevKey ? loadOrCreateDevKeyPair(devKeyDir).publicKeyPem : undefined),
      secretKey,
      authorizedParties,
    };
  }

  async verify(token: string): Promise<VerifiedSession> {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const session = await this.verifyWithClerk(token);
    this.cache.set(token, session);
    return session;
  }

  private async verifyWithClerk(token: string): Promise<VerifiedSession> {
    const payload = await verifyToken(token, this.options).catch((err: { reason?: string }) => {
      // Branch on `reason`, not instanceof: the error class exists in two copies (CJS and ESM).
      this.logger.debug({ msg: 'Token rejected', reason: err.reason ?? 'unknown' });
      throw new UnauthenticatedError();
    });
    const { sub, exp } = payload;
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > 128) {
      throw new UnauthenticatedError();
    }
    return { userId: sub, exp };
  }
}
