// `node bench/statistics.ts [--tickets 20000]`: what planner statistics are worth on the embedded
// database, which has no autovacuum. On an in-memory PGlite filled by the seeder, times the GraphQL
// ticket list of the benchmark (50 tickets, people, tags, 5 comments each): with fresh statistics,
// with none (the state of tables that grew through the API and were never analysed), and after
// analyzeStaleTables (what the server runs every 10 minutes), which is timed too.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.ts';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { secretBox } from '../src/auth/secret-box.ts';
import { openDatabase } from '../src/db/database.ts';
import { analyzeStaleTables } from '../src/db/statistics.ts';
import { createLogger } from '../src/logger.ts';
import { seed } from '../src/seed/seed.ts';
import { filesystemBlobStore } from '../src/storage/blob-store.ts';

const { values } = parseArgs({ options: { tickets: { type: 'string', default: '20000' } } });
const db = await openDatabase({});
await db.migrate();
await seed(db.prisma, { tickets: Number(values.tickets) });
const box = secretBox(randomBytes(32));
const storeDir = await mkdtemp(path.join(tmpdir(), 'helpdesk-stats-'));
const app = createApp({ db, box, logger: createLogger('silent'), store: filesystemBlobStore(storeDir) });
const admin = await db.prisma.agent.create({ data: { email: 'bench@example.com', firstName: 'B', role: 'ADMIN' } });
const { secret } = await issueApiKey(db.prisma, box, { agentId: admin.id });

const LIST = `{ tickets(first: 50, orderBy: {field: UPDATED_AT, direction: DESC}) { totalCount nodes {
  key subject status tags branch { key name } reporter { name email } assignee { name }
  watchers { name } comments(first: 5) { nodes { content author { name } } } } } }`;

async function timeList(label: string, runs = 9) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const response = await app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
      body: JSON.stringify({ query: LIST }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(42)} median ${times[Math.floor(runs / 2)]!.toFixed(1)} ms`);
  return times[Math.floor(runs / 2)]!;
}

const fresh = await timeList('fresh statistics (seeder ended with ANALYZE)');
await db.prisma.$executeRawUnsafe(
  `DELETE FROM pg_statistic WHERE starelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)`,
);
await db.prisma.$executeRawUnsafe(
  `UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE relnamespace = 'public'::regnamespace`,
);
const none = await timeList('no statistics (never analysed)');
const started = performance.now();
const analysed = await analyzeStaleTables(db);
console.log(`analyzeStaleTables: ${analysed.length} tables in ${(performance.now() - started).toFixed(0)} ms`);
const after = await timeList('after analyzeStaleTables');
console.log(`no statistics / fresh: ${(none / fresh).toFixed(1)}x; after / fresh: ${(after / fresh).toFixed(1)}x`);
await db.close();
await rm(storeDir, { recursive: true, force: true });
