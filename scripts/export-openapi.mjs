// Writes openapi.json from the compiled app (`npm run openapi` builds first). Committed, so clients
// can be generated without running the service; CI fails when it is stale.
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { NestFactory } = require('@nestjs/core');
const { AppModule } = require(join(root, 'dist/app.module.js'));
const { loadConfig } = require(join(root, 'dist/common/config/app-config.js'));
const { buildOpenApiDocument, loadOpenApiMetadata } = require(join(root, 'dist/openapi.js'));

// Preview mode builds the module graph without running providers: no database is touched.
const config = loadConfig({ NODE_ENV: 'test', CLERK_JWT_KEY: 'unused', LOG_LEVEL: 'silent' });
const app = await NestFactory.create(AppModule.forRoot(config), { preview: true, logger: false });
await loadOpenApiMetadata();
const document = buildOpenApiDocument(app);
writeFileSync(join(root, 'openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
await app.close();
// stderr: commands like `TOKEN=$(npm run --silent token -- …)` read stdout.
process.stderr.write('openapi.json written\n');
