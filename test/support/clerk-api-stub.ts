import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup';

export interface StubUser {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  imageUrl: string;
  createdAt: number;
  updatedAt: number;
}

export interface StubOrganization {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
}

export interface StubMembership {
  userId: string;
  role: 'org:admin' | 'org:member';
  createdAt: number;
  updatedAt: number;
}

interface Fault {
  path: RegExp;
  status: number;
  retryAfter?: number;
  /** Answers left to spoil; Infinity: every one. */
  times: number;
}

/**
 * A stand-in for Clerk's Backend API on loopback, with the routes reconciliation reads and
 * Clerk's paging: `/v1/users` (a bare array, `limit`/`offset`, its count at `/v1/users/count`),
 * `/v1/organizations` and `/v1/organizations/:id/memberships` (`{ data, total_count }`), and
 * single users and organizations (404 when unknown). Faults (429 with Retry-After, 5xx) can be
 * injected per path. Keyed by insertion order, which stands for Clerk's `created_at` order.
 */
export class ClerkApiStub {
  readonly secretKey = 'sk_test_reconciliation_stub';
  readonly users = new Map<string, StubUser>();
  readonly organizations = new Map<string, StubOrganization>();
  readonly memberships = new Map<string, StubMembership[]>();
  /** `METHOD /path` of every request received, in order. */
  readonly requests: string[] = [];
  private faults: Fault[] = [];
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.receive(req, res));
    onCleanup('Clerk API stub', () => this.stop());
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server?.listening) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /** The next `times` requests whose path matches are answered `status` instead. */
  fail(path: RegExp, status: number, options: { retryAfter?: number; times?: number } = {}) {
    this.faults.push({ path, status, retryAfter: options.retryAfter, times: options.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  addUser(user: StubUser): void {
    this.users.set(user.id, user);
  }

  addOrganization(org: StubOrganization, members: StubMembership[] = []): void {
    this.organizations.set(org.id, org);
    this.memberships.set(org.id, members);
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stub');
    this.requests.push(`${req.method} ${url.pathname}`);
    const [status, body, headers] = this.answer(req, url);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private answer(req: IncomingMessage, url: URL): [number, unknown, Record<string, string>?] {
    if (req.headers.authorization !== `Bearer ${this.secretKey}`) {
      return [401, clerkError('authentication_invalid', 'Invalid secret key')];
    }
    const fault = this.faults.find((f) => f.times > 0 && f.path.test(url.pathname + url.search));
    if (fault) {
      fault.times--;
      const headers: Record<string, string> =
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      return [fault.status, clerkError('stub_fault', `stub answered ${fault.status}`), headers];
    }
    if (req.method !== 'GET') return [405, clerkError('method_not_allowed', 'GET only')];
    const path = url.pathname;
    if (path === '/v1/users') return [200, this.slice(url, [...this.users.values()]).map(userJson)];
    if (path === '/v1/users/count') {
      return [200, { object: 'total_count', total_count: this.users.size }];
    }
    let m = /^\/v1\/users\/([^/]+)$/.exec(path);
    if (m) {
      const user = this.users.get(m[1]);
      return user ? [200, userJson(user)] : notFound();
    }
    if (path === '/v1/organizations') {
      const all = [...this.organizations.values()];
      return [200, { data: this.slice(url, all).map(orgJson), total_count: all.length }];
    }
    m = /^\/v1\/organizations\/([^/]+)\/memberships$/.exec(path);
    if (m) {
      const org = this.organizations.get(m[1]);
      if (!org) return notFound();
      const all = this.memberships.get(org.id) ?? [];
      const data = this.slice(url, all).map((member) => membershipJson(org, member, this.users));
      return [200, { data, total_count: all.length }];
    }
    m = /^\/v1\/organizations\/([^/]+)$/.exec(path);
    if (m) {
      const org = this.organizations.get(m[1]);
      return org ? [200, orgJson(org)] : notFound();
    }
    return notFound();
  }

  /** Clerk's paging: `limit` (1–500, default 10) from `offset`. */
  private slice<T>(url: URL, all: T[]): T[] {
    const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? 10), 1), 500);
    const offset = Math.max(Number(url.searchParams.get('offset') ?? 0), 0);
    return all.slice(offset, offset + limit);
  }
}

const clerkError = (code: string, message: string) => ({
  errors: [{ code, message, long_message: message }],
  clerk_trace_id: 'stub',
});

const notFound = (): [number, unknown] => [404, clerkError('resource_not_found', 'not found')];

function userJson(user: StubUser) {
  const emailId = `idn_${user.id}`;
  return {
    object: 'user',
    id: user.id,
    email_addresses: [
      {
        object: 'email_address',
        id: emailId,
        email_address: user.email,
        verification: { status: 'verified', strategy: 'email_code' },
        linked_to: [],
      },
    ],
    primary_email_address_id: emailId,
    first_name: user.firstName,
    last_name: user.lastName,
    image_url: user.imageUrl,
    has_image: true,
    public_metadata: {},
    private_metadata: {},
    unsafe_metadata: {},
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

function orgJson(org: StubOrganization) {
  return {
    object: 'organization',
    id: org.id,
    name: org.name,
    slug: org.id.toLowerCase(),
    image_url: '',
    has_image: false,
    public_metadata: {},
    private_metadata: {},
    created_at: org.createdAt,
    updated_at: org.updatedAt,
  };
}

function membershipJson(
  org: StubOrganization,
  member: StubMembership,
  users: Map<string, StubUser>,
) {
  const user = users.get(member.userId);
  return {
    object: 'organization_membership',
    id: `orgmem_${org.id}_${member.userId}`,
    role: member.role,
    permissions: [],
    public_metadata: {},
    private_metadata: {},
    created_at: member.createdAt,
    updated_at: member.updatedAt,
    organization: orgJson(org),
    public_user_data: {
      user_id: member.userId,
      identifier: user?.email ?? `${member.userId}@example.com`,
      first_name: user?.firstName ?? null,
      last_name: user?.lastName ?? null,
      image_url: user?.imageUrl ?? '',
      has_image: false,
    },
  };
}
