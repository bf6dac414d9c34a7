import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { RATE_LIMIT_REDIS, RateLimitRedisModule } from './rate-limit-redis.module';
import { RateLimitGuard } from './rate-limit.guard';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/**
 * RATE_LIMIT_PER_MINUTE requests per minute per caller; 429 RATE_LIMITED with Retry-After.
 * Imported after the AuthModule so its guard runs after authentication and counts per user.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [RateLimitRedisModule],
      inject: [AppConfig, RATE_LIMIT_REDIS],
      useFactory: (config: AppConfig, redis: Redis | null) => ({
        throttlers: [{ name: 'default', ttl: 60_000, limit: config.rateLimitPerMinute }],
        skipIf: () => config.rateLimitPerMinute === 0,
        // One budget per caller across all routes (the default key is per route).
        generateKey: (_context, tracker, name) => `${name}:${tracker}`,
        storage: redis ? new RedisThrottlerStorage(redis) : undefined,
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: RateLimitGuard }],
})
export class RateLimitModule {}
