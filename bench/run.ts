// `npm run bench`: seeds a database, starts the server and the raw-SQL baseline as separate
// processes, and measures each scenario with autocannon at 1 and 32 connections.
// Engine: PGlite in bench/.data by default; PostgreSQL when DATABASE_URL is set.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { createTicketWithWebhooks } from './webhooks.ts';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '20000' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '1,32' },
    'skip-seed': { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});

const root = path.resolve(import.meta.dirname, '..');
const engine = process.env.DATABASE_URL ? 'postgresql' : 'pglite';
const dataDir = path.resolve(process.env.HELPDESK_DATA_DIR ?? path.join(root, 'bench', '.data'));
const ADMIN_EMAIL = 'bench@example.com';
const ADMIN_KEY = 'beefbeefbeefbeefbeefbeefbeefbeefbeefbeef';
const PORT = 4700;
const BASELINE_PORT = 4701;
const duration = Number(values.duration);
const connectionCounts = values.connections!.split(',').map(Number);
const tickets = Number(values.tickets);
const env = { ...process.env, HELPDESK_DATA_DIR: dataDir, NODE_ENV: 'production' };

function runTs(script: string, args: string[], extra: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [script, ...args], {
    cwd: root,
    env: { ...env, ...extra },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

async function waitFor(url: string, seconds = 120) {
  for (let i = 0; i < seconds * 4; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up`);
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

const auth = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };
const gql = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

async function graphql(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
    method: 'POST',
    headers: auth,
    body: gql(query, variables),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the benchmark reads back what its own documents select
  const body = (await response.json()) as { data: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function statements() {
  const text = await (await fetch(`http://127.0.0.1:${PORT}/metrics`)).text();
  return {
    statements: Number(/^helpdesk_sql_statements_total (\d+)$/m.exec(text)?.[1]),
    rss: Number(/^process_resident_memory_bytes (\d+)$/m.exec(text)?.[1]),
  };
}

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
  port?: number;
}

interface Row {
  scenario: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  statements: number | null;
  rssMb: number | null;
  errors: number;
}

async function measure(scenario: Scenario, connections: number, withMetrics: boolean): Promise<Row> {
  const before = withMetrics ? await statements() : null;
  let peak = before?.rss ?? 0;
  const poll = withMetrics
    ? setInterval(
        () =>
          void statements().then(
            (m) => (peak = Math.max(peak, m.rss)),
            () => undefined,
          ),
        500,
      )
    : null;
  const result = await autocannon({
    url: `http://127.0.0.1:${scenario.port ?? PORT}${scenario.path}`,
    method: scenario.method,
    headers: auth,
    body: scenario.body,
    connections,
    duration,
  });
  if (poll) clearInterval(poll);
  const after = withMetrics ? await statements() : null;
  const requests = result.requests.total;
  return {
    scenario: scenario.name,
    connections,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    statements: before && after && requests ? (after.statements - before.statements) / requests : null,
    rssMb: withMetrics ? Math.round(Math.max(peak, after?.rss ?? 0) / 1024 / 1024) : null,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}

const LIST = `query($after: String) { tickets(first: 50, after: $after) { totalCount nodes { key subject tags
  branch { key name } reporter { name email } assignee { name } comments(first: 5) { nodes { content author { name } } } } } }`;

async function main() {
  await mkdir(dataDir, { recursive: true });
  if (!values['skip-seed']) {
    const seeded = spawnSync(process.execPath, ['scripts/seed.ts', '--tickets', String(tickets), '--reset'], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    if (seeded.status !== 0) throw new Error('seeding failed');
  }

  const rows: Row[] = [];
  // The baseline runs first, on the freshly seeded data (before createTicket adds rows), and on its
  // own: PGlite allows one process per data directory.
  const baseline = runTs('bench/baseline.ts', [], { PORT: String(BASELINE_PORT) });
  try {
    await waitFor(`http://127.0.0.1:${BASELINE_PORT}/`);
    await autocannon({ url: `http://127.0.0.1:${BASELINE_PORT}/`, connections: 8, duration: 2 });
    for (const connections of connectionCounts) {
      const row = await measure(
        { name: '1* baseline: one SQL query', method: 'GET', path: '/', port: BASELINE_PORT },
        connections,
        false,
      );
      rows.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    await stop(baseline);
  }

  const server = runTs('src/main.ts', [], {
    PORT: String(PORT),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    HELPDESK_METRICS: '1',
    HELPDESK_RATE_LIMIT: '0',
    HELPDESK_ADMIN_EMAIL: ADMIN_EMAIL,
    HELPDESK_ADMIN_API_KEY: ADMIN_KEY,
    // The webhook scenario's receiver runs here, on loopback.
    HELPDESK_WEBHOOK_ALLOW_PRIVATE: '1',
  });
  try {
    await waitFor(`http://127.0.0.1:${PORT}/readyz`);
    const busiest = await graphql(
      '{ tickets(first: 1, orderBy: {field: UPDATED_AT, direction: DESC}) { nodes { key branch { id } } } }',
    );
    const key = busiest.tickets.nodes[0].key as string;
    const branch = busiest.tickets.nodes[0].branch.id as string;
    const deepPage = Math.min(1000, Math.floor(tickets / 50));
    const cursor = (
      await graphql('query($o: Int) { tickets(first: 1, offset: $o) { edges { cursor } } }', {
        o: (deepPage - 1) * 50 - 1,
      })
    ).tickets.edges[0]?.cursor;

    const all: Scenario[] = [
      { name: '1 GraphQL ticket list (50, nested)', method: 'POST', path: '/graphql', body: gql(LIST) },
      {
        name: '2 GraphQL ticket by key, 50 comments + attachments',
        method: 'POST',
        path: '/graphql',
        body: gql(
          `query($k: String!) { ticket(key: $k) { key subject comments(first: 50) { nodes { content author { name }
          attachments { nodes { filename contentType } } } } attachments { nodes { filename } } } }`,
          { k: key },
        ),
      },
      { name: '4 REST ticket list (limit 50)', method: 'GET', path: '/api/rest/latest/desk/tickets?limit=50' },
      { name: '5 REST ticket by key', method: 'GET', path: `/api/rest/latest/desk/tickets/${key}` },
      { name: '6a GraphQL page 1', method: 'POST', path: '/graphql', body: gql(LIST) },
      {
        name: `6b GraphQL page ${deepPage} (cursor)`,
        method: 'POST',
        path: '/graphql',
        body: gql(LIST, { after: cursor }),
      },
      { name: '6c REST page 1', method: 'GET', path: '/api/rest/latest/desk/tickets?limit=50&page=1' },
      {
        name: `6d REST page ${deepPage}`,
        method: 'GET',
        path: `/api/rest/latest/desk/tickets?limit=50&page=${deepPage}`,
      },
      // The largest page the shops ask for (1000, HELPDESK_REST_MAX_PAGE_SIZE), read in batches of 100.
      { name: '7 REST ticket list (limit 1000)', method: 'GET', path: '/api/rest/latest/desk/tickets?limit=1000' },
      {
        name: '3 GraphQL createTicket',
        method: 'POST',
        path: '/graphql',
        body: gql(
          'mutation($b: ID!) { createTicket(input: {branch: $b, subject: "Bench", description: "Load"}) { ticket { key } userErrors { code } } }',
          { b: branch },
        ),
      },
    ];
    const scenarios = all.filter((s) => !values.only || s.name.startsWith(values.only));

    for (const scenario of scenarios) {
      // Warm-up (JIT, connection pool, database cache), not recorded.
      await autocannon({
        url: `http://127.0.0.1:${PORT}${scenario.path}`,
        method: scenario.method,
        headers: auth,
        body: scenario.body,
        connections: 8,
        duration: 2,
      });
      for (const connections of connectionCounts) {
        const row = await measure(scenario, connections, true);
        rows.push(row);
        console.log(JSON.stringify(row));
      }
    }
    const createTicket = all.find((s) => s.name.startsWith('3 '))!;
    if (!values.only || '3w'.startsWith(values.only) || values.only.startsWith('3w'))
      rows.push(
        ...(await createTicketWithWebhooks({
          createTicket,
          port: PORT,
          headers: auth,
          connectionCounts,
          graphql,
          measure,
        })),
      );
  } finally {
    await stop(server);
  }

  await writeResults(rows);
}

async function writeResults(rows: Row[]) {
  const baseline = new Map(rows.filter((r) => r.scenario.startsWith('1*')).map((r) => [r.connections, r.rps]));
  const date = new Date().toISOString().slice(0, 10);
  const lines = [
    `# Benchmark ${date}, ${engine}`,
    '',
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.`,
    `Data: ${tickets} seeded tickets. Each cell: autocannon, ${duration} s. Server and baseline are separate processes from the load generator.`,
    '',
    '| Scenario | Conn. | req/s | p50 ms | p99 ms | SQL/req | peak RSS MB | errors | vs baseline |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --: |',
    ...rows.map((r) => {
      const base = baseline.get(r.connections);
      return `| ${r.scenario} | ${r.connections} | ${r.rps.toFixed(1)} | ${r.p50} | ${r.p99} | ${r.statements?.toFixed(2) ?? '-'} | ${r.rssMb ?? '-'} | ${r.errors} | ${base ? `${((100 * r.rps) / base).toFixed(0)}%` : '-'} |`;
    }),
    '',
  ];
  const file = path.join(root, 'bench', 'results', `${date}-${engine}.md`);
  await writeFile(file, lines.join('\n'));
  console.log(lines.join('\n'));
  console.log(`Wrote ${path.relative(root, file)}`);
}

await main();
