// What every resolver receives. Resolvers read the caller from `viewer` so that permission
// rules slot in without rewriting them.
import type { Database } from './db/database.ts';
import type { PrismaClient } from './generated/prisma/client.ts';

export type Viewer =
  | { kind: 'agent'; id: number; role: 'ADMIN' | 'AGENT' }
  | { kind: 'customer'; id: number };

export interface Context {
  db: Database;
  prisma: PrismaClient;
  viewer: Viewer | null;
}
