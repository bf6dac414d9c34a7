import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { AppConfig } from './common/config/app-config';
import { jsonBodyParser } from './common/http/json-body';
import { rejectNulCharacters } from './common/http/nul-characters.middleware';
import { requireJsonBody } from './common/http/require-json.middleware';
import { HttpMetrics } from './metrics/http-metrics';
import { setupOpenApi } from './openapi';

/** Everything main.ts and the tests both need on top of the module graph. */
export async function configureApp(
  app: NestExpressApplication,
  config: AppConfig,
): Promise<INestApplication> {
  // First, so refusals by the middleware below are measured too.
  const measure = app.get(HttpMetrics).middleware();
  if (measure) app.use(measure);
  // Only these addresses may say, in X-Forwarded-For, who the client is; with none, the
  // socket's address is the client (rate limits are per client address).
  app.set('trust proxy', config.trustedProxies.length > 0 ? config.trustedProxies : false);
  app.use(
    helmet({
      // Swagger UI runs inline scripts of its own.
      contentSecurityPolicy: false,
    }),
  );
  app.enableCors({
    origin: config.corsOrigins.length > 0 ? config.corsOrigins : false,
    credentials: true,
  });
  // Input checks after the headers above, so their refusals carry them too.
  // Named jsonParser, so Nest does not add a JSON parser of its own at init.
  app.use(jsonBodyParser());
  app.use(requireJsonBody);
  app.use(rejectNulCharacters);
  app.disable('x-powered-by');
  // A weak ETag is a SHA-1 of every body; no client of this API sends If-None-Match, and the
  // hash cost about 4% of the requests per second (bench/README.md).
  app.set('etag', false);
  await setupOpenApi(app);
  return app;
}
