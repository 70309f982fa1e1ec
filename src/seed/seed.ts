// Bulk generator of realistic helpdesk data for benchmarks and manual testing (`npm run seed`).
// The phases write rows in bulk (src/seed/bulk-insert.ts) in the order foreign keys need: agents,
// branches, customers, tickets, then what happens on tickets.
//
// Ticket numbers come from src/domain/ticket-numbers.ts like every other ticket's: before the
// tickets are written, each branch's block of numbers is reserved in one atomic statement, so
// seeding into a database that already has tickets (or a running server) appends after the
// existing numbers and never collides.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import { resetDatabase } from './bulk-insert.ts';
import { seedAttachments, seedComments, seedWatchers } from './phases/activity.ts';
import { seedAgents, seedBranches, seedCustomers } from './phases/people.ts';
import { seedTickets } from './phases/tickets.ts';
import { Random } from './random.ts';
import { quiet, type SeedProgress, type SeedRun } from './run.ts';

export { resetDatabase } from './bulk-insert.ts';
export type { SeedProgress } from './run.ts';

export interface SeedOptions {
  tickets: number;
  /** Average comments per ticket; the total is exactly tickets × this. Default 5. */
  commentsPerTicket?: number;
  /** New agents to create. Default 50. */
  agents?: number;
  /** New customer profiles to create. Default tickets / 5 (at least 10). */
  customers?: number;
  /** Empty every helpdesk table first (keeps _prisma_migrations). Default false: append. */
  reset?: boolean;
  /** Seed of the pseudo-random generator that picks names, texts, statuses... Default 1. */
  randomSeed?: number;
  /** Rows per INSERT statement. Default 5,000. */
  batchSize?: number;
  /** End of the one-year window the timestamps fall in. Default: now. */
  now?: Date;
  progress?: SeedProgress;
}

export interface SeedSummary {
  branches: number;
  branchesCreated: number;
  agents: number;
  customers: number;
  linkGroups: number;
  tickets: number;
  watchers: number;
  comments: number;
  attachments: number;
  /** All rows written (branches created + agents + customers + tickets + watchers + comments + attachments). */
  rows: number;
  seconds: number;
}

export async function seed(prisma: PrismaClient, options: SeedOptions): Promise<SeedSummary> {
  const started = performance.now();
  const ticketCount = options.tickets;
  const commentsPerTicket = options.commentsPerTicket ?? 5;
  const agentCount = options.agents ?? 50;
  const customerCount = options.customers ?? Math.max(10, Math.round(ticketCount / 5));
  const batchSize = options.batchSize ?? 5000;
  for (const [name, value, min] of [
    ['tickets', ticketCount, 0],
    ['commentsPerTicket', commentsPerTicket, 0],
    ['agents', agentCount, 1],
    ['customers', customerCount, 1],
    ['batchSize', batchSize, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min)
      throw new RangeError(`${name} must be an integer >= ${min} (got ${value})`);
  }
  const run: SeedRun = {
    prisma,
    rnd: new Random(options.randomSeed ?? 1),
    now: (options.now ?? new Date()).getTime(),
    runTag: randomBytes(3).toString('hex'),
    batchSize,
    progress: options.progress ?? quiet,
  };

  if (options.reset) await resetDatabase(prisma);
  const agentIds = await seedAgents(run, agentCount);
  const { branches, branchesCreated } = await seedBranches(run, agentIds);
  const customers = await seedCustomers(run, customerCount);
  const tickets = await seedTickets(run, ticketCount, commentsPerTicket, branches, agentIds, customers);
  const watchers = await seedWatchers(run, tickets, agentIds, customers);
  const attachments = await seedAttachments(run, tickets);
  const comments = await seedComments(run, tickets, commentsPerTicket, agentIds, customers);

  // What autovacuum would leave after a bulk load: fresh statistics (without them the planner guesses
  // and scans whole tables for per-ticket lookups: 10x slower nested comment lists on PGlite), the
  // trigram indexes' pending lists merged, pages marked all-visible for index-only scans.
  await prisma.$executeRawUnsafe('VACUUM (ANALYZE)');

  return {
    branches: branches.length,
    branchesCreated,
    agents: agentCount,
    customers: customerCount,
    linkGroups: customers.linkGroups,
    tickets: ticketCount,
    watchers,
    comments,
    attachments,
    rows: branchesCreated + agentCount + customerCount + ticketCount + watchers + comments + attachments,
    seconds: (performance.now() - started) / 1000,
  };
}
