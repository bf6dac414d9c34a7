import type { RawBodyRequest } from '@nestjs/common';
import type { Request } from 'express';

/** The body exactly as sent: signatures are computed over these bytes, not over parsed JSON. */
export function rawBodyOf(request: RawBodyRequest<Request>): string {
  return request.rawBody?.toString('utf8') ?? '';
}
