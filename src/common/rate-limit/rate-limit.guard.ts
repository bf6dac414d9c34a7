import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request } from 'express';
import { RateLimitRejections } from './rate-limit-rejections';
import { anonymousTracker } from './rate-limit.keys';

/** Counts per user when the caller is authenticated (AuthGuard ran first), else per IP. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  @Inject(RateLimitRejections) private readonly rejections!: RateLimitRejections;

  protected override getTracker(req: Record<string, unknown>): Promise<string> {
    const request = req as unknown as Request;
    const userId = request.principal?.user.id;
    return Promise.resolve(userId ? `user:${userId}` : anonymousTracker(request));
  }

  protected override throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    this.rejections.count('requests');
    return super.throwThrottlingException(context, detail);
  }
}
