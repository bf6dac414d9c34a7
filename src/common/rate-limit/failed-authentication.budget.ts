import { Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, ThrottlerStorage } from '@nestjs/throttler';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';
import { RateLimitedError } from '../errors/domain-error';
import { RateLimitRejections } from './rate-limit-rejections';
import {
  anonymousTracker,
  RATE_LIMIT_TTL_MS,
  rateLimitKey,
  THROTTLER_NAME,
} from './rate-limit.keys';

/**
 * Requests that fail authentication never reach the RateLimitGuard (it runs after the AuthGuard,
 * so it can count per user), and webhook routes skip it. Without this, a client could send
 * invalid tokens, valid tokens of deleted or unknown users, or badly signed webhooks without
 * limit, each costing a signature check. The AuthGuard and the FailedSignatureInterceptor spend
 * them from the caller's IP budget, the same one anonymous calls of public routes spend.
 */
@Injectable()
export class FailedAuthenticationBudget {
  private readonly limit: number;

  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    config: AppConfig,
    private readonly rejections: RateLimitRejections,
  ) {
    this.limit = config.rateLimitPerMinute;
  }

  /** Counts one failed authentication; throws RateLimitedError once the IP's budget is spent. */
  async spend(request: Request): Promise<void> {
    if (this.limit === 0) return;
    const { isBlocked, timeToBlockExpire } = await this.storage.increment(
      rateLimitKey(anonymousTracker(request)),
      RATE_LIMIT_TTL_MS,
      this.limit,
      RATE_LIMIT_TTL_MS,
      THROTTLER_NAME,
    );
    if (!isBlocked) return;
    request.res?.setHeader('Retry-After', timeToBlockExpire);
    this.rejections.count('failed_authentications');
    throw new RateLimitedError();
  }
}
