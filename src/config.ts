// Configuration from the environment, validated once at start. A bad value stops the process
// with a message naming the variable, instead of failing later in some request.
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { apiKeyPattern } from './auth/api-keys.ts';
import { emailPattern } from './domain/formats.ts';
import { DEFAULT_LANGUAGE_TABLE, type LanguageTable, parseLanguageTable } from './domain/languages.ts';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const logLevels: LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL connection string; undefined selects the embedded PGlite database. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: LogLevel;
  autoMigrate: boolean;
  admin: { email: string; apiKey: string } | undefined;
  /** Base64 or hex 32-byte key that encrypts API keys at rest; generated into dataDir when absent. */
  secretKey: string | undefined;
  /** Pool size for PostgreSQL connections. */
  databasePoolSize: number;
  /** Longest one SQL statement may run (PostgreSQL statement_timeout), ms; 0: no limit. */
  statementTimeoutMs: number;
  /** Longest a request waits for a database connection (pool, or PGlite's one), ms; 0: forever. */
  poolTimeoutMs: number;
  /** Requests per minute per person, all their keys and download links together (per address when anonymous); 0 turns limiting off. */
  rateLimitPerMinute: number;
  /** Failed authentications per minute per client address before it gets 429; 0 turns this off. */
  authFailuresPerMinute: number;
  /** Active (non-revoked) API keys one person may hold. */
  apiKeysPerPerson: number;
  /** Redis for the rate-limit budgets shared by all instances (else PostgreSQL when DATABASE_URL is set, else memory). */
  redisUrl: string | undefined;
  limits: { maxComplexity: number; maxDepth: number; maxBreadth: number };
  attachments: { maxFileSize: number; maxFiles: number };
  /** Orphan blob and temporary file sweeping: every `intervalSeconds` (0: at start only), after `graceSeconds`. */
  blobSweep: { intervalSeconds: number; graceSeconds: number };
  /** Largest multipart (GraphQL upload) request body accepted, counted while it streams in. */
  maxRequestBytes: number;
  /**
   * Largest body of any other kind (JSON, XML, form, text on /graphql and REST), counted while it
   * streams in. Default: room for one base64 file of maxFileSize (4/3 of it) plus 1 MiB.
   */
  maxJsonBytes: number;
  /** Time a client has to send the request headers, and the whole request (headers and body). */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Open connections at most; more are refused. */
  maxConnections: number;
  /**
   * Base of absolute URLs the API hands out (attachment links, Location, Link). Never taken from
   * the request's Host header; default: this server's own address (see start.ts).
   */
  publicUrl: string | undefined;
  /** Lifetime of signed download links, in seconds. */
  downloadTokenSeconds: number;
  /** How long a WSSE token (its Created time) is accepted, and how far ahead of our clock, in seconds. */
  wsseLifetimeSeconds: number;
  /** How long a list's totalCount is reused while this process writes nothing it depends on; 0: never. */
  countCacheSeconds: number;
  /** Server processes sharing the port (src/cluster.ts); more than 1 only on PostgreSQL. */
  workers: number;
  /** Largest REST `limit`; larger requests are served this many items. */
  restMaxPageSize: number;
  /** Serve /metrics (SQL statement counter, RSS) for monitoring and benchmarks. */
  metrics: boolean;
  /** Origins whose pages may call the API from a browser (CORS); empty: none but the API's own. */
  corsOrigins: string[];
  /** Deskie's numbered languages (`language_id`) and the language tags they stand for. */
  deskieLanguages: LanguageTable;
  /** Webhooks (README, "Webhooks"): private receivers, how many, and how deliveries are attempted. */
  webhooks: {
    allowPrivate: boolean;
    maxWebhooks: number;
    timeoutMs: number;
    retryDelaySeconds: number;
    maxAttempts: number;
    concurrency: number;
  };
  /** Live subscriptions: how many one person may hold per instance; how often the log is read unwoken. */
  events: { maxSubscriptionsPerPerson: number; pollMs: number };
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
      return fallback;
    }
    return value;
  };
  const flag = (name: string, fallback: boolean) => {
    const raw = env[name]?.trim().toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
    if (['0', 'false', 'no', 'off'].includes(raw)) return false;
    problems.push(`${name} must be 1 or 0 (got "${env[name]}")`);
    return fallback;
  };

  const port = int('PORT', 4000, 0, 65535);
  const databasePoolSize = int('DATABASE_POOL_SIZE', 10, 1, 1000);
  // Same defaults as openDatabase (src/db/database.ts): a slow statement or a full pool is a 503.
  const statementTimeoutMs = int('HELPDESK_STATEMENT_TIMEOUT_MS', 15_000, 0, 3_600_000);
  const poolTimeoutMs = int('HELPDESK_POOL_TIMEOUT_MS', 10_000, 0, 600_000);
  const rateLimitPerMinute = int('HELPDESK_RATE_LIMIT', 600, 0, 1_000_000);
  const authFailuresPerMinute = int('HELPDESK_AUTH_FAILURES_PER_MINUTE', 30, 0, 1_000_000);
  const apiKeysPerPerson = int('HELPDESK_MAX_API_KEYS', DEFAULT_API_KEYS_PER_PERSON, 1, 10_000);
  const countCacheSeconds = int('HELPDESK_COUNT_CACHE_SECONDS', DEFAULT_COUNT_CACHE_SECONDS, 0, 3600);
  const redisUrl = env.REDIS_URL?.trim() || undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\/\S*$/.test(redisUrl)) {
    problems.push('REDIS_URL must start with redis:// or rediss:// (for example redis://127.0.0.1:6379)');
  }
  const limits = {
    maxComplexity: int('HELPDESK_MAX_QUERY_COST', DEFAULT_LIMITS.maxComplexity, 1, 10_000_000),
    maxDepth: int('HELPDESK_MAX_QUERY_DEPTH', DEFAULT_LIMITS.maxDepth, 1, 100),
    maxBreadth: int('HELPDESK_MAX_QUERY_BREADTH', DEFAULT_LIMITS.maxBreadth, 1, 100_000),
  };

  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  // One per core on PostgreSQL (at most 4 by default: each has its own connection pool).
  const workers = int('HELPDESK_WORKERS', databaseUrl ? Math.min(availableParallelism(), 4) : 1, 1, 64);
  if (workers > 1 && !databaseUrl) {
    problems.push(
      `HELPDESK_WORKERS=${workers} needs DATABASE_URL: the embedded database serves one process (leave it unset or 1)`,
    );
  }
  if (databaseUrl !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(databaseUrl).protocol;
    } catch {
      problems.push('DATABASE_URL is not a URL (expected postgres://user:password@host:5432/database)');
    }
    if (protocol && protocol !== 'postgres:' && protocol !== 'postgresql:') {
      problems.push(`DATABASE_URL must start with postgres:// or postgresql:// (got "${protocol}")`);
    }
  }

  const logLevel = (env.LOG_LEVEL?.trim().toLowerCase() || 'info') as LogLevel;
  if (!logLevels.includes(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${logLevels.join(', ')} (got "${env.LOG_LEVEL}")`);
  }

  const adminEmail = env.HELPDESK_ADMIN_EMAIL?.trim() || undefined;
  const adminKey = env.HELPDESK_ADMIN_API_KEY?.trim().toLowerCase() || undefined;
  let admin: Config['admin'];
  if (adminEmail || adminKey) {
    if (!adminEmail || !adminKey) {
      problems.push('HELPDESK_ADMIN_EMAIL and HELPDESK_ADMIN_API_KEY must be set together');
    } else if (!emailPattern.test(adminEmail)) {
      problems.push(`HELPDESK_ADMIN_EMAIL is not an email address (got "${adminEmail}")`);
    } else if (!apiKeyPattern.test(adminKey)) {
      problems.push('HELPDESK_ADMIN_API_KEY must be 40 hexadecimal characters (try: openssl rand -hex 20)');
    } else {
      admin = { email: adminEmail.toLowerCase(), apiKey: adminKey };
    }
  }

  const deskieLanguages = parseLanguageTable(env.HELPDESK_DESKIE_LANGUAGES?.trim() || DEFAULT_LANGUAGE_TABLE);
  if (typeof deskieLanguages === 'string') problems.push(`HELPDESK_DESKIE_LANGUAGES: ${deskieLanguages}`);

  const secretKey = env.HELPDESK_SECRET_KEY?.trim() || undefined;
  if (secretKey !== undefined && decodeSecretKey(secretKey) === undefined) {
    problems.push('HELPDESK_SECRET_KEY must be 32 bytes as 64 hex characters or base64 (try: openssl rand -hex 32)');
  }

  const autoMigrate = flag('HELPDESK_AUTO_MIGRATE', true);
  const metrics = flag('HELPDESK_METRICS', false);
  const MiB = 1024 * 1024;
  const attachments = {
    maxFileSize: int('HELPDESK_MAX_FILE_SIZE', 10 * MiB, 1, 2 ** 31 - 1),
    maxFiles: int('HELPDESK_MAX_FILES', 20, 1, 1000),
  };
  const blobSweep = {
    intervalSeconds: int('HELPDESK_BLOB_SWEEP_INTERVAL', 600, 0, 7 * 24 * 3600),
    graceSeconds: int('HELPDESK_BLOB_SWEEP_GRACE', 3600, 60, 30 * 24 * 3600),
  };
  const maxRequestBytes = int('HELPDESK_MAX_REQUEST_SIZE', 50 * MiB, 1024, 2 ** 31 - 1);
  // A base64 file of the largest size (4 characters per 3 bytes) plus room for the rest of the body.
  const base64Room = 4 * Math.ceil(attachments.maxFileSize / 3) + MiB;
  const maxJsonBytes = int('HELPDESK_MAX_JSON_SIZE', Math.min(maxRequestBytes, base64Room), 1024, 2 ** 31 - 1);
  const headersTimeoutMs = int('HELPDESK_HEADERS_TIMEOUT_MS', 15_000, 100, 600_000);
  const requestTimeoutMs = int('HELPDESK_REQUEST_TIMEOUT_MS', 120_000, 100, 3_600_000);
  if (headersTimeoutMs > requestTimeoutMs) {
    problems.push(
      `HELPDESK_HEADERS_TIMEOUT_MS (${headersTimeoutMs}) must not be larger than HELPDESK_REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  }
  const maxConnections = int('HELPDESK_MAX_CONNECTIONS', 1000, 1, 1_000_000);
  const downloadTokenSeconds = int('HELPDESK_DOWNLOAD_TOKEN_TTL', 3600, 1, 7 * 24 * 3600);
  const wsseLifetimeSeconds = int('HELPDESK_WSSE_LIFETIME', DEFAULT_WSSE_LIFETIME_SECONDS, 1, 24 * 3600);
  const restMaxPageSize = int('HELPDESK_REST_MAX_PAGE_SIZE', DEFAULT_REST_MAX_PAGE_SIZE, 1, 10_000);
  const publicUrl = env.HELPDESK_PUBLIC_URL?.trim().replace(/\/+$/, '') || undefined;
  if (publicUrl !== undefined && !/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicUrl)) {
    problems.push(`HELPDESK_PUBLIC_URL must be an http(s) URL such as https://help.example.com (got "${publicUrl}")`);
  }

  const corsOrigins = (env.HELPDESK_CORS_ORIGINS ?? '')
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((o) => o.replace(/\/+$/, ''));
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s:]+(:\d{1,5})?$/.test(origin)) {
      problems.push(
        `HELPDESK_CORS_ORIGINS must list origins such as https://app.example.com, comma-separated (got "${origin}")`,
      );
    }
  }

  const webhooks = {
    allowPrivate: flag('HELPDESK_WEBHOOK_ALLOW_PRIVATE', DEFAULT_WEBHOOK_SETTINGS.allowPrivate),
    maxWebhooks: int('HELPDESK_MAX_WEBHOOKS', DEFAULT_WEBHOOK_SETTINGS.maxWebhooks, 1, 1000),
    timeoutMs: int('HELPDESK_WEBHOOK_TIMEOUT_MS', 10_000, 100, 60_000),
    retryDelaySeconds: int('HELPDESK_WEBHOOK_RETRY_DELAY_SECONDS', 30, 1, 3600),
    maxAttempts: int('HELPDESK_WEBHOOK_MAX_ATTEMPTS', 16, 1, 50),
    concurrency: int('HELPDESK_WEBHOOK_CONCURRENCY', 8, 0, 100),
  };
  const events = {
    maxSubscriptionsPerPerson: int('HELPDESK_MAX_SUBSCRIPTIONS', 20, 1, 10_000),
    pollMs: int('HELPDESK_EVENT_POLL_MS', 1000, 50, 60_000),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(env.HELPDESK_DATA_DIR?.trim() || 'data'),
    logLevel,
    autoMigrate,
    admin,
    secretKey,
    databasePoolSize,
    statementTimeoutMs,
    poolTimeoutMs,
    rateLimitPerMinute,
    authFailuresPerMinute,
    apiKeysPerPerson,
    redisUrl,
    limits,
    attachments,
    blobSweep,
    maxRequestBytes,
    maxJsonBytes,
    headersTimeoutMs,
    requestTimeoutMs,
    maxConnections,
    publicUrl,
    downloadTokenSeconds,
    wsseLifetimeSeconds,
    countCacheSeconds,
    workers,
    restMaxPageSize,
    metrics,
    corsOrigins,
    deskieLanguages: deskieLanguages as LanguageTable,
    webhooks,
    events,
  };
}

export const DEFAULT_API_KEYS_PER_PERSON = 20;

/** A list header may lag other instances' writes by this much (README, "Counts"). */
export const DEFAULT_COUNT_CACHE_SECONDS = 5;

/** Webhooks per installation, and receivers on private networks refused (README, "Webhooks"). */
export const DEFAULT_WEBHOOK_SETTINGS = { maxWebhooks: 20, allowPrivate: false };

/** DiamanteDesk's customer portal used 300 s; Oro's staff firewall allowed 3600 s. */
export const DEFAULT_WSSE_LIFETIME_SECONDS = 300;

/** The shops ask for 200, 300, 1000 and 999999 per page; the original had no maximum. */
export const DEFAULT_REST_MAX_PAGE_SIZE = 1000;

export const DEFAULT_LIMITS = { maxComplexity: 20_000, maxDepth: 12, maxBreadth: 300 };

export function decodeSecretKey(text: string): Buffer | undefined {
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  return bytes.length === 32 ? bytes : undefined;
}
