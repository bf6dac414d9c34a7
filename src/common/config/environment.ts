import { Transform, plainToInstance } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';
import { IsAddressList } from './address-list';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const NODE_ENVS = ['development', 'production', 'test'] as const;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const toBool = ({ value }: { value: unknown }) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes'].includes(v)) return true;
  if (['false', '0', 'no'].includes(v)) return false;
  return value;
};
// Env values pasted from dashboards often carry literal "\n" instead of newlines (PEM keys).
const toPem = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.replace(/\\n/g, '\n').trim() : value;

/** The process environment as the service accepts it: every variable of README's configuration table. */
export class EnvironmentVariables {
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// URL' })
  DATABASE_URL?: string;

  @IsString()
  PGLITE_DATA_DIR = '.data/pglite';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  DB_POOL_MAX = 5;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(600000)
  DB_CONNECTION_TIMEOUT_MS = 10000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600000)
  DB_STATEMENT_TIMEOUT_MS = 30000;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600000)
  DB_IDLE_IN_TX_TIMEOUT_MS = 10000;

  @Transform(toBool)
  @IsOptional()
  @IsBoolean()
  DB_MIGRATE_ON_START?: boolean;

  @Transform(toPem)
  @IsOptional()
  @IsString()
  CLERK_JWT_KEY?: string;

  @IsOptional()
  @IsString()
  CLERK_SECRET_KEY?: string;

  @IsOptional()
  @IsString()
  CLERK_AUTHORIZED_PARTIES?: string;

  @IsOptional()
  @IsString()
  CLERK_WEBHOOK_SIGNING_SECRET?: string;

  @IsOptional()
  @IsString()
  GITHUB_WEBHOOK_SECRET?: string;

  @IsOptional()
  @Matches(/^\d{1,20}$/, { message: 'must be the numeric GitHub App id' })
  GITHUB_APP_ID?: string;

  @Transform(toPem)
  @IsOptional()
  @Matches(/-----BEGIN [A-Z ]*PRIVATE KEY-----/, { message: 'must be a PEM private key' })
  GITHUB_APP_PRIVATE_KEY?: string;

  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,99}$/, { message: "must be the App's URL name (its slug)" })
  GITHUB_APP_SLUG?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: "must be the App's OAuth client id" })
  GITHUB_APP_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  GITHUB_APP_CLIENT_SECRET?: string;

  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  GITHUB_API_URL = 'https://api.github.com';

  @Matches(/^https?:\/\/\S+$/, { message: 'must be an http(s) URL' })
  CLERK_API_URL = 'https://api.clerk.com';

  /** Unset: 360 when Clerk or GitHub App credentials are set, else 0 (never). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(525600)
  RECONCILE_INTERVAL_MINUTES?: number;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  RATE_LIMIT_PER_MINUTE = 600;

  @IsOptional()
  @IsString()
  CORS_ORIGINS?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/\S+$/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @IsAddressList()
  TRUSTED_PROXIES?: string;

  // Prometheus /metrics: on a second listener (METRICS_PORT), or on the API port behind a bearer
  // token (METRICS_TOKEN), or both; with neither there is no metrics endpoint.
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT?: number;

  @IsOptional()
  @Matches(/^\S{16,512}$/, { message: 'must be 16 to 512 characters without spaces' })
  METRICS_TOKEN?: string;
  // Job engine (webhook deliveries, scheduled jobs): how often an idle worker looks for work,
  // the first retry delay (doubling each time, ten retries), and how long a job may stay
  // active before it counts as lost (its process died) and is retried.
  @Transform(toInt)
  @IsInt()
  @Min(50)
  @Max(60000)
  JOB_POLL_INTERVAL_MS = 500;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  JOB_RETRY_DELAY_SECONDS = 4;

  @Transform(toInt)
  @IsInt()
  @Min(2)
  @Max(3600)
  JOB_TIMEOUT_SECONDS = 120;

  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IsOptional()
  @IsString()
  DEV_KEY_DIR?: string;
}

/** Variables whose values must never appear in a message. */
const SECRET_VARIABLES = new Set([
  'DATABASE_URL',
  'CLERK_JWT_KEY',
  'CLERK_SECRET_KEY',
  'CLERK_WEBHOOK_SIGNING_SECRET',
  'GITHUB_WEBHOOK_SECRET',
  'GITHUB_APP_PRIVATE_KEY',
  'GITHUB_APP_CLIENT_SECRET',
  'REDIS_URL',
  'METRICS_TOKEN',
]);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the environment; every problem is reported at once. Empty values count as unset. */
export function validateEnvironment(env: NodeJS.ProcessEnv): EnvironmentVariables {
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = plainToInstance(EnvironmentVariables, set, { exposeDefaultValues: true });
  const problems = validateSync(parsed).map((error) => {
    const shown = SECRET_VARIABLES.has(error.property) ? '(hidden)' : JSON.stringify(error.value);
    return `${error.property}=${shown}: ${Object.values(error.constraints ?? {}).join('; ')}`;
  });
  if (parsed.NODE_ENV === 'production' && !parsed.CLERK_JWT_KEY && !parsed.CLERK_SECRET_KEY) {
    problems.push(
      'CLERK_JWT_KEY or CLERK_SECRET_KEY is required when NODE_ENV=production (the dev key is refused)',
    );
  }
  if (!parsed.GITHUB_APP_CLIENT_ID !== !parsed.GITHUB_APP_CLIENT_SECRET) {
    problems.push('GITHUB_APP_CLIENT_ID and GITHUB_APP_CLIENT_SECRET must be set together');
  }
  if (
    parsed.METRICS_PORT !== undefined &&
    parsed.METRICS_PORT !== 0 &&
    parsed.METRICS_PORT === parsed.PORT
  ) {
    problems.push(
      'METRICS_PORT must differ from PORT (set METRICS_TOKEN to serve /metrics on PORT)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return parsed;
}
