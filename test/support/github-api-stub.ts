import { createPublicKey, createVerify, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup';

/** A repository as the stub serves it; ids are digit strings so they may pass 2^53. */
export interface StubRepo {
  id: string | number;
  fullName: string;
}

/**
 * A stand-in for GitHub on loopback, on one origin as Octokit expects for a non-github.com base
 * URL: the App's installation tokens and repositories, the OAuth code exchange
 * (`/login/oauth/access_token`) and a user's installations, each paginated with Link headers.
 * Ids are written to JSON as bare numbers, as GitHub does, also past 2^53.
 */
export class GithubApiStub {
  /** The App's credentials: GITHUB_APP_ID / GITHUB_APP_PRIVATE_KEY for the service under test. */
  readonly app = { appId: '12345', ...appKeyPair() };
  readonly oauth = { clientId: 'Iv1.stubclientid', clientSecret: 'stub-client-secret' };
  /** Installations of the App on GitHub and the repositories each can reach. */
  readonly installations = new Map<string, StubRepo[]>();
  /** Installations GitHub reports suspended. */
  readonly suspended = new Set<string>();
  /** `METHOD /path` of every request received, in order. */
  readonly requests: string[] = [];
  /** Answer every request with this status instead. */
  failWith?: number;
  /** Hold every answer this long (a slow GitHub). */
  delayMs = 0;
  private inFlight = 0;
  private inFlightWaiters: { count: number; resolve: () => void }[] = [];
  private readonly codes = new Map<string, string[]>();
  private readonly userTokens = new Map<string, string[]>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.receive(req, res));
    onCleanup('GitHub API stub', () => this.stop());
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Closes the server and every connection still open on it (keep-alive ones included). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    if (!this.server?.listening) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  install(installationId: string | number, repositories: StubRepo[] = []): void {
    this.installations.set(String(installationId), repositories);
  }

  /**
   * A GitHub user who can access these installations finishes the App's install flow: the
   * one-time `code` GitHub hands to the setup URL.
   */
  authorize(installationIds: (string | number)[]): string {
    const code = `code_${randomBytes(8).toString('hex')}`;
    this.codes.set(code, installationIds.map(String));
    return code;
  }

  /** Resolves once this many requests are being held (with `delayMs`). */
  holding(count: number): Promise<void> {
    if (this.inFlight >= count) return Promise.resolve();
    return new Promise((resolve) => this.inFlightWaiters.push({ count, resolve }));
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
    this.requests.push(`${req.method} ${url.pathname}`);
    if (this.delayMs > 0) {
      this.inFlight++;
      this.inFlightWaiters = this.inFlightWaiters.filter((w) =>
        this.inFlight >= w.count ? (w.resolve(), false) : true,
      );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (this.timers.delete(timer), resolve()), this.delayMs);
        this.timers.add(timer);
      });
      this.inFlight--;
    }
    if (res.destroyed) return;
    const [status, body, headers] = this.failWith
      ? [this.failWith, { message: 'stub failure' }]
      : this.route(req, url, Buffer.concat(chunks).toString());
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(githubJson(body));
  }

  private route(
    req: IncomingMessage,
    url: URL,
    body: string,
  ): [number, unknown, Record<string, string>?] {
    const authorization = req.headers.authorization ?? '';
    const token = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
    if (req.method === 'POST' && token) {
      if (!this.signedByApp(authorization))
        return [401, { message: 'A JSON web token could not be decoded' }];
      if (!this.installations.has(token[1])) return [404, { message: 'Not Found' }];
      if (this.suspended.has(token[1])) {
        return [403, { message: 'This installation has been suspended' }];
      }
      return [
        201,
        {
          token: `ghs_stub_${token[1]}`,
          expires_at: new Date(Date.now() + 3600_000).toISOString(),
          permissions: { metadata: 'read' },
          repository_selection: 'selected',
        },
      ];
    }
    if (req.method === 'GET' && url.pathname === '/app/installations') {
      if (!this.signedByApp(authorization))
        return [401, { message: 'A JSON web token could not be decoded' }];
      const ids = [...this.installations.keys()];
      return this.page(url, ids, (slice) =>
        slice.map((id) => ({
          id,
          app_id: Number(this.app.appId),
          target_type: 'Organization',
          suspended_at: this.suspended.has(id) ? '2026-01-01T00:00:00Z' : null,
        })),
      );
    }
    if (req.method === 'GET' && url.pathname === '/installation/repositories') {
      const installation = /^token ghs_stub_(\d+)$/.exec(authorization)?.[1];
      if (!installation) return [401, { message: 'Bad credentials' }];
      const all = this.installations.get(installation) ?? [];
      return this.page(url, all, (slice) => ({
        total_count: all.length,
        repositories: slice.map((r) => ({
          id: String(r.id),
          full_name: r.fullName,
          name: r.fullName.split('/')[1],
        })),
      }));
    }
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      return [200, this.exchange(JSON.parse(body || '{}') as Record<string, string>)];
    }
    if (req.method === 'GET' && url.pathname === '/user/installations') {
      const ids = this.userTokens.get(/^(?:token|bearer) (\S+)$/i.exec(authorization)?.[1] ?? '');
      if (!ids) return [401, { message: 'Bad credentials' }];
      return this.page(url, ids, (slice) => ({
        total_count: ids.length,
        installations: slice.map((id) => ({
          id,
          app_slug: 'stub-app',
          target_type: 'Organization',
        })),
      }));
    }
    return [404, { message: 'Not Found' }];
  }

  /** GitHub's answer to a code exchange: 200 with either a token or an `error` field. */
  private exchange(params: Record<string, string>): object {
    const refuse = (error: string) => ({
      error,
      error_description: `stub: ${error}`,
      error_uri: 'https://docs.github.com/apps/troubleshooting',
    });
    if (
      params.client_id !== this.oauth.clientId ||
      params.client_secret !== this.oauth.clientSecret
    )
      return refuse('incorrect_client_credentials');
    const ids = this.codes.get(params.code);
    if (!ids) return refuse('bad_verification_code');
    this.codes.delete(params.code);
    const accessToken = `ghu_${randomBytes(8).toString('hex')}`;
    this.userTokens.set(accessToken, ids);
    return { access_token: accessToken, token_type: 'bearer', scope: '' };
  }

  /** One page of `all` (GitHub's per_page/page), with a Link header to the next one. */
  private page<T>(
    url: URL,
    all: T[],
    shape: (slice: T[]) => object,
  ): [number, unknown, Record<string, string>] {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), 100);
    const page = Number(url.searchParams.get('page') ?? 1);
    const next = new URL(url);
    next.searchParams.set('per_page', String(perPage));
    next.searchParams.set('page', String(page + 1));
    const headers: Record<string, string> =
      page * perPage < all.length ? { link: `<${next.toString()}>; rel="next"` } : {};
    return [200, shape(all.slice((page - 1) * perPage, page * perPage)), headers];
  }

  /** `bearer <JWT>` signed with the App's private key (RS256) and issued for its id. */
  private signedByApp(authorization: string): boolean {
    const jwt = /^bearer (\S+)$/i.exec(authorization)?.[1];
    const [header, payload, signature] = jwt?.split('.') ?? [];
    if (!signature) return false;
    const valid = createVerify('RSA-SHA256')
      .update(`${header}.${payload}`)
      .verify(createPublicKey(this.app.privateKey), Buffer.from(signature, 'base64url'));
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss?: unknown };
    return valid && String(claims.iss) === this.app.appId;
  }
}

function appKeyPair() {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKey };
}

/** JSON with every `"id": "<digits>"` written as a bare number, as GitHub writes ids. */
function githubJson(body: unknown): string {
  return JSON.stringify(body).replace(/"id":"(\d+)"/g, '"id":$1');
}
