import request from 'supertest';
import { createPostgresConnection } from '../../src/db/database';
import { ProbeModule } from '../support/probe.module';
import { createTestApp, TestApp } from '../support/test-app';

describe('error responses', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule] });
  });
  afterAll(() => t.close());

  it('answers an unknown route with 404 NOT_FOUND', async () => {
    const res = await request(t.server).get('/no/such/route');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'NOT_FOUND', message: 'No such route' });
  });

  it('answers malformed JSON with 400 MALFORMED_JSON and no parser internals', async () => {
    const res = await request(t.server)
      .post('/probe/commit')
      .set('Content-Type', 'application/json')
      .send('{"id": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'MALFORMED_JSON',
      message: 'The request body is not valid JSON',
    });
  });

  it('answers a body over 1 MiB with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await request(t.server)
      .post('/probe/commit')
      .send({ id: 'x'.repeat(1024 * 1024 + 10) });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a non-JSON body with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await request(t.server)
      .post('/probe/commit')
      .set('Content-Type', 'text/plain')
      .send('id=1');
    expect(res.status).toBe(415);
    expect(res.body.error).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('adds a request id to every answer and reuses a sane incoming one', async () => {
    const mine = await request(t.server).get('/health').set('X-Request-Id', 'req-abc.123');
    expect(mine.headers['x-request-id']).toBe('req-abc.123');
    const made = await request(t.server).get('/health').set('X-Request-Id', 'bad id <script>');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sets security headers on refusals of the input checks too', async () => {
    const res = await request(t.server).get('/health?x=%00');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('VALIDATION_FAILED');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sets security headers, and no X-Powered-By or ETag', async () => {
    const res = await request(t.server).get('/health');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers.etag).toBeUndefined();
  });
});

describe('when the database is unreachable', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The app's connection points at a port nothing listens on.
    const dead = createPostgresConnection({
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1:1/nothing',
      poolMax: 1,
      connectionTimeoutMs: 1000,
      statementTimeoutMs: 1000,
    });
    t = await createTestApp({ imports: [ProbeModule], connection: dead });
  });
  afterAll(() => t.close());

  it('keeps /health at 200 and turns /health/ready into 503', async () => {
    expect((await request(t.server).get('/health')).status).toBe(200);
    const ready = await request(t.server).get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.error).toBe('DATABASE_UNAVAILABLE');
  });

  it('answers requests with 503 DATABASE_UNAVAILABLE, without driver details', async () => {
    const res = await request(t.server).post('/probe/commit').send({ id: 'nobody' });
    expect(res.status).toBe(503);
    expect(res.body).toEqual({
      error: 'DATABASE_UNAVAILABLE',
      message: 'The database is not reachable; try again shortly',
    });
  });
});

describe('CORS', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { CORS_ORIGINS: 'https://app.example.com' } });
  });
  afterAll(() => t.close());

  it('allows only the configured browser origins', async () => {
    const allowed = await request(t.server)
      .options('/users/me')
      .set('Origin', 'https://app.example.com')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(allowed.status).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example.com');
    const other = await request(t.server)
      .options('/users/me')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'GET');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
