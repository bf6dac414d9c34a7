import { NodeSDK } from '@opentelemetry/sdk-node';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { IncomingMessage } from 'node:http';
import { redactedQuery } from './redact-query';

/** Requests nobody needs a trace of: probes and scrapes every few seconds. */
const UNTRACED = new Set(['/health', '/health/ready', '/metrics']);

/**
 * The official Node SDK, configured from the standard OTEL_* variables by the SDK itself
 * (endpoint, OTEL_EXPORTER_OTLP_PROTOCOL http/protobuf, http/json or grpc, headers, sampler,
 * batch settings, OTEL_SERVICE_NAME, resource attributes). Traces only, unless the operator asks
 * for OTLP metrics too: the service's metrics are Prometheus (/metrics) and its logs are JSON
 * lines on stdout carrying trace_id and span_id (the pino mixin in tracing.ts).
 */
export function startTracing(env: NodeJS.ProcessEnv = process.env): NodeSDK {
  env.OTEL_SERVICE_NAME ||= 'saas-core-api';
  env.OTEL_METRICS_EXPORTER ||= 'none';
  env.OTEL_LOGS_EXPORTER ||= 'none';
  const sdk = new NodeSDK({
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED.has(pathOf(req)),
        // Query values may be personal data (an email filter): names only, as in the logs.
        requestHook: (span, req) => {
          if (!(req instanceof IncomingMessage) || !req.url?.includes('?')) return;
          const url = redactedQuery(req.url);
          span.setAttribute('url.query', url.slice(url.indexOf('?') + 1));
        },
      }),
      // The API's route handler only: a span per middleware (helmet, CORS, body parser), or for
      // the wildcard handlers Nest mounts its middleware on, costs more than it tells.
      new ExpressInstrumentation({
        ignoreLayersType: [ExpressLayerType.MIDDLEWARE],
        ignoreLayers: [/\*splat/],
      }),
      // Statements inside a traced request only, not the job engine's polling every 500 ms.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  return sdk;
}

function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '';
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}
