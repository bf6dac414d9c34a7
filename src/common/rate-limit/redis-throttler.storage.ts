import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { circuitBreaker, ConsecutiveBreaker, handleAll, isBrokenCircuitError } from 'cockatiel';
import Redis from 'ioredis';
import { AsyncLocalStorage } from 'node:async_hooks';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Redis answers in well under a millisecond; a command this late means it is stuck. Not much
 * shorter: the timer also runs out when this process's own event loop was blocked that long
 * (a CPU-bound request, PGlite's synchronous queries) while the answer sat unread.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 500;
/** Failures in a row that open the circuit; a single late answer does not stop the counting. */
const FAILURES_TO_OPEN = 2;
/** While Redis is out, one request per interval tries it again; the others skip it. */
export const REDIS_RETRY_AFTER_MS = 1000;

const ALLOW: ThrottlerStorageRecord = {
  totalHits: 0,
  timeToExpire: 0,
  isBlocked: false,
  timeToBlockExpire: 0,
};

/**
 * Fixed-window counters in Redis (@nest-lab/throttler-storage-redis), so every instance behind a
 * load balancer shares one limit. An outage of the cache must not take the API down with it:
 * - every command has a short timeout (a frozen Redis keeps its socket open and never answers),
 *   and while disconnected commands fail at once (no offline queue);
 * - a failure lets the request through (fails open); two in a row open a circuit: for the next
 *   second requests skip Redis entirely, then a single request probes it again;
 * - the outage is logged once when it starts and once when Redis answers again, whatever the
 *   traffic, and the client's own `error` events go to the same log instead of stderr.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private readonly counters: ThrottlerStorageRedisService;
  private readonly breaker = circuitBreaker(handleAll, {
    halfOpenAfter: REDIS_RETRY_AFTER_MS,
    breaker: new ConsecutiveBreaker(FAILURES_TO_OPEN),
  });
  private outageSince?: number;
  // Bound where the storage is made (start-up): a log line about Redis belongs to no request.
  private readonly report = AsyncLocalStorage.bind((event: 'down' | 'up', err?: unknown) =>
    event === 'down' ? this.logDown(err) : this.logUp(),
  );

  private constructor(readonly redis: Redis) {
    this.counters = new ThrottlerStorageRedisService(redis);
  }

  /** Connects in the background; the listener is on before the first event can fire. */
  static connect(url: string): RedisThrottlerStorage {
    const redis = new Redis(url, {
      keyPrefix: 'ratelimit:',
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
    });
    const storage = new RedisThrottlerStorage(redis);
    redis.on('error', (err) => storage.report('down', err));
    return storage;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    try {
      const record = await this.breaker.execute(() =>
        this.counters.increment(key, ttl, limit, blockDuration, throttlerName),
      );
      if (this.outageSince !== undefined) this.report('up');
      return record;
    } catch (err) {
      if (!isBrokenCircuitError(err)) this.report('down', err);
      return ALLOW;
    }
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private logDown(err: unknown): void {
    if (this.outageSince !== undefined) return;
    this.outageSince = Date.now();
    this.logger.warn({
      msg: 'Rate limit store unavailable; requests are allowed without counting until it answers',
      event: 'rate-limit-store-unavailable',
      err: { message: (err as Error)?.message, code: (err as { code?: string })?.code },
    });
  }

  private logUp(): void {
    if (this.outageSince === undefined) return;
    const outageMs = Date.now() - this.outageSince;
    this.outageSince = undefined;
    this.logger.log({
      msg: 'Rate limit store answers again; counting resumed',
      event: 'rate-limit-store-recovered',
      outageMs,
    });
  }
}
