import { tracingRequested } from '../tracing';
import { redactedQuery } from './redact-query';

describe('tracing switch', () => {
  it('is on with an OTLP endpoint (all signals or traces only), unless the SDK is disabled', () => {
    expect(tracingRequested({})).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBe(false);
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(
      tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }),
    ).toBe(true);
    expect(
      tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'TRUE' }),
    ).toBe(false);
  });
});

describe('redactedQuery', () => {
  it('keeps the path and the names of the query parameters, never their values', () => {
    expect(redactedQuery('/users')).toBe('/users');
    expect(redactedQuery('/users?email=a%40b.c&limit=5&email=x')).toBe(
      '/users?email=&limit=&email=',
    );
  });
});
