import { loadConfig } from './app-config';
import { ConfigError } from './environment';

const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'pglite', dataDir: '.data/pglite' });
    expect(config.migrateOnStart).toBe(true);
    expect(config.rateLimitPerMinute).toBe(600);
    expect(config.logLevel).toBe('info');
    expect(config.nodeEnv).toBe('development');
    expect(config.usesDevKey).toBe(true);
    expect(config.corsOrigins).toEqual([]);
    expect(config.trustedProxies).toEqual([]);
  });

  it('reconciles every 360 minutes once Clerk or GitHub App credentials are set, else never', () => {
    expect(loadConfig({}).reconcileIntervalMinutes).toBe(0);
    expect(loadConfig({}).clerkApiUrl).toBe('https://api.clerk.com');
    expect(loadConfig({ CLERK_SECRET_KEY: 'sk_test_x' }).reconcileIntervalMinutes).toBe(360);
    expect(
      loadConfig({ GITHUB_APP_ID: '1', GITHUB_APP_PRIVATE_KEY: PEM }).reconcileIntervalMinutes,
    ).toBe(360);
    expect(
      loadConfig({ CLERK_SECRET_KEY: 'sk_test_x', RECONCILE_INTERVAL_MINUTES: '0' })
        .reconcileIntervalMinutes,
    ).toBe(0);
    expect(loadConfig({ RECONCILE_INTERVAL_MINUTES: '90' }).reconcileIntervalMinutes).toBe(90);
    for (const bad of ['-1', 'hourly', '1.5']) {
      expect(() => loadConfig({ RECONCILE_INTERVAL_MINUTES: bad })).toThrow(
        /RECONCILE_INTERVAL_MINUTES/,
      );
    }
    expect(() => loadConfig({ CLERK_API_URL: 'api.clerk.com' })).toThrow(/CLERK_API_URL/);
  });

  it('reads TRUSTED_PROXIES as addresses and CIDR ranges, and refuses anything else', () => {
    expect(
      loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.7,::1, fd00::/8' }).trustedProxies,
    ).toEqual(['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8']);
    for (const bad of ['loopback', '10.0.0.0/33', '10.0.0.1/8/1', '300.1.1.1', '::1/129', 'a,b']) {
      expect(() => loadConfig({ TRUSTED_PROXIES: bad })).toThrow(/TRUSTED_PROXIES/);
    }
  });

  it('reads PostgreSQL settings and does not migrate on start by default there', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@h:5432/db',
      DB_POOL_MAX: '12',
      DB_CONNECTION_TIMEOUT_MS: '250',
    });
    expect(config.database).toMatchObject({
      kind: 'postgres',
      poolMax: 12,
      connectionTimeoutMs: 250,
    });
    expect(config.migrateOnStart).toBe(false);
    expect(
      loadConfig({ DATABASE_URL: 'postgres://h/db', DB_MIGRATE_ON_START: 'true' }).migrateOnStart,
    ).toBe(true);
  });

  it('turns literal \\n in a PEM key into newlines and splits comma lists', () => {
    const config = loadConfig({
      CLERK_JWT_KEY: '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----',
      CLERK_AUTHORIZED_PARTIES: 'https://a.test, https://b.test',
      CORS_ORIGINS: 'https://app.test',
    });
    expect(config.auth.jwtKey).toBe('-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----');
    expect(config.auth.authorizedParties).toEqual(['https://a.test', 'https://b.test']);
    expect(config.corsOrigins).toEqual(['https://app.test']);
  });

  it('reports every bad variable in one error, without secret values', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        DB_POOL_MAX: '0',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://secret-password@h/db',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems.map((p) => p.split('=')[0])).toEqual(
      expect.arrayContaining(['PORT', 'DB_POOL_MAX', 'LOG_LEVEL', 'DATABASE_URL']),
    );
    expect(problems).toHaveLength(4);
    expect(message).not.toContain('secret-password');
  });

  it('reads where /metrics is served, and refuses a clash with PORT or a short token', () => {
    expect(loadConfig({}).metrics).toEqual({ port: undefined, token: undefined });
    const token = 'a-metrics-token-of-some-length';
    expect(loadConfig({ METRICS_PORT: '9464', METRICS_TOKEN: token }).metrics).toEqual({
      port: 9464,
      token,
    });
    expect(() => loadConfig({ PORT: '3000', METRICS_PORT: '3000' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ METRICS_PORT: 'x' })).toThrow(/METRICS_PORT/);
    expect(() => loadConfig({ METRICS_TOKEN: 'short-secret' })).toThrow(/METRICS_TOKEN=\(hidden\)/);
  });

  it('refuses production without a Clerk key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /CLERK_JWT_KEY or CLERK_SECRET_KEY/,
    );
    expect(loadConfig({ NODE_ENV: 'production', CLERK_SECRET_KEY: 'sk_test' }).isProduction).toBe(
      true,
    );
  });
});
