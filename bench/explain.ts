// `node bench/explain.ts [--label L]`: the SQL the API sends for its read paths, as the database
// plans and runs it (EXPLAIN ANALYZE, BUFFERS): the evidence that lists, counts, deep pages and
// text search use indexes. Runs the GraphQL and REST requests in-process against the benchmark's
// database (DATABASE_URL, or PGlite in bench/.data; seed it with `npm run bench` first), captures
// each statement with its arguments at the driver, and explains it with the same arguments.
// Writes bench/results/<date>-<engine>[-label]-explain.md.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createApp } from '../src/app.ts';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { loadServerKey, secretBox } from '../src/auth/secret-box.ts';
import { openDatabase } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';
import { TICKET_LIST } from '../src/rest/routes/tickets.ts';
import { filesystemBlobStore } from '../src/storage/blob-store.ts';
import { dataDir, root } from './processes.ts';
import { gql, LIST } from './scenarios.ts';

const { values } = parseArgs({ options: { label: { type: 'string' } } });

let capturing: { sql: string; args: unknown[] }[] | null = null;
const db = await openDatabase({
  databaseUrl: process.env.DATABASE_URL,
  pgliteDir: path.join(dataDir, 'pglite'),
  onStatement: (sql, args) => capturing?.push({ sql, args }),
});
const box = secretBox(await loadServerKey(undefined, dataDir, false));
// Counts are not cached here: each case shows the count it would run.
const app = createApp({
  db,
  box,
  logger: createLogger('silent'),
  store: filesystemBlobStore('/tmp/explain-blobs'),
  countCacheSeconds: 0,
});
const admin = await db.prisma.agent.create({
  data: { email: `explain-${randomBytes(4).toString('hex')}@example.com`, firstName: 'Explain', role: 'ADMIN' },
});
const { secret } = await issueApiKey(db.prisma, box, { agentId: admin.id });
const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };

const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
  const response = await app.yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers,
    body: gql(query, variables),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the bench reads a few fields of several answers
  return (await response.json()) as { data: any };
};
const total = (await graphql('{ tickets(first: 1) { totalCount } }')).data.tickets.totalCount as number;
const deepOffset = Math.min(1000, Math.floor(total / 50) - 1) * 50;
const deepCursor = (
  await graphql('query($o: Int) { tickets(first: 1, offset: $o) { edges { cursor } } }', { o: deepOffset - 1 })
).data.tickets.edges[0].cursor;

const cases: { name: string; run: () => Promise<unknown> }[] = [
  {
    name: 'Scenario 1: tickets(first: 50) with people, tags, 5 comments each, and totalCount',
    run: () => graphql(LIST),
  },
  { name: `A page ${deepOffset / 50 + 1} deep after a cursor`, run: () => graphql(LIST, { after: deepCursor }) },
  {
    name: `REST page ${deepOffset / 50 + 1} (limit 50, oldest first; the operation GET /tickets runs): the anchor at offset ${deepOffset}, then the page`,
    run: () =>
      graphql(TICKET_LIST, {
        first: 50,
        offset: deepOffset,
        after: null,
        withTotal: true,
        filter: {},
        orderBy: { field: 'CREATED_AT', direction: 'ASC' },
      }),
  },
  ...['Invoice 4242', 'will not sync'].map((text) => ({
    name: `searchTickets(query: "${text}") with totalCount`,
    run: () =>
      graphql('query($q: String!) { searchTickets(query: $q, first: 50) { totalCount nodes { key subject } } }', {
        q: text,
      }),
  })),
];

const lines = [
  `# EXPLAIN of the read paths, ${new Date().toISOString().slice(0, 10)}, ${db.engine}${values.label ? `, ${values.label}` : ''}`,
  '',
  `${total} tickets. Each statement as the API sent it (the API key lookup left out), explained with its arguments.`,
  '',
];
for (const c of cases) {
  capturing = [];
  await c.run();
  const statements = capturing.filter((s) => !s.sql.includes('"ApiKey"'));
  capturing = null;
  lines.push(`## ${c.name}`, '');
  for (const { sql, args } of statements) {
    const plan = await db.prisma.$queryRawUnsafe<Record<string, string>[]>(
      `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
      ...args,
    );
    lines.push(
      '```sql',
      sql.length > 600 ? `${sql.slice(0, 600)} ...` : sql,
      '```',
      '```',
      ...plan.map((row) => String(Object.values(row)[0])),
      '```',
      '',
    );
  }
}
await db.prisma.agent.delete({ where: { id: admin.id } });
await db.close();
const file = path.join(
  root,
  'bench',
  'results',
  `${new Date().toISOString().slice(0, 10)}-${db.engine}${values.label ? `-${values.label}` : ''}-explain.md`,
);
await writeFile(file, lines.join('\n'));
console.log(`Wrote ${path.relative(root, file)}`);
