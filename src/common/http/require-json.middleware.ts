import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

/** A request body that is not JSON is refused with 415 instead of being silently ignored. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (BODY_METHODS.has(req.method) && hasBody(req) && !req.is(['application/json', '+json'])) {
    next(new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Request bodies must be application/json'));
    return;
  }
  next();
}
