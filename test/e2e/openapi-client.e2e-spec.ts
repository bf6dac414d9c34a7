import type { AddressInfo } from 'node:net';
import { apiClient } from '../client/api-client';
import { tokenFor } from '../support/auth';
import { makeUser } from '../support/factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('the typed client generated from openapi.json', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => t.close());

  it('creates an organization, invites a member who accepts, and reads them back, all typed', async () => {
    const owner = await makeUser(t.db);
    const colleague = await makeUser(t.db);
    const api = apiClient(baseUrl, tokenFor(owner.id));

    const created = await api.POST('/organizations', { body: { name: 'Typed Inc.' } });
    expect(created.response.status).toBe(201);
    const orgId = created.data!.id;

    const invited = await api.POST('/organizations/{orgId}/invitations', {
      params: { path: { orgId } },
      body: { email: colleague.email, role: 'member' },
    });
    expect(invited.data?.status).toBe('pending');
    const added = await apiClient(baseUrl, tokenFor(colleague.id)).POST(
      '/users/me/invitations/{invitationId}/accept',
      { params: { path: { invitationId: invited.data!.id } } },
    );
    expect(added.data?.user.email).toBe(colleague.email);

    const members = await api.GET('/organizations/{orgId}/members', {
      params: { path: { orgId }, query: { limit: 10 } },
    });
    expect(members.data?.data.map((m) => m.role).sort()).toEqual(['admin', 'member']);

    const me = await api.GET('/users/me');
    expect(me.data?.organizations).toEqual([
      { id: orgId, name: 'Typed Inc.', plan: 'FREE', role: 'admin' },
    ]);
  });

  it('gets the documented error body back', async () => {
    const api = apiClient(baseUrl, tokenFor('user_unknown'));
    const res = await api.GET('/users/me');
    expect(res.response.status).toBe(403);
    expect(res.error).toEqual({
      error: 'USER_NOT_PROVISIONED',
      message: 'The session is valid but this user has no active account here',
    });
  });
});
