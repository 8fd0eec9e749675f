import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';
import { MetricsAllowList } from '../metrics/metrics-allow-list';

export const APP_ROLES = ['all', 'api', 'worker'] as const;
export type AppRole = (typeof APP_ROLES)[number];

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const toInt = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value);
const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The only place that reads process.env. Every value is validated once at start;
 * the rest of the code receives this typed object through injection.
 */
export class AppConfig {
  @IsIn(['development', 'test', 'production'])
  NODE_ENV: 'development' | 'test' | 'production' = 'development';

  /** Required in production; defaults to the local development servers otherwise. */
  @IsString()
  @Matches(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
  DATABASE_URL: string;

  @IsString()
  @Matches(/^rediss?:\/\//, { message: 'must be a redis:// URL' })
  REDIS_URL: string;

  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'must be 1..32 letters, digits, _ or -' })
  REDIS_PREFIX = 'tpb';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  @IsNotEmpty()
  BILLING_TZ = 'Asia/Shanghai';

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10000)
  TAX_RATE_BP = 600;

  @IsOptional()
  @IsString()
  @MinLength(24, { message: 'must be at least 24 characters' })
  ADMIN_API_KEY?: string;

  @IsString()
  @IsNotEmpty()
  SETTLEMENT_OUTBOX_DIR = './outbox';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  USAGE_RETENTION_DAYS = 90;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(86400)
  RESERVATION_TTL_SECONDS = 600;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  @IsIn(APP_ROLES)
  APP_ROLE: AppRole = 'all';

  @Transform(toBool)
  @IsBoolean()
  MIGRATIONS_RUN = true;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  WORKER_CONCURRENCY = 4;

  /**
   * How long the API holds an accepted usage request to merge it with others into one queue job
   * (0: one job per request). Each request is answered only once its job is in the queue.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  USAGE_LINGER_MS = 20;

  /** Most events the API merges into one usage job (a job is recorded in one transaction). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(5000)
  USAGE_JOB_MAX_EVENTS = 5000;

  /** How long a worker's claim on a job lasts without renewal; after a crash, the job is redelivered then. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  WORKER_LOCK_DURATION_MS = 30000;

  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(600000)
  WORKER_STALLED_INTERVAL_MS = 30000;

  /** Subscriptions per bill-run chunk job, and per transaction within a chunk. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  RATING_CHUNK_SIZE = 2500;

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(10000)
  RATING_SLICE_SIZE = 1250;

  @Transform(toInt)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  HTTP_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

  /** How often a worker checks that its job schedulers still exist in Redis and re-creates lost ones (0: never). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(3600000)
  SCHEDULE_CHECK_INTERVAL_MS = 30000;

  /** How often the worker folds provider usage parts (one per usage batch and key) into one row per key. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(86400000)
  PROVIDER_USAGE_COMPACT_EVERY_MS = 600000;
  /** Lets webhooks target loopback, private and link-local addresses; off outside tests and closed networks. */
  @Transform(toBool)
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE_TARGETS = false;

  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  WEBHOOK_CONNECT_TIMEOUT_MS = 3000;
  /** Peers that may read GET /metrics without an API key: comma-separated IPs or CIDRs, or `none`. */
  @IsString()
  @Matches(/^(none|[0-9A-Fa-f.:/,\s]+)$/, { message: 'must be comma-separated IP addresses or CIDRs, or none' })
  METRICS_ALLOW = '127.0.0.1/8,::1/128';

  /** Role `worker` only (it has no HTTP server): port of its own /metrics listener; 0 for none. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  METRICS_PORT = 9464;

  /** Queue and database gauges are read at most once per this many ms, however many scrapes. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(60000)
  METRICS_CACHE_MS = 2000;
  /**
   * How far in the past a subscription's `startAt` may lie. Each backdated month is billed a fee,
   * so one mistyped year must not sell years of fees; the default covers the usage retention
   * (USAGE_RETENTION_DAYS, 90) plus a month.
   */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3650)
  MAX_BACKDATE_DAYS = 121;

  /**
   * Longest a single SQL statement may run in an `api` process (0: no limit). Only the API's own
   * pool gets it: workers and the bill run (role `worker`, and `all` which includes them) do not.
   * A statement cut by it answers 503 with Retry-After, and its transaction rolls back whole.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(600000)
  API_STATEMENT_TIMEOUT_MS = 30000;

  /** Heavy reads (usage summaries, provider statements, invoice pages) one process runs at once. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  REPORT_CONCURRENCY = 2;

  /** How many more wait for a slot; beyond that a report answers 503 with Retry-After. */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10000)
  REPORT_QUEUE_LIMIT = 16;

  /** Widest `from`..`to` range of a usage summary, in days (no range: the current month). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3660)
  USAGE_SUMMARY_MAX_DAYS = 93;
  /**
   * How long an API process trusts a key it has looked up (0: every request reads the database).
   * Also the longest a key revoked through another process still works here: at most one second.
   */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1000)
  API_KEY_CACHE_TTL_MS = 500;

  /** API processes started by `npm start` / main.ts with APP_ROLE=api (Node cluster, one port). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  WEB_CONCURRENCY = 1;
  /** Ingest answers 429 while this many usage jobs wait for a worker (a job holds up to USAGE_JOB_MAX_EVENTS events). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  USAGE_MAX_WAITING_JOBS = 1000;

  /** Ingest answers 429 while the oldest waiting usage job has waited longer than this. */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  @Max(86_400_000)
  USAGE_MAX_WAIT_AGE_MS = 30000;

  /** How long the backlog read is reused across requests (the bound is checked without a Redis call per request). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(5000)
  USAGE_BACKLOG_CACHE_MS = 200;

  /** Longest an ingest request waits for Redis before answering 503 (a disconnected Redis fails at once). */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(60000)
  USAGE_ENQUEUE_TIMEOUT_MS = 2000;

  /** A usage job whose attempts are spent by an outage (never by its events) waits this long, then tries again. */
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(600000)
  USAGE_DEFER_MS = 5000;
}

export class ConfigError extends Error {}

/** Validates raw environment values; throws a ConfigError naming the first bad variable. */
const DEV_DEFAULTS = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/token_plan_bss',
  REDIS_URL: 'redis://127.0.0.1:6379',
};

const SECRET_VARIABLES = new Set(['ADMIN_API_KEY']);
const URL_VARIABLES = new Set(['DATABASE_URL', 'REDIS_URL']);

/**
 * How a refused value appears in the error, which ends up in logs: never a secret. A URL is shown
 * without its password (or not at all when it cannot be parsed); a key only by its length.
 */
function shownValue(property: string, value: unknown): string {
  if (SECRET_VARIABLES.has(property)) return typeof value === 'string' ? `a value of ${value.length} characters` : 'a hidden value';
  if (!URL_VARIABLES.has(property)) return JSON.stringify(value);
  try {
    const url = new URL(String(value));
    if (url.password) url.password = '***';
    return JSON.stringify(url.toString());
  } catch {
    return 'a value that is not a URL (hidden: it may hold a password)';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = new Set([...Object.keys(new AppConfig()), 'DATABASE_URL', 'REDIS_URL', 'ADMIN_API_KEY']);
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => known.has(k) && v !== undefined && v !== ''));
  const raw = present.NODE_ENV === 'production' ? present : { ...DEV_DEFAULTS, ...present };
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const first = errors[0];
    const reason = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
    const shown = first.value === undefined ? 'missing' : `got ${shownValue(first.property, first.value)}`;
    throw new ConfigError(`Invalid configuration: ${first.property} ${reason} (${shown})`);
  }
  if (!isValidTimeZone(config.BILLING_TZ)) {
    throw new ConfigError(`Invalid configuration: BILLING_TZ must be an IANA time zone (got "${config.BILLING_TZ}")`);
  }
  try {
    MetricsAllowList.parse(config.METRICS_ALLOW);
  } catch (e) {
    throw new ConfigError(`Invalid configuration: ${(e as Error).message}`);
  }
  return config;
}
