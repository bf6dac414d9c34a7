import type { NextFunction, Request, Response } from 'express';
import { ErrorDetail, MAX_ERROR_DETAILS, ValidationFailedError } from '../errors/domain-error';

const MESSAGE = 'must not contain NUL characters';
const NUL = '\u0000';
// Express decodes path parameters and query values: %00 anywhere in the path becomes a NUL.
const ENCODED_NUL = /%00/;

/** Adds the path (`a.b[2]`) of each string or key under `root` holding a NUL; no recursion. */
function findNul(root: unknown, rootName: string, found: ErrorDetail[]): void {
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0 && found.length < MAX_ERROR_DETAILS) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes(NUL)) found.push({ field: path || rootName, message: MESSAGE });
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push([value[i], `${path}[${i}]`]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value).reverse()) {
        if (key.includes(NUL)) {
          found.push({ field: path || rootName, message: `keys ${MESSAGE}` });
        } else {
          stack.push([child, path ? `${path}.${key}` : key]);
        }
      }
    }
  }
}

/**
 * Text with a NUL character cannot be stored (PostgreSQL refuses it in text and jsonb) and is
 * never meant: it is refused here, for every route, before guards, pipes or the database see it.
 * Runs after the JSON parser, whose shape limits already bound the body walked here.
 */
export function rejectNulCharacters(req: Request, _res: Response, next: NextFunction): void {
  const found: ErrorDetail[] = [];
  if (ENCODED_NUL.test(req.path)) found.push({ field: 'path', message: MESSAGE });
  findNul(req.query, 'query', found);
  findNul(req.body, 'body', found);
  if (found.length > 0) {
    next(new ValidationFailedError(found.slice(0, MAX_ERROR_DETAILS)));
    return;
  }
  next();
}
