import { commaList } from './address-list';
import { EnvironmentVariables, validateEnvironment } from './environment';

export type DatabaseConfig =
  | {
      kind: 'postgres';
      url: string;
      poolMax: number;
      connectionTimeoutMs: number;
      statementTimeoutMs: number;
      /** Server-side bound on a transaction left idle by its client; 0 = none (default 10 s). */
      idleInTransactionTimeoutMs?: number;
    }
  | { kind: 'pglite'; dataDir: string };

export interface AuthConfig {
  jwtKey?: string;
  secretKey?: string;
  authorizedParties?: string[];
  /** Where the development key pair lives when no Clerk key is configured. */
  devKeyDir: string;
}

/** Where Prometheus `/metrics` is served; neither set: nowhere. */
export interface MetricsConfig {
  /** A second listener serving only /metrics (0: any free port). */
  port?: number;
  /** /metrics on the API port, to this bearer token. */
  token?: string;
}

export interface JobsConfig {
  pollIntervalMs: number;
  retryDelaySeconds: number;
  timeoutSeconds: number;
}

/**
 * The service's whole configuration, read and validated once at start.
 * Injected by class: `constructor(private readonly config: AppConfig)`.
 */
export class AppConfig {
  readonly port: number;
  readonly nodeEnv: EnvironmentVariables['NODE_ENV'];
  readonly logLevel: EnvironmentVariables['LOG_LEVEL'];
  readonly database: DatabaseConfig;
  readonly migrateOnStart: boolean;
  readonly auth: AuthConfig;
  /** Every signing secret that verifies a delivery (several while a secret is rotated). */
  readonly clerkWebhookSigningSecrets: string[];
  readonly githubWebhookSecrets: string[];
  /** Set when both GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY are: repositories can be synced. */
  readonly githubApp?: { appId: string; privateKey: string; apiUrl: string };
  /** GITHUB_API_URL: GitHub's REST API base; its web host is derived from it. */
  readonly githubApiUrl: string;
  /** GITHUB_APP_SLUG: the App's URL name, for its install page. */
  readonly githubAppSlug?: string;
  /** The App's OAuth credentials: they prove which installations a GitHub user controls. */
  readonly githubOAuth?: { clientId: string; clientSecret: string };
  readonly rateLimitPerMinute: number;
  readonly corsOrigins: string[];
  /** Shared rate-limit counters across instances; in-process counters when unset. */
  readonly redisUrl?: string;
  /** Proxies whose X-Forwarded-For names the client; empty: the socket address is the client. */
  readonly trustedProxies: string[];
  readonly jobs: JobsConfig;
  readonly metrics: MetricsConfig;
  /** CLERK_API_URL: Clerk's Backend API base, read with CLERK_SECRET_KEY by reconciliation. */
  readonly clerkApiUrl: string;
  /** Minutes between scheduled reconciliation runs; 0 = never by itself. */
  readonly reconcileIntervalMinutes: number;

  constructor(env: EnvironmentVariables) {
    this.port = env.PORT;
    this.nodeEnv = env.NODE_ENV;
    this.logLevel = env.LOG_LEVEL;
    this.database = env.DATABASE_URL
      ? {
          kind: 'postgres',
          url: env.DATABASE_URL,
          poolMax: env.DB_POOL_MAX,
          connectionTimeoutMs: env.DB_CONNECTION_TIMEOUT_MS,
          statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
          idleInTransactionTimeoutMs: env.DB_IDLE_IN_TX_TIMEOUT_MS,
        }
      : { kind: 'pglite', dataDir: env.PGLITE_DATA_DIR };
    this.migrateOnStart = env.DB_MIGRATE_ON_START ?? this.database.kind === 'pglite';
    const authorizedParties = commaList(env.CLERK_AUTHORIZED_PARTIES);
    this.auth = {
      jwtKey: env.CLERK_JWT_KEY,
      secretKey: env.CLERK_SECRET_KEY,
      authorizedParties: authorizedParties.length > 0 ? authorizedParties : undefined,
      devKeyDir: env.DEV_KEY_DIR ?? '.data',
    };
    this.clerkWebhookSigningSecrets = commaList(env.CLERK_WEBHOOK_SIGNING_SECRET);
    this.githubWebhookSecrets = commaList(env.GITHUB_WEBHOOK_SECRET);
    this.githubApp =
      env.GITHUB_APP_ID && env.GITHUB_APP_PRIVATE_KEY
        ? {
            appId: env.GITHUB_APP_ID,
            privateKey: env.GITHUB_APP_PRIVATE_KEY,
            apiUrl: env.GITHUB_API_URL,
          }
        : undefined;
    this.githubApiUrl = env.GITHUB_API_URL;
    this.githubAppSlug = env.GITHUB_APP_SLUG;
    this.githubOAuth =
      env.GITHUB_APP_CLIENT_ID && env.GITHUB_APP_CLIENT_SECRET
        ? { clientId: env.GITHUB_APP_CLIENT_ID, clientSecret: env.GITHUB_APP_CLIENT_SECRET }
        : undefined;
    this.rateLimitPerMinute = env.RATE_LIMIT_PER_MINUTE;
    this.corsOrigins = commaList(env.CORS_ORIGINS);
    this.redisUrl = env.REDIS_URL;
    this.trustedProxies = commaList(env.TRUSTED_PROXIES);
    this.jobs = {
      pollIntervalMs: env.JOB_POLL_INTERVAL_MS,
      retryDelaySeconds: env.JOB_RETRY_DELAY_SECONDS,
      timeoutSeconds: env.JOB_TIMEOUT_SECONDS,
    };
    this.metrics = { port: env.METRICS_PORT, token: env.METRICS_TOKEN };
    this.clerkApiUrl = env.CLERK_API_URL;
    this.reconcileIntervalMinutes =
      env.RECONCILE_INTERVAL_MINUTES ?? (env.CLERK_SECRET_KEY || this.githubApp ? 360 : 0);
  }

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }

  /** True when tokens are checked against the locally generated development key pair. */
  get usesDevKey(): boolean {
    return !this.auth.jwtKey && !this.auth.secretKey;
  }
}

/** Reads the environment once; throws a ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return new AppConfig(validateEnvironment(env));
}
