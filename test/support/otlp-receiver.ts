import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onCleanup } from './cleanup';

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
}

/** A span as OTLP/JSON carries it, attributes flattened. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 1 internal, 2 server, 3 client. */
  kind: number;
  scope: string;
  attributes: Record<string, string | number | undefined>;
}

interface ExportRequest {
  resourceSpans?: {
    scopeSpans: {
      scope: { name: string };
      spans: (Omit<ReceivedSpan, 'attributes' | 'scope'> & {
        attributes?: { key: string; value: OtlpValue }[];
      })[];
    }[];
  }[];
}

/** An OTLP/HTTP receiver on loopback for `OTEL_EXPORTER_OTLP_PROTOCOL=http/json`: keeps every span. */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        if (req.url === '/v1/traces') receiver.add(Buffer.concat(chunks).toString('utf8'));
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    onCleanup('otlp receiver', () => receiver.close());
    return receiver;
  }

  /** For OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private add(body: string): void {
    const request = JSON.parse(body) as ExportRequest;
    for (const resource of request.resourceSpans ?? [])
      for (const { scope, spans } of resource.scopeSpans)
        for (const span of spans)
          this.spans.push({
            ...span,
            scope: scope.name,
            attributes: Object.fromEntries(
              (span.attributes ?? []).map(({ key, value }) => [
                key,
                value.stringValue ??
                  (value.intValue === undefined ? undefined : Number(value.intValue)),
              ]),
            ),
          });
  }
}
