// What every seeding phase shares: the database, the reproducible random source, the clock the
// timestamps are measured from, the batch size and the progress report.
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Random } from './random.ts';

export interface SeedProgress {
  /** A phase begins; `total` rows will be written in it. */
  start(phase: string, total: number): void;
  /** `rows` more rows of the current phase were written. */
  advance(rows: number): void;
  /** The current phase is done. */
  stop(): void;
}

export const quiet: SeedProgress = { start() {}, advance() {}, stop() {} };

export interface SeedRun {
  prisma: PrismaClient;
  rnd: Random;
  /** End of the one-year window the timestamps fall in, in ms. */
  now: number;
  /** Emails and custom ids carry a tag per run, so a second run appends instead of colliding. */
  runTag: string;
  batchSize: number;
  progress: SeedProgress;
}

export const DAY = 86_400_000;
