// First: tracing, when configured, must patch modules before anything requires them.
import { shutdownTracing } from './tracing';
import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { loadConfig } from './common/config/app-config';
import { ConfigError } from './common/config/environment';
import { describeError } from './common/errors/database-errors';
import { HttpDrain } from './common/lifecycle/http-drain';
import { productionProcessLog } from './common/lifecycle/process-log';

const SHUTDOWN_GRACE_MS = 10_000;

const processLog = productionProcessLog(process.env);

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const startedAt = performance.now();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    rawBody: true,
    bufferLogs: true,
    logger: processLog?.nest,
  });
  app.useLogger(app.get(Logger));
  await configureApp(app, config);
  const drain = new HttpDrain(app.getHttpServer());
  await app.listen(config.port);
  const logger = new NestLogger('Bootstrap');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const base = `http://localhost:${port}`;
  logger.log({
    msg: `Listening on ${base}; Swagger UI at ${base}/docs`,
    event: 'ready',
    port,
    database: config.database.kind,
    startupMs: Math.round(performance.now() - startedAt),
  });
  if (config.usesDevKey) {
    logger.warn(
      'No CLERK_JWT_KEY or CLERK_SECRET_KEY: session tokens are checked against the dev key in ' +
        `${config.auth.devKeyDir}/. Get one with: npm run token -- <userId>`,
    );
  }
  handleShutdown(app, drain, logger);
}

/**
 * SIGTERM: stop accepting connections, answer every request already on its way (HttpDrain),
 * let in-flight requests finish and commit, then close the pool and Redis and exit 0.
 */
function handleShutdown(app: NestExpressApplication, drain: HttpDrain, logger: NestLogger): void {
  const shutdown = async (signal: string) => {
    logger.log({ msg: `${signal} received, draining`, event: 'shutdown' });
    const force = setTimeout(() => {
      logger.error({ msg: 'In-flight requests did not finish in time', event: 'shutdown-forced' });
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    await drain.drain();
    await app.close();
    await shutdownTracing();
    logger.log({ msg: 'Shut down cleanly', event: 'shutdown-complete' });
    process.exit(0);
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}

bootstrap().catch((err: unknown) => {
  if (processLog) {
    processLog.fatal(
      err instanceof ConfigError
        ? { event: 'config-invalid', problems: err.problems }
        : { event: 'startup-failed', err: describeError(err) },
      err instanceof ConfigError ? 'Invalid configuration' : 'Start-up failed',
    );
  } else if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`Start-up failed: ${(err as Error)?.message ?? String(err)}\n`);
  }
  process.exit(1);
});
