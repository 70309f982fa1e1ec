// What every resolver receives. Resolvers read the caller from `viewer` so that permission
// rules slot in without rewriting them.
import type { SecretBox } from './auth/secret-box.ts';
import type { Clock } from './clock.ts';
import type { Database } from './db/database.ts';
import type { AttachmentLimits } from './domain/attachments.ts';
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
  viewer: Viewer | null;
  /** Encrypts API keys at rest and signs download links. */
  box: SecretBox;
  files: FilesConfig;
  /** Per-person quotas (HELPDESK_MAX_API_KEYS). */
  quotas: { apiKeysPerPerson: number };
  /** Origin for absolute URLs in responses (HELPDESK_PUBLIC_URL or the request's own). */
  baseUrl: string;
  /** The current time for the rules that depend on it (see clock.ts). */
  now: Clock;
}
