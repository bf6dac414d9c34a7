import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../common/config/app-config';
import { MetricsService } from './metrics.service';

/**
 * METRICS_PORT: a second, tiny HTTP listener that serves only `GET /metrics`, for a scraper on a
 * network the API's clients cannot reach. No Nest, no middleware, no authentication: keep the
 * port private (a firewall rule, a Kubernetes NetworkPolicy).
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  /** The port listened on (METRICS_PORT=0 picks a free one); undefined when not listening. */
  get port(): number | undefined {
    return (this.server?.address() as AddressInfo | null)?.port;
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metrics.port;
    if (port === undefined) return;
    const server = createServer((req, res) => void this.answer(req, res));
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) =>
      this.logger.error({ msg: 'Metrics listener error', err: err.message }),
    );
    this.server = server;
    this.logger.log({
      msg: `Metrics on port ${this.port}`,
      event: 'metrics-listening',
      port: this.port,
    });
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url?.split('?', 1)[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      return send(res, 404, 'application/json', '{"error":"NOT_FOUND","message":"No such route"}');
    }
    try {
      const { contentType, body } = await this.metrics.render();
      send(res, 200, contentType, req.method === 'HEAD' ? '' : body);
    } catch (err) {
      this.logger.error({ msg: 'Metrics collection failed', err: (err as Error).message });
      send(
        res,
        500,
        'application/json',
        '{"error":"INTERNAL_ERROR","message":"An unexpected error occurred"}',
      );
    }
  }
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}
