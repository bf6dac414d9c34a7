import { Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import { anonymousTracker } from './rate-limit.keys';

/** Counts per user when the caller is authenticated (AuthGuard ran first), else per IP. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as Request;
    const userId = request.principal?.user.id;
    return Promise.resolve(userId ? `user:${userId}` : anonymousTracker(request));
  }
}
