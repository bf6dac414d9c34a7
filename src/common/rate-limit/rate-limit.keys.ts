import type { Request } from 'express';

/** One window for every budget: RATE_LIMIT_PER_MINUTE. */
export const RATE_LIMIT_TTL_MS = 60_000;

export const THROTTLER_NAME = 'default';

/** One budget per caller across all routes (the throttler's default key is per route). */
export const rateLimitKey = (tracker: string) => `${THROTTLER_NAME}:${tracker}`;

export const anonymousTracker = (request: Request) => `ip:${request.ip ?? 'unknown'}`;
