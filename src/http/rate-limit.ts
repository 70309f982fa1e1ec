// Two budgets, kept where every instance sees them (PostgreSQL or Redis; memory on the embedded
// database, which is one process anyway), so N instances give a caller one budget, not N:
// - requests per minute per person (all of one person's API keys and download links share it;
//   anonymous requests are counted per client address), with the IETF RateLimit-* headers on
//   every answer and 429 + Retry-After when spent;
// - failed authentications per minute per client address: past the limit the address gets 429
//   for anything carrying credentials until the window ends, correct credentials included, so
//   guessing gets no answer at all.
// A store that fails (database or Redis down) never turns into a 500: each store limiter has an
// in-memory insurance limiter that takes over meanwhile.
import { createRequire } from 'node:module';
import { isIPv4, isIPv6 } from 'node:net';
import type { Redis } from 'ioredis';
import pg from 'pg';
import {
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
} from 'rate-limiter-flexible';
import type { Viewer } from '../context.ts';
import type { Logger } from '../logger.ts';

/** Where budgets live. `postgres` uses the RateLimit table (prisma/schema.prisma). */
export type RateLimitStore =
  | { kind: 'memory' }
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'redis'; url: string };

export interface RateLimitOptions {
  /** Requests per window per person (per address when anonymous); 0 turns the budget off. */
  points: number;
  /** Failed authentications per window per client address; 0 turns the limit off. */
  authFailures?: number;
  windowSeconds?: number;
  store?: RateLimitStore;
  /** Prefix of every key in the store (tests use a unique one so they do not share budgets). */
  keyPrefix?: string;
  logger?: Logger;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

/** Table that rate-limiter-flexible's PostgreSQL store writes to (model RateLimit). */
export const RATE_LIMIT_TABLE = 'RateLimit';
const STORE_TIMEOUT_MS = 2000;

/**
 * The budget key of a client address. IPv6 clients usually hold a whole /64, so they are counted
 * per /64; IPv4-mapped IPv6 addresses count as the IPv4 address.
 */
export function addressKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (isIPv4(address)) return address;
  if (!isIPv6(address)) return address.slice(0, 64);
  const [head = '', tail = ''] = address.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** One budget per person, whichever of their keys or download links they use. */
export function personKey(viewer: Viewer): string {
  return `${viewer.kind}:${viewer.id}`;
}

export function createRateLimits({
  points,
  authFailures = 0,
  windowSeconds = 60,
  store = { kind: 'memory' },
  keyPrefix = 'helpdesk',
  logger,
}: RateLimitOptions) {
  let lastStoreError = 0;
  const storeError = (error: unknown) => {
    // Logged at most once a minute: the insurance limiter keeps answering meanwhile.
    if (Date.now() - lastStoreError < 60_000) return;
    lastStoreError = Date.now();
    logger?.warn({ err: error, store: store.kind }, 'rate-limit store unavailable: budgets kept in memory meanwhile');
  };

  let pool: pg.Pool | undefined;
  let redis: Redis | undefined;
  const enabled = points > 0 || authFailures > 0;
  if (enabled && store.kind === 'postgres') {
    pool = new pg.Pool({
      connectionString: store.url,
      max: store.poolSize ?? 4,
      connectionTimeoutMillis: STORE_TIMEOUT_MS,
      query_timeout: STORE_TIMEOUT_MS,
      allowExitOnIdle: true,
    });
    pool.on('error', storeError);
  } else if (enabled && store.kind === 'redis') {
    // Loaded only when configured: most installations never use Redis, and loading it costs start-up time.
    const { Redis: RedisClient } = createRequire(import.meta.url)('ioredis') as typeof import('ioredis');
    redis = new RedisClient(store.url, {
      // Fail at once while disconnected (the insurance limiter answers) instead of queueing.
      enableOfflineQueue: false,
      commandTimeout: STORE_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
    });
    redis.on('error', storeError);
  }

  const limiter = (name: string, limit: number): RateLimiterAbstract => {
    const options = { points: limit, duration: windowSeconds, keyPrefix: `${keyPrefix}:${name}` };
    const insuranceLimiter = new RateLimiterMemory(options);
    if (pool) {
      return new RateLimiterPostgres({
        ...options,
        storeClient: pool,
        storeType: 'pool',
        tableName: RATE_LIMIT_TABLE,
        // The table comes from the Prisma migrations; the library must not create one of its own.
        tableCreated: true,
        insuranceLimiter,
      });
    }
    if (redis)
      return new RateLimiterRedis({ ...options, storeClient: redis, rejectIfRedisNotReady: true, insuranceLimiter });
    return insuranceLimiter;
  };

  const requests = points > 0 ? limiter('req', points) : null;
  const failures = authFailures > 0 ? limiter('authfail', authFailures) : null;

  const headersFor = (res: RateLimiterRes) => {
    const reset = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    return {
      'RateLimit-Limit': String(points),
      'RateLimit-Remaining': String(Math.max(0, res.remainingPoints)),
      'RateLimit-Reset': String(reset),
      'RateLimit-Policy': `${points};w=${windowSeconds}`,
    };
  };

  return {
    store: store.kind,
    /** Spends one request of `subject`'s budget; null when requests are not limited. */
    request: requests
      ? async (subject: string): Promise<RateDecision> => {
          try {
            return { allowed: true, headers: headersFor(await requests.consume(subject)) };
          } catch (rejection) {
            if (!(rejection instanceof RateLimiterRes)) throw rejection;
            const headers = headersFor(rejection);
            return { allowed: false, headers: { ...headers, 'Retry-After': headers['RateLimit-Reset'] } };
          }
        }
      : null,

    /** Seconds until `address` may try credentials again; 0 when it may now. */
    async failureBlockSeconds(address: string): Promise<number> {
      if (!failures) return 0;
      const res = await failures.get(address);
      if (!res || res.consumedPoints < authFailures) return 0;
      return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
    },

    /**
     * Counts one failed authentication from `address`, atomically in the store, and answers the
     * seconds it is now blocked for (0 while still within the limit): of attempts sent all at
     * once, only as many as the limit hear 401.
     */
    async recordFailure(address: string): Promise<number> {
      if (!failures) return 0;
      try {
        await failures.consume(address);
        return 0;
      } catch (rejection) {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      }
    },

    /** Resolves once the shared store is connected (or known unreachable: memory takes over). */
    async ready(): Promise<void> {
      if (!redis || redis.status === 'ready') return;
      const client = redis;
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          client.off('ready', done);
          client.off('error', done);
          client.off('end', done);
          resolve();
        };
        const timer = setTimeout(done, 5000);
        client.once('ready', done);
        client.once('error', done);
        client.once('end', done);
      });
    },

    async close(): Promise<void> {
      await pool?.end();
      if (redis) await redis.quit().catch(() => redis!.disconnect());
    },
  };
}

export type RateLimits = ReturnType<typeof createRateLimits>;
