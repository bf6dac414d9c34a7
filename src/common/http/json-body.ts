import type { RawBodyRequest } from '@nestjs/common';
import { json, type RequestHandler } from 'express';
import type { IncomingMessage } from 'node:http';
import { DomainError } from '../errors/domain-error';
import { checkJsonShape } from './json-shape';

export const BODY_LIMIT = '1mb';

/**
 * The one JSON body parser: at most 1 MiB, UTF-8 only, its shape bounded (json-shape.ts) before
 * JSON.parse runs, and the raw bytes kept as `rawBody` for webhook signatures. Express's own
 * parser rather than app.useBodyParser: with the app's `rawBody: true` option Nest replaces
 * `verify`, which is where the shape check has to run.
 */
export function jsonBodyParser(): RequestHandler {
  return json({
    limit: BODY_LIMIT,
    type: ['application/json', 'application/*+json'],
    verify: (req: IncomingMessage, _res, buffer: Buffer, encoding: string) => {
      // The shape check reads bytes as UTF-8, the only encoding JSON between systems may use.
      if (encoding !== 'utf-8' && encoding !== 'utf8') {
        throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'JSON bodies must be UTF-8');
      }
      checkJsonShape(buffer);
      (req as RawBodyRequest<IncomingMessage>).rawBody = buffer;
    },
  });
}
