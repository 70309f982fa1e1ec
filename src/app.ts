// Everything a request needs, assembled once: used by the server (start.ts) and by tests,
// which call `yoga.fetch` without a socket.
import { createAuthenticator } from './auth/authenticate.ts';
import type { SecretBox } from './auth/secret-box.ts';
import { type Clock, systemClock } from './clock.ts';
import {
  DEFAULT_API_KEYS_PER_PERSON,
  DEFAULT_COUNT_CACHE_SECONDS,
  DEFAULT_LIMITS,
  DEFAULT_REST_MAX_PAGE_SIZE,
  DEFAULT_WEBHOOK_SETTINGS,
  DEFAULT_WSSE_LIFETIME_SECONDS,
} from './config.ts';
import type { Context, Viewer } from './context.ts';
import type { Database } from './db/database.ts';
import { createReadCache } from './db/read-cache.ts';
import { type AttachmentLimits, DEFAULT_ATTACHMENT_LIMITS } from './domain/attachments.ts';
import { DEFAULT_LANGUAGE_TABLE, type LanguageTable, parseLanguageTable } from './domain/languages.ts';
import type { WebhookSettings } from './domain/webhooks.ts';
import { createEventHub, type EventHubOptions } from './events/hub.ts';
import { startWebhooks, type WebhookRuntime, type WebhookRuntimeOptions } from './events/webhooks/index.ts';
import { createDownloadHandler } from './http/downloads.ts';
import { createGate } from './http/gate.ts';
import type { CostLimits } from './http/operation-cost.ts';
import { createRateLimits, type RateLimitStore } from './http/rate-limit.ts';
import type { Logger } from './logger.ts';
import { deskieDialect } from './rest/dialects/deskie/index.ts';
import { createDialectHost } from './rest/dialects/host.ts';
import { teamworkDialect } from './rest/dialects/teamwork/index.ts';
import { createRestHandler } from './rest/router.ts';
import type { BlobStore } from './storage/blob-store.ts';
import { createHelpdeskYoga } from './yoga.ts';

export interface AppOptions {
  db: Database;
  box: SecretBox;
  logger: Logger;
  /** Requests per minute per person (per address when anonymous); 0 or absent: no limit. */
  rateLimitPerMinute?: number;
  /** Failed authentications per minute per client address; 0 or absent: no limit. */
  authFailuresPerMinute?: number;
  /** Where budgets are kept: shared PostgreSQL or Redis, or this process's memory (default). */
  rateLimitStore?: RateLimitStore;
  /** Prefix of the budgets' keys in the store. */
  rateLimitKeyPrefix?: string;
  /** Active (non-revoked) API keys one person may hold. */
  apiKeysPerPerson?: number;
  limits?: CostLimits;
  /** The time the rules read (expiry, freshness, monthly allowances); the system's by default. */
  now?: Clock;
  store: BlobStore;
  attachmentLimits?: AttachmentLimits;
  maxRequestBytes?: number;
  /**
   * Base of the absolute URLs handed out (attachment links, REST Location and Link), or a function
   * giving it (the server knows its port only once it listens). Never the request's Host header,
   * which the client chooses. Default: http://localhost.
   */
  publicUrl?: string | (() => string);
  downloadTokenSeconds?: number;
  /** Browser origins allowed by CORS (HELPDESK_CORS_ORIGINS). */
  corsOrigins?: string[];
  /** WSSE token lifetime and allowed clock skew, in seconds (HELPDESK_WSSE_LIFETIME). */
  wsseLifetimeSeconds?: number;
  /** Largest REST page (HELPDESK_REST_MAX_PAGE_SIZE). */
  restMaxPageSize?: number;
  /** Deskie's language ids (HELPDESK_DESKIE_LANGUAGES). */
  deskieLanguages?: LanguageTable;
  /** How long a list's totalCount may be reused while this process writes nothing it depends on (HELPDESK_COUNT_CACHE_SECONDS); 0: never. */
  countCacheSeconds?: number;
  /** How committed events reach other instances and live subscriptions (in-process by default). */
  events?: Pick<EventHubOptions, 'transport' | 'live'>;
  /** Webhook rules (HELPDESK_MAX_WEBHOOKS, HELPDESK_WEBHOOK_ALLOW_PRIVATE). */
  webhooks?: WebhookSettings;
}

export function createApp({
  db,
  box,
  logger,
  rateLimitPerMinute = 0,
  authFailuresPerMinute = 0,
  rateLimitStore,
  rateLimitKeyPrefix,
  apiKeysPerPerson = DEFAULT_API_KEYS_PER_PERSON,
  limits = DEFAULT_LIMITS,
  now = systemClock,
  store,
  attachmentLimits = DEFAULT_ATTACHMENT_LIMITS,
  maxRequestBytes = 50 * 1024 * 1024,
  publicUrl,
  downloadTokenSeconds = 3600,
  corsOrigins = [],
  wsseLifetimeSeconds = DEFAULT_WSSE_LIFETIME_SECONDS,
  restMaxPageSize = DEFAULT_REST_MAX_PAGE_SIZE,
  deskieLanguages = parseLanguageTable(DEFAULT_LANGUAGE_TABLE) as LanguageTable,
  countCacheSeconds = DEFAULT_COUNT_CACHE_SECONDS,
  events: eventOptions = {},
  webhooks: webhookSettings = DEFAULT_WEBHOOK_SETTINGS,
}: AppOptions) {
  const events = createEventHub({ prisma: db.prisma, logger, ...eventOptions });
  let deliveries: WebhookRuntime | null = null;
  const webhooks = { settings: webhookSettings, queue: () => deliveries?.queue ?? null };
  const cors = { origins: corsOrigins };
  const authenticate = createAuthenticator({ prisma: db.prisma, box, now, wsseLifetimeSeconds });
  const rateLimits = createRateLimits({
    points: rateLimitPerMinute,
    authFailures: authFailuresPerMinute,
    store: rateLimitStore,
    keyPrefix: rateLimitKeyPrefix,
    logger,
  });
  const gate = createGate({ authenticate, limits: rateLimits, logger });
  const files = { store, limits: attachmentLimits, downloadTokenSeconds };
  const reads = createReadCache({ writes: db.writes, ttlMs: countCacheSeconds * 1000, now });
  const baseUrl = typeof publicUrl === 'function' ? publicUrl : () => publicUrl ?? 'http://localhost';
  const makeContext = <V extends Viewer | null>(viewer: V): Omit<Context, 'viewer'> & { viewer: V } => ({
    db,
    prisma: db.prisma,
    box,
    files,
    baseUrl: baseUrl(),
    viewer,
    quotas: { apiKeysPerPerson },
    now,
    reads,
    events: events.live,
    webhooks,
  });
  const yoga = createHelpdeskYoga({ gate, logger, limits, files, maxRequestBytes, makeContext, cors });
  const download = createDownloadHandler({ prisma: db.prisma, store, gate, box, now });
  const rest = createRestHandler({ gate, makeContext, logger, baseUrl, cors, maxPageSize: restMaxPageSize });
  // Other products' REST APIs (Deskie, Teamwork Desk) on the same rules: src/rest/dialects.
  const dialects = createDialectHost({
    gate,
    makeContext,
    logger,
    baseUrl,
    cors,
    dialects: [deskieDialect({ languages: deskieLanguages }), teamworkDialect()],
  });
  return {
    db,
    box,
    gate,
    yoga,
    download,
    rest,
    dialects,
    maxRequestBytes,
    makeContext,
    /** Committed events waking live subscriptions (and the webhook dispatcher, src/events/webhooks/). */
    events,
    /** Starts webhook deliveries in this process: dispatching events, and sending unless concurrency is 0. */
    async startWebhooks(options: Omit<WebhookRuntimeOptions, 'allowPrivate'>) {
      deliveries ??= await startWebhooks({
        db,
        box,
        hub: events,
        logger,
        now,
        options: { ...options, allowPrivate: webhookSettings.allowPrivate },
      });
      return deliveries;
    },
    /** Resolves once the rate-limit store is connected (Redis); memory answers until then. */
    ready: () => rateLimits.ready(),
    /** Closes what the app opened itself (rate-limit store, event wake-ups), not the database. */
    close: async () => {
      await deliveries?.stop();
      deliveries = null;
      await events.close();
      await rateLimits.close();
    },
  };
}

export type App = ReturnType<typeof createApp>;
