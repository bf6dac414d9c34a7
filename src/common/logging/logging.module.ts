import { Module } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { tracingLogFields } from '../../tracing';
import { AppConfig } from '../config/app-config';

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Reuses a sane incoming X-Request-Id (from a proxy) or makes one, and echoes it back. */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/**
 * A request URL as logged: the path and the names of its query parameters, never their values
 * (`/users?email=a@b.c` → `{ url: '/users', query: ['email'] }`): values may be personal data.
 */
export function loggedUrl(url: string): { url: string; query?: string[] } {
  const start = url.indexOf('?');
  if (start === -1) return { url };
  const names = new Set(new URLSearchParams(url.slice(start + 1)).keys());
  return { url: url.slice(0, start), query: [...names].slice(0, 20) };
}

function prettyTransport(config: AppConfig) {
  if (config.nodeEnv !== 'development') return undefined;
  try {
    require.resolve('pino-pretty');
    return {
      target: 'pino-pretty',
      options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' },
    };
  } catch {
    return undefined;
  }
}

/** JSON logs through pino with a request id; credentials and query values never reach a log line. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          genReqId: requestId,
          // With tracing on, trace_id and span_id on every line written inside a span.
          mixin: tracingLogFields(),
          transport: prettyTransport(config),
          redact: {
            paths: [
              'req.headers.authorization',
              'req.headers.cookie',
              'req.headers["svix-signature"]',
              'req.headers["x-hub-signature-256"]',
              'res.headers["set-cookie"]',
            ],
            censor: '[redacted]',
          },
          // Short request lines: the full header set is noise and may carry credentials.
          serializers: {
            req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
              id: req.id,
              method: req.method,
              ...loggedUrl(req.url),
              remoteAddress: req.remoteAddress,
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
          customLogLevel: (_req, res, err) =>
            err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
          // Liveness probes and scrapes every few seconds would drown the log.
          autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
