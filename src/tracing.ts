import type { Provider } from '@nestjs/common';

/**
 * OpenTelemetry tracing, on when OTEL_EXPORTER_OTLP_ENDPOINT (or the traces-only
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set and OTEL_SDK_DISABLED is not true. main.ts
 * imports this module before anything else: instrumentation patches modules (http, express,
 * pg, pino) as they are first required, so the SDK must start before they are. Off, the SDK is
 * never loaded; nothing here costs a request anything.
 */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  return Boolean(endpoint) && env.OTEL_SDK_DISABLED?.trim().toLowerCase() !== 'true';
}

interface Tracing {
  shutdown(): Promise<void>;
}

let tracing: Tracing | undefined;

/* eslint-disable @typescript-eslint/no-require-imports -- loaded only when tracing is on, and
   synchronously, before the modules it instruments */
if (tracingRequested()) {
  const { startTracing } = require('./tracing/sdk') as typeof import('./tracing/sdk');
  tracing = startTracing();
}

/** True when this process started the SDK. */
export const tracingActive = (): boolean => tracing !== undefined;

/** Global Nest providers that tracing adds (a span per controller call); none when off. */
export function tracingProviders(): Provider[] {
  if (!tracing) return [];
  const { controllerSpanProvider } =
    require('./tracing/controller-span.interceptor') as typeof import('./tracing/controller-span.interceptor');
  return [controllerSpanProvider];
}

/** pino mixin adding trace_id and span_id to each log line written inside a span; none when off. */
export function tracingLogFields(): (() => object) | undefined {
  if (!tracing) return undefined;
  const { traceLogFields } =
    require('./tracing/log-fields') as typeof import('./tracing/log-fields');
  return traceLogFields;
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** Sends the spans still buffered (at most `timeoutMs`), then stops the SDK. */
export async function shutdownTracing(timeoutMs = 3000): Promise<void> {
  if (!tracing) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([tracing.shutdown().catch(() => undefined), timeout]);
  clearTimeout(timer);
}
