import { randomBytes } from 'node:crypto';

/**
 * A url-safe id with 128 bits of crypto randomness behind a readable prefix, e.g. `org_mem_…`.
 * Prefixes keep ids recognisable in logs; the random part keeps them unguessable.
 */
export function generateShortId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
