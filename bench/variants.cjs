// Bench-only switches: `node -r ./bench/variants.cjs dist/main.js` with BENCH_VARIANTS=a,b turns
// single per-request elements of the production build off, to price each one alone
// (`npm run bench -- --variants a,b`). Never loaded by the service itself.
const Module = require('node:module');
const { join } = require('node:path');

const dist = (path) => require(join(__dirname, '..', 'dist', path));
const passThrough = (_req, _res, next) => next();
const withoutProviders = (moduleClass, tokens) =>
  Reflect.defineMetadata(
    'providers',
    Reflect.getMetadata('providers', moduleClass).filter((p) => !tokens.includes(p.provide)),
    moduleClass,
  );
const withoutRootProviders = (tokens) => {
  const { AppModule } = dist('app.module');
  const forRoot = AppModule.forRoot.bind(AppModule);
  AppModule.forRoot = (...args) => {
    const root = forRoot(...args);
    return { ...root, providers: root.providers.filter((p) => !tokens.includes(p.provide)) };
  };
};
const replaceModule = (name, exports) => {
  const load = Module._load;
  Module._load = function (request, ...rest) {
    return request === name ? exports : load.call(this, request, ...rest);
  };
};

const VARIANTS = {
  'no-rate-limit-guard': () =>
    withoutProviders(dist('common/rate-limit/rate-limit.module').RateLimitModule, ['APP_GUARD']),
  // Queries then run outside any transaction: prices the interceptor, rxjs and BEGIN/COMMIT.
  'no-transaction': () => withoutRootProviders(['APP_INTERCEPTOR']),
  // Query and body DTOs still become class instances (defaults applied), but nothing is checked.
  'no-validation': () => {
    const { plainToInstance } = require('class-transformer');
    const { AppModule } = dist('app.module');
    const forRoot = AppModule.forRoot.bind(AppModule);
    const transformOnly = {
      transform: (value, { metatype, type }) =>
        type !== 'custom' && metatype && typeof value === 'object' && value !== null
          ? plainToInstance(metatype, value)
          : value,
    };
    AppModule.forRoot = (...args) => {
      const root = forRoot(...args);
      const providers = root.providers.filter((p) => p.provide !== 'APP_PIPE');
      return {
        ...root,
        providers: [...providers, { provide: 'APP_PIPE', useValue: transformOnly }],
      };
    };
  },
  'no-request-log': () => {
    require('nestjs-pino').LoggerModule.prototype.configure = () => undefined;
  },
  'no-helmet': () => replaceModule('helmet', { __esModule: true, default: () => passThrough }),
  'no-cors': () => {
    require('@nestjs/core').NestApplication.prototype.enableCors = () => undefined;
  },
  'no-nul-check': () => {
    dist('common/http/nul-characters.middleware').rejectNulCharacters = passThrough;
  },
  'no-body-checks': () => {
    dist('common/http/require-json.middleware').requireJsonBody = passThrough;
  },
  'no-audit': () => {
    dist('audit/audit-log.service').AuditLog.prototype.record = () => Promise.resolve();
  },
};

for (const name of (process.env.BENCH_VARIANTS ?? '').split(',').filter(Boolean)) {
  const apply = VARIANTS[name];
  if (!apply) throw new Error(`unknown bench variant ${name}: ${Object.keys(VARIANTS).join(', ')}`);
  apply();
}

module.exports = { VARIANTS: Object.keys(VARIANTS) };
