import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface ComposeService {
  image?: string;
  ports?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
}

/** Variables of README's configuration table that have no meaning inside the container. */
const LOCAL_ONLY = new Set(['PGLITE_DATA_DIR', 'DEV_KEY_DIR']);

/** The deployment files (no Docker engine here): checked against the README they document. */
describe('docker-compose.yml and the Dockerfile', () => {
  const services = (
    parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> }
  ).services;

  it('passes every configuration variable of the README through to the API', () => {
    const documented = [...read('README.md').matchAll(/^\| `([A-Z][A-Z0-9_]+)`/gm)].map(
      (m) => m[1],
    );
    expect(documented.length).toBeGreaterThan(15);
    const passed = Object.keys(services.api.environment ?? {});
    expect(documented.filter((name) => !LOCAL_ONLY.has(name) && !passed.includes(name))).toEqual(
      [],
    );
  });

  it('runs PostgreSQL 17 and Redis for the API, publishing only the API on the host', () => {
    expect(services.postgres.image).toBe('postgres:17-alpine');
    expect(services.redis.image).toMatch(/^redis:/);
    expect(services.api.environment?.REDIS_URL).toBe('redis://redis:6379');
    expect(services.api.environment?.DB_MIGRATE_ON_START).toBe('true');
    expect(services.postgres.ports).toBeUndefined();
    expect(services.redis.ports).toBeUndefined();
    expect(services.api.healthcheck?.test.join(' ')).toContain('/health/ready');
  });

  it('builds on Node 24 LTS', () => {
    expect(read('Dockerfile').match(/^FROM \S+/gm)).toEqual([
      'FROM node:24-alpine',
      'FROM node:24-alpine',
    ]);
  });
});
