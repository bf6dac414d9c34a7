import { Agent, request } from 'node:http';

export interface LoadRequest {
  method: 'GET' | 'PATCH' | 'POST' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface Outcome {
  /** The HTTP status, or the network error code (ECONNRESET, ECONNREFUSED, …). */
  status?: number;
  error?: string;
  /** The answer said `Connection: close`. */
  closes: boolean;
  body?: { error?: string };
  /** Which of the load's connections sent it. */
  connection?: number;
  /** When the answer (or error) came, by performance.now(). */
  at: number;
  ms: number;
}

/** One HTTP/1.1 request on `agent`, as a client would see it: a status, or a network error. */
export function send(agent: Agent, port: number, req: LoadRequest): Promise<Outcome> {
  const started = performance.now();
  const done = (outcome: Omit<Outcome, 'at' | 'ms'>): Outcome => ({
    ...outcome,
    at: performance.now(),
    ms: performance.now() - started,
  });
  return new Promise((resolve) => {
    const body = req.body === undefined ? undefined : JSON.stringify(req.body);
    const outgoing = request(
      {
        host: '127.0.0.1',
        port,
        method: req.method,
        path: req.path,
        agent,
        headers: { ...req.headers, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', (err: NodeJS.ErrnoException) =>
          resolve(done({ error: err.code ?? err.message, closes: false })),
        );
        res.on('end', () =>
          resolve(
            done({
              status: res.statusCode,
              closes: res.headers.connection === 'close',
              body: parseBody(text),
            }),
          ),
        );
      },
    );
    outgoing.on('error', (err: NodeJS.ErrnoException) =>
      resolve(done({ error: err.code ?? err.message, closes: false })),
    );
    outgoing.end(body);
  });
}

function parseBody(text: string): { error?: string } | undefined {
  try {
    return JSON.parse(text) as { error?: string };
  } catch {
    return undefined;
  }
}

/**
 * `connections` keep-alive connections, each sending its next request as soon as the previous
 * one is answered, until stop() (or until its connection is refused, when `untilRefused`).
 */
export class KeepAliveLoad {
  readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly workers: Promise<void>[];
  private readonly agents: Agent[] = [];

  constructor(
    port: number,
    connections: number,
    next: (connection: number) => LoadRequest,
    options: { untilRefused?: boolean } = {},
  ) {
    this.workers = Array.from({ length: connections }, async (_, i) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      this.agents.push(agent);
      while (this.running) {
        const outcome = { ...(await send(agent, port, next(i))), connection: i };
        this.outcomes.push(outcome);
        if (outcome.error === 'ECONNREFUSED') {
          if (options.untilRefused) return;
          // The server is down or restarting: no busy loop on refused connections.
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
      }
    });
  }

  /** Resolves once the load has seen an outcome matching `match`. */
  async until(match: (outcome: Outcome) => boolean, timeoutMs = 20_000): Promise<void> {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      if (this.outcomes.some(match)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('the load never saw the awaited outcome');
  }

  /** Every worker finished on its own (untilRefused). */
  finished(): Promise<Outcome[]> {
    return Promise.all(this.workers).then(() => this.outcomes);
  }

  async stop(): Promise<Outcome[]> {
    this.running = false;
    await Promise.all(this.workers);
    for (const agent of this.agents) agent.destroy();
    return this.outcomes;
  }
}

/** Tally of outcomes by status or error code, e.g. { 200: 512, 503: 40, ECONNRESET: 2 }. */
export function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = String(o.status ?? o.error);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
