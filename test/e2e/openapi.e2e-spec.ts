import request from 'supertest';
import { ERROR_CODES } from '../../src/common/errors/error-codes';
import { createTestApp, TestApp } from '../support/test-app';

interface Operation {
  operationId: string;
  security?: Record<string, unknown>[];
  responses: Record<string, { description: string; content?: Record<string, { schema?: object }> }>;
}

describe('OpenAPI document and Swagger UI', () => {
  let t: TestApp;
  let operations: [string, string, Operation][];

  beforeAll(async () => {
    t = await createTestApp();
    const doc = (await request(t.server).get('/docs-json')).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => [method, path, op] as [string, string, Operation]),
    );
  });
  afterAll(() => t.close());

  it('serves Swagger UI from the installed package, with no CDN', async () => {
    const page = await request(t.server).get('/docs/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui');
    expect(page.text).not.toMatch(/https?:\/\/(cdn|unpkg|cdnjs)/);
    const bundle = await request(t.server).get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
  });

  it('documents a success body for every operation that returns one', () => {
    for (const [method, path, op] of operations) {
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect({ route: `${method} ${path}`, success: success.length }).toEqual({
        route: `${method} ${path}`,
        success: 1,
      });
      const [status] = success;
      if (status !== '204' && !path.startsWith('/health')) {
        expect(op.responses[status].content?.['application/json']?.schema).toBeDefined();
      }
    }
  });

  it('documents authentication and error codes on every protected route', () => {
    for (const [method, path, op] of operations) {
      if (path.startsWith('/health') || path.startsWith('/webhooks')) continue;
      expect({ route: `${method} ${path}`, security: op.security }).toEqual({
        route: `${method} ${path}`,
        security: [{ bearer: [] }],
      });
      expect(op.responses['401'].description).toContain('UNAUTHENTICATED');
      if (path.includes('{orgId}')) {
        expect(op.responses['404'].description).toContain('ORGANIZATION_NOT_FOUND');
      }
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        for (const code of response.description.split(', ')) expect(ERROR_CODES).toContain(code);
      }
    }
  });
});
