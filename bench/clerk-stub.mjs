// A Clerk Backend API stand-in for the reconciliation benchmark, in the bench's own process:
// generated users, organizations and memberships, served with Clerk's paging (limit/offset,
// total_count; /v1/users as a bare array with its count at /v1/users/count).
import { createServer } from 'node:http';

export const T1 = 1_700_000_000_000;
export const T2 = T1 + 86_400_000;
export const MEMBERS_PER_ORG = 10;

const pad = (n, width) => String(n).padStart(width, '0');
export const userId = (i) => `user_b${pad(i, 6)}`;
export const orgId = (j) => `org_b${pad(j, 5)}`;

export class ClerkStub {
  constructor(secretKey, userCount, orgCount) {
    this.secretKey = secretKey;
    this.requests = 0;
    /** Insertion order stands for created_at order. */
    this.users = new Map();
    this.orgs = new Map();
    for (let i = 0; i < userCount; i++) {
      this.users.set(userId(i), {
        id: userId(i),
        firstName: 'First',
        createdAt: T1 - 1_000_000 + i,
        updatedAt: T1,
      });
    }
    for (let j = 0; j < orgCount; j++) {
      const members = [];
      for (let k = 0; k < MEMBERS_PER_ORG; k++) {
        members.push({
          userId: userId(j * MEMBERS_PER_ORG + k),
          role: k === 0 ? 'org:admin' : 'org:member',
          updatedAt: T1,
        });
      }
      this.orgs.set(orgId(j), { id: orgId(j), name: `Org ${j}`, updatedAt: T1, members });
    }
  }

  start() {
    this.server = createServer((req, res) => {
      this.requests++;
      const url = new URL(req.url, 'http://stub');
      const [status, body] = this.answer(req, url);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    return new Promise((resolve) =>
      this.server.listen(0, '127.0.0.1', () =>
        resolve(`http://127.0.0.1:${this.server.address().port}`),
      ),
    );
  }

  stop() {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(resolve));
  }

  answer(req, url) {
    if (req.headers.authorization !== `Bearer ${this.secretKey}`) return [401, { errors: [] }];
    const path = url.pathname;
    const notFound = [404, { errors: [{ code: 'resource_not_found', message: 'not found' }] }];
    if (path === '/v1/users') return [200, slice(url, [...this.users.values()]).map(userJson)];
    if (path === '/v1/users/count')
      return [200, { object: 'total_count', total_count: this.users.size }];
    let m = /^\/v1\/users\/([^/]+)$/.exec(path);
    if (m) return this.users.has(m[1]) ? [200, userJson(this.users.get(m[1]))] : notFound;
    if (path === '/v1/organizations') {
      const all = [...this.orgs.values()];
      return [200, { data: slice(url, all).map(orgJson), total_count: all.length }];
    }
    m = /^\/v1\/organizations\/([^/]+)\/memberships$/.exec(path);
    if (m) {
      const org = this.orgs.get(m[1]);
      if (!org) return notFound;
      // A user deleted in Clerk is no longer anyone's member.
      const all = org.members.filter((member) => this.users.has(member.userId));
      const data = slice(url, all).map((member) => membershipJson(org, member, this.users));
      return [200, { data, total_count: all.length }];
    }
    m = /^\/v1\/organizations\/([^/]+)$/.exec(path);
    if (m) return this.orgs.has(m[1]) ? [200, orgJson(this.orgs.get(m[1]))] : notFound;
    return notFound;
  }
}

function slice(url, all) {
  const limit = Math.min(Number(url.searchParams.get('limit') ?? 10), 500);
  const offset = Number(url.searchParams.get('offset') ?? 0);
  return all.slice(offset, offset + limit);
}

function userJson(user) {
  return {
    object: 'user',
    id: user.id,
    email_addresses: [
      { id: `idn_${user.id}`, email_address: `${user.id}@example.com`, linked_to: [] },
    ],
    primary_email_address_id: `idn_${user.id}`,
    first_name: user.firstName,
    last_name: 'Last',
    image_url: 'https://img.example.com/u.png',
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

function orgJson(org) {
  return {
    object: 'organization',
    id: org.id,
    name: org.name,
    slug: org.id,
    created_at: T1,
    updated_at: org.updatedAt,
  };
}

function membershipJson(org, member, users) {
  const user = users.get(member.userId);
  return {
    object: 'organization_membership',
    id: `orgmem_${org.id}_${member.userId}`,
    role: member.role,
    created_at: T1,
    updated_at: member.updatedAt,
    organization: orgJson(org),
    public_user_data: {
      user_id: member.userId,
      identifier: `${member.userId}@example.com`,
      first_name: user.firstName,
      last_name: 'Last',
      image_url: 'https://img.example.com/u.png',
    },
  };
}
