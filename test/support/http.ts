import request from 'supertest';
import type { TestApp } from './test-app';
import { bearer } from './auth';

/** supertest calls signed in as `userId`: `as(t, id).get('/users/me')`. */
export function as(t: TestApp, userId: string) {
  const authed = (test: request.Test) => test.set('Authorization', bearer(userId));
  return {
    get: (url: string) => authed(request(t.server).get(url)),
    post: (url: string) => authed(request(t.server).post(url)),
    patch: (url: string) => authed(request(t.server).patch(url)),
    delete: (url: string) => authed(request(t.server).delete(url)),
  };
}
