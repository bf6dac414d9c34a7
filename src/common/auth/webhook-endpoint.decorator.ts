import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { FailedSignatureInterceptor } from './failed-signature.interceptor';
import { Public } from './public.decorator';

/**
 * A controller that senders reach with a signature instead of a session token. Its senders
 * deliver from a few addresses and retry, so the signature, not the rate limit, keeps others
 * out; a bad signature spends the caller's IP budget instead (FailedSignatureInterceptor).
 */
export const WebhookEndpoint = () =>
  applyDecorators(Public(), SkipThrottle(), UseInterceptors(FailedSignatureInterceptor));
