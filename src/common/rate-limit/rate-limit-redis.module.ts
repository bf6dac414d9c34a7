import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisThrottlerStorage } from './redis-throttler.storage';

export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

class RedisShutdown implements OnApplicationShutdown {
  constructor(@Inject(RATE_LIMIT_STORAGE) private readonly storage: RedisThrottlerStorage | null) {}

  async onApplicationShutdown(): Promise<void> {
    await this.storage?.close();
  }
}

/** Shared rate-limit counters in Redis, or null when REDIS_URL is unset (per-process counters). */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.redisUrl && config.rateLimitPerMinute > 0
          ? RedisThrottlerStorage.connect(config.redisUrl)
          : null,
    },
    RedisShutdown,
  ],
  exports: [RATE_LIMIT_STORAGE],
})
export class RateLimitRedisModule {}
