import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup';
import type { Repo } from './github-events';

/**
 * A stand-in for GitHub's REST API on loopback: enough of it for an App to get an installation
 * token and page through the installation's repositories.
 */
export class GithubApiStub {
  readonly repositories = new Map<number, Repo[]>();
  readonly requests: string[] = [];
  failWith?: number;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    onCleanup('GitHub API stub', () => this.stop());
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Closes the server and every connection still open on it (keep-alive ones included). */
  stop(): Promise<void> {
    if (!this.server?.listening) return Promise.resolve();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stub');
    this.requests.push(`${req.method} ${url.pathname}`);
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (this.failWith) return json(this.failWith, { message: 'stub failure' });
    const token = /^\/app\/installations\/(\d+)\/access_tokens$/.exec(url.pathname);
    if (req.method === 'POST' && token) {
      const installation = Number(token[1]);
      return json(201, {
        token: `ghs_stub_${installation}`,
        expires_at: new Date(Date.now() + 3600_000).toISOString(),
        permissions: { metadata: 'read' },
        repository_selection: 'selected',
      });
    }
    if (req.method === 'GET' && url.pathname === '/installation/repositories') {
      const installation = Number(/ghs_stub_(\d+)/.exec(req.headers.authorization ?? '')?.[1]);
      const all = this.repositories.get(installation) ?? [];
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const hasNext = page * perPage < all.length;
      const next = `${url.origin}/installation/repositories?per_page=${perPage}&page=${page + 1}`;
      return json(
        200,
        {
          total_count: all.length,
          repositories: slice.map((r) => ({
            id: r.id,
            full_name: r.fullName,
            name: r.fullName.split('/')[1],
          })),
        },
        hasNext
          ? { link: `<${next.replace('http://stub', `http://${req.headers.host}`)}>; rel="next"` }
          : {},
      );
    }
    json(404, { message: 'Not Found' });
  }
}
