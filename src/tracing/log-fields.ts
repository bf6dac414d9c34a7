import { trace } from '@opentelemetry/api';

/** trace_id and span_id of the active span, the names OpenTelemetry's log data model uses. */
export function traceLogFields(): object {
  const context = trace.getActiveSpan()?.spanContext();
  return context ? { trace_id: context.traceId, span_id: context.spanId } : {};
}
