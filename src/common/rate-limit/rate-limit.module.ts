import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '../config/app-config';
import { RATE_LIMIT_STORAGE, RateLimitRedisModule } from './rate-limit-redis.module';
import { FailedAuthenticationBudget } from './failed-authentication.budget';
import { RATE_LIMIT_TTL_MS, rateLimitKey, THROTTLER_NAME } from './rate-limit.keys';
import { RateLimitGuard } from './rate-limit.guard';
import { RateLimitRejections } from './rate-limit-rejections';
import type { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * RATE_LIMIT_PER_MINUTE requests per minute per caller; 429 RATE_LIMITED with Retry-After.
 * Imported after the AuthModule so its guard runs after authentication and counts per user.
 * Global so the AuthGuard can spend failed authentications without changing that order.
 */
@Global()
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitRedisModule],
      inject: [AppConfig, RATE_LIMIT_STORAGE],
      useFactory: (config: AppConfig, storage: RedisThrottlerStorage | null) => ({
        throttlers: [
          { name: THROTTLER_NAME, ttl: RATE_LIMIT_TTL_MS, limit: config.rateLimitPerMinute },
        ],
        skipIf: () => config.rateLimitPerMinute === 0,
        generateKey: (_context, tracker) => rateLimitKey(tracker),
        storage: storage ?? undefined,
      }),
    }),
  ],
  providers: [
    { provide: APP_GUARD, useClass: RateLimitGuard },
    FailedAuthenticationBudget,
    RateLimitRejections,
  ],
  exports: [FailedAuthenticationBudget],
})
export class RateLimitModule {}
