// `npm run seed -- --tickets N [--comments-per-ticket 5] [--reset]`: fills the configured database
// (DATABASE_URL, or the embedded PGlite database in HELPDESK_DATA_DIR) with realistic helpdesk
// data in bulk. The generator lives in src/seed/ so tests and benchmarks can call it.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../src/config.ts';
import { DataDirLockedError } from '../src/db/data-dir-lock.ts';
import { openDatabase } from '../src/db/database.ts';
import { progressBars } from '../src/seed/progress-bars.ts';
import { seed } from '../src/seed/seed.ts';

const USAGE = `Usage: npm run seed -- --tickets N [options]

Fills the configured database (DATABASE_URL, or the embedded PGlite database in
HELPDESK_DATA_DIR/pglite) with realistic helpdesk data: ~10 branches, agents, customers (some
with linked profiles), tickets with watchers, comments and attachment records (rows only, no
files). Pending migrations are applied first.

Options:
  --tickets N               tickets to create (required)
  --comments-per-ticket N   average comments per ticket; total is exactly tickets × N (default 5)
  --customers N             customer profiles to create (default tickets / 5, at least 10)
  --agents N                agents to create (default 50)
  --reset                   empty every helpdesk table first (TRUNCATE ... RESTART IDENTITY
                            CASCADE; _prisma_migrations is kept). This also removes API keys.
  --seed N                  seed of the pseudo-random generator (default 1)
  --batch-size N            rows per INSERT statement (default 5000)
  -h, --help                print this help

Without --reset the data is APPENDED: new agents and customers are added (their emails carry a
per-run tag so they never collide), the ten seed branches are reused when their keys exist, and
ticket numbers continue from each branch's ticketSequence (a block is reserved atomically, so
on PostgreSQL this is safe while the server is running). The embedded database serves one
process at a time: stop the server first (seed refuses, naming it, while it runs).

Examples:
  npm run seed -- --tickets 1000 --reset
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/helpdesk npm run seed -- --tickets 100000 --reset`;

function usageError(message: string): never {
  console.error(`seed: ${message}\n\nRun "npm run seed -- --help" for usage.`);
  process.exit(2);
}

const parseSeedArgs = (argv: string[]) =>
  parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      tickets: { type: 'string' },
      'comments-per-ticket': { type: 'string' },
      customers: { type: 'string' },
      agents: { type: 'string' },
      reset: { type: 'boolean' },
      seed: { type: 'string' },
      'batch-size': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });

function parseOptions(argv: string[]) {
  let values: ReturnType<typeof parseSeedArgs>['values'];
  try {
    ({ values } = parseSeedArgs(argv));
  } catch (error) {
    usageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: keyof typeof values, min: number, max: number): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const text = String(raw).trim();
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < min || value > max) {
      usageError(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
    }
    return value;
  };
  const tickets = int('tickets', 1, 10_000_000);
  if (tickets === undefined) usageError('--tickets N is required');
  return {
    tickets,
    commentsPerTicket: int('comments-per-ticket', 0, 1000),
    customers: int('customers', 1, 10_000_000),
    agents: int('agents', 1, 100_000),
    randomSeed: int('seed', 0, 2 ** 32 - 1),
    batchSize: int('batch-size', 1, 100_000),
    reset: values.reset ?? false,
  };
}

const options = parseOptions(process.argv.slice(2));
try {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pglite') });
  try {
    const started = performance.now();
    const where =
      db.engine === 'postgresql' ? 'PostgreSQL (DATABASE_URL)' : `PGlite in ${path.join(config.dataDir, 'pglite')}`;
    console.log(`Seeding ${where}`);
    const applied = await db.migrate();
    if (applied.length) console.log(`Applied migrations: ${applied.join(', ')}`);
    if (options.reset) console.log('Emptying helpdesk tables (--reset)');
    const summary = await seed(db.prisma, { ...options, progress: progressBars() });
    const seconds = (performance.now() - started) / 1000;
    const n = (value: number) => value.toLocaleString('en-US');
    console.log(
      [
        '',
        'Seeded:',
        `  branches     ${n(summary.branches)} (${summary.branchesCreated} new)`,
        `  agents       ${n(summary.agents)}`,
        `  customers    ${n(summary.customers)} (${n(summary.linkGroups)} linked groups)`,
        `  tickets      ${n(summary.tickets)}`,
        `  watchers     ${n(summary.watchers)}`,
        `  comments     ${n(summary.comments)}`,
        `  attachments  ${n(summary.attachments)}`,
        `  total rows   ${n(summary.rows)} in ${summary.seconds.toFixed(1)} s (${n(Math.round(summary.rows / summary.seconds))} rows/s)`,
        `Done in ${seconds.toFixed(1)} s (including opening the database and migrations).`,
      ].join('\n'),
    );
  } finally {
    await db.close();
  }
} catch (error) {
  if (error instanceof DataDirLockedError) {
    console.error(`seed: ${error.message}\nStop the server, seed, then start it again.`);
  } else {
    console.error(error instanceof ConfigError ? error.message : error);
  }
  process.exit(1);
}
