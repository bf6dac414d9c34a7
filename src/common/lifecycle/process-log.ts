import type { LoggerService } from '@nestjs/common';
import { Logger, PinoLogger } from 'nestjs-pino';
import pino from 'pino';
import { describeError } from '../errors/database-errors';

const LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** The process's own log, for what happens before the app's logger exists or after it is gone. */
export interface ProcessLog {
  /** Nest's logger until the app's takes over: its start-up lines, and its errors on a failed start. */
  readonly nest: LoggerService;
  fatal(fields: object, msg: string): void;
}

/**
 * In production every line the process writes is one JSON object, as the app's pino lines are:
 * also a failed start (Nest would print its coloured console format with a bare stack), a crash
 * (Node would print a bare stack to stderr) and a process warning. Elsewhere Node's and Nest's
 * readable defaults stay.
 */
export function productionProcessLog(env: NodeJS.ProcessEnv): ProcessLog | undefined {
  if (env.NODE_ENV !== 'production') return undefined;
  const root = pino({ level: LEVELS.has(env.LOG_LEVEL ?? '') ? env.LOG_LEVEL : 'info' });
  // nestjs-pino's Logger maps Nest's calls (message, context / message, stack, context) onto
  // pino; it only ever calls the level methods, which a plain pino logger has too.
  const nest = new Logger(root as unknown as PinoLogger, {});
  const crash = (msg: string) => (err: unknown) => {
    root.fatal({ event: 'crash', err: describeError(err) }, msg);
    process.exit(1);
  };
  process.on('uncaughtException', crash('Uncaught exception'));
  process.on('unhandledRejection', crash('Unhandled promise rejection'));
  // Node's default listener prints warnings to stderr as text.
  process.removeAllListeners('warning');
  process.on('warning', (warning) =>
    root.warn({ event: 'process-warning', type: warning.name }, warning.message),
  );
  return { nest, fatal: (fields, msg) => root.fatal(fields, msg) };
}
