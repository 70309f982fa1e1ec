// What every resolver receives. Resolvers read the caller from `viewer` so that permission
// rules slot in without rewriting them.
import type { SecretBox } from './auth/secret-box.ts';
import type { Database } from './db/database.ts';
import type { PrismaClient } from './generated/prisma/client.ts';

export type Viewer =
  | { kind: 'agent'; id: number; role: 'ADMIN' | 'AGENT'; keyId?: number }
  | { kind: 'customer'; id: number; keyId?: number };

export interface Context {
  db: Database;
  prisma: PrismaClient;
  viewer: Viewer | null;
  /** Encrypts API keys at rest. */
  box: SecretBox;
}
