// What every resolver receives. Resolvers read the caller from `viewer` so that permission
// rules slot in without rewriting them.
import type { SecretBox } from './auth/secret-box.ts';
import type { Clock } from './clock.ts';
import type { Database } from './db/database.ts';
import type { ReadCache } from './db/read-cache.ts';
import type { AttachmentLimits } from './domain/attachments.ts';
import type { DeliveryQueue, WebhookSettings } from './domain/webhooks.ts';
import type { LiveEvents } from './events/live-stream.ts';
import type { BlobStore } from './storage/blob-store.ts';

export interface FilesConfig {
  store: BlobStore;
  limits: AttachmentLimits;
  downloadTokenSeconds: number;
}

import type { PrismaClient } from './generated/prisma/client.ts';

export type Viewer =
  | { kind: 'agent'; id: number; role: 'ADMIN' | 'AGENT'; keyId?: number }
  | { kind: 'customer'; id: number; keyId?: number };

export interface Context {
  db: Database;
  prisma: PrismaClient;
  /** The authenticated caller: REST and downloads refuse anonymous requests, GraphQL runs none (see RequestContext). */
  viewer: Viewer;
  /** Encrypts API keys at rest and signs download links. */
  box: SecretBox;
  files: FilesConfig;
  /** Per-person quotas (HELPDESK_MAX_API_KEYS). */
  quotas: { apiKeysPerPerson: number };
  /** Origin for absolute URLs in responses (HELPDESK_PUBLIC_URL or the request's own). */
  baseUrl: string;
  /** The current time for the rules that depend on it (see clock.ts). */
  now: Clock;
  /** Lists' counts and deep-page anchors, reused while nothing they read was written (src/db/read-cache.ts). */
  reads: ReadCache;
  /** Committed events as they arrive, for live subscriptions (src/events/live-stream.ts). */
  events: LiveEvents;
  /** Webhook rules, and the delivery queue once deliveries run (src/events/webhooks/). */
  webhooks: { settings: WebhookSettings; queue(): DeliveryQueue | null };
}

/**
 * What yoga executes with. The caller is missing only for anonymous introspection, which
 * src/yoga.ts's requireCredentials lets through and which reaches no resolver of ours; any other
 * anonymous operation is answered 401 before execution. Resolvers are typed with `Context`.
 */
export type RequestContext = Omit<Context, 'viewer'> & { viewer: Viewer | null };
