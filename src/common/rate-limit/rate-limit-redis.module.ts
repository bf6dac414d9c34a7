import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

export const RATE_LIMIT_REDIS = Symbol('RATE_LIMIT_REDIS');

class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.quit().catch(() => undefined);
  }
}

/** The Redis client behind shared rate-limit counters, or null when REDIS_URL is unset. */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.redisUrl && config.rateLimitPerMinute > 0
          ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
          : null,
    },
    RedisShutdown,
  ],
  exports: [RATE_LIMIT_REDIS],
})
export class RateLimitRedisModule {}
