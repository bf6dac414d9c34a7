import createClient from 'openapi-fetch';
import type { paths } from './schema';

/**
 * The API as a client would use it: typed from the committed openapi.json
 * (`npm run openapi:client` regenerates schema.d.ts).
 */
export function apiClient(baseUrl: string, token?: string) {
  return createClient<paths>({
    baseUrl,
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
}
