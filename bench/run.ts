// `npm run bench`: seeds a database, then measures the raw-SQL baseline and the server (separate
// processes) with autocannon, in alternated rounds: each round runs the baseline, then each server
// variant through every read scenario; writes run after the last read round, so reads always see
// the seeded data. Each cell reports the median of the rounds, CPU per request of the server and
// of PostgreSQL (/proc), and SQL statements per request (the server's /metrics).
// Engine: PGlite in bench/.data by default; PostgreSQL when DATABASE_URL is set.
import { type ChildProcess, spawnSync } from 'node:child_process';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { type Cell, measure, type Target, warmUp } from './measure.ts';
import { benchEnv, freePort, root, runTs, stop, waitFor } from './processes.ts';
import { type Environment, writeResults } from './report.ts';
import { gql, type Landmarks, LIST, type Scenario, scenarios } from './scenarios.ts';
import { withWebhooks } from './webhooks.ts';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '20000' },
    'comments-per-ticket': { type: 'string', default: '5' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '1,32' },
    rounds: { type: 'string', default: '3' },
    'skip-seed': { type: 'boolean', default: false },
    only: { type: 'string' },
    // `--variant "2 workers:HELPDESK_WORKERS=2"`: a server configuration compared in the same run;
    // `ROOT=<dir>` runs that variant's server from another checkout (the code before a change).
    variant: { type: 'string', multiple: true },
    label: { type: 'string' },
  },
});

const engine = process.env.DATABASE_URL ? 'postgresql' : 'pglite';
const ADMIN_EMAIL = 'bench@example.com';
const ADMIN_KEY = 'beefbeefbeefbeefbeefbeefbeefbeefbeefbeef';
const PORT = await freePort();
const BASELINE_PORT = await freePort();
const duration = Number(values.duration);
const connectionCounts = values.connections!.split(',').map(Number);
const rounds = Number(values.rounds);
const tickets = Number(values.tickets);
const headers = { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' };

interface Variant {
  label: string;
  env: Record<string, string>;
}

const variants: Variant[] = (values.variant?.length ? values.variant : ['server']).map((spec) => {
  const [label, assignments = ''] = spec.split(/:(.*)/s);
  const env = Object.fromEntries(
    assignments
      .split(',')
      .filter(Boolean)
      .map((a) => a.split(/=(.*)/s) as [string, string]),
  );
  return { label: label!, env };
});

export interface Result {
  scenario: Scenario;
  variant: string;
  connections: number;
  cells: Cell[];
}
const results = new Map<string, Result>();

function record(scenario: Scenario, variant: string, connections: number, cell: Cell) {
  const key = `${scenario.name}|${variant}|${connections}`;
  const result = results.get(key) ?? { scenario, variant, connections, cells: [] };
  result.cells.push(cell);
  results.set(key, result);
  console.log(
    JSON.stringify({
      scenario: scenario.name,
      variant,
      connections,
      rps: cell.rps.toFixed(1),
      cpu: cell.serverCpuMs.toFixed(1),
      pg: cell.postgresCpuMs?.toFixed(1),
      sql: cell.statements?.toFixed(2),
      errors: cell.errors,
    }),
  );
}

const target = (port: number, s: Pick<Scenario, 'method' | 'path' | 'body'>): Target => ({
  url: `http://127.0.0.1:${port}${s.path}`,
  method: s.method,
  headers,
  body: s.body,
});

async function statements() {
  const text = await (await fetch(`http://127.0.0.1:${PORT}/metrics`)).text();
  return Number(/^helpdesk_sql_statements_total (\d+)$/m.exec(text)?.[1]);
}

async function graphql(query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
    method: 'POST',
    headers,
    body: gql(query, variables),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the benchmark reads back what its own documents select
  const body = (await response.json()) as { data: any; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function landmarks(): Promise<Landmarks> {
  const busiest = await graphql(
    '{ tickets(first: 1, orderBy: {field: UPDATED_AT, direction: DESC}) { nodes { key branch { id } } } }',
  );
  const deepPage = Math.min(1000, Math.floor(tickets / 50));
  const cursor = await graphql('query($o: Int) { tickets(first: 1, offset: $o) { edges { cursor } } }', {
    o: (deepPage - 1) * 50 - 1,
  });
  return {
    key: busiest.tickets.nodes[0].key,
    branch: busiest.tickets.nodes[0].branch.id,
    deepPage,
    deepCursor: cursor.tickets.edges[0]?.cursor,
  };
}

/** A scenario answers 200 without GraphQL errors before it is measured: errors must not pass as speed. */
async function check(s: Scenario) {
  const response = await fetch(target(PORT, s).url, { method: s.method, headers, body: s.body });
  const text = await response.text();
  if (response.status !== 200 || /"errors"\s*:/.test(text.slice(0, 200))) {
    throw new Error(`${s.name} answered ${response.status}: ${text.slice(0, 500)}`);
  }
  return text;
}

function selected(list: Scenario[], write: boolean) {
  return list.filter(
    (s) => !!s.write === write && (!values.only || values.only.split(',').some((p) => s.name.startsWith(p))),
  );
}

let baselineAnswer: unknown;

async function baselinePhase() {
  const baseline = runTs('bench/baseline.ts', { PORT: String(BASELINE_PORT) });
  try {
    await waitFor(`http://127.0.0.1:${BASELINE_PORT}/`);
    baselineAnswer = await (await fetch(`http://127.0.0.1:${BASELINE_PORT}/`)).json();
    const s: Scenario = { name: '1* baseline: one SQL statement', method: 'GET', path: '/' };
    await warmUp(target(BASELINE_PORT, s));
    for (const connections of connectionCounts) {
      const cell = await measure(target(BASELINE_PORT, s), {
        connections,
        duration,
        serverPid: baseline.pid,
        postgres: engine === 'postgresql',
      });
      record(s, 'baseline', connections, cell);
    }
  } finally {
    await stop(baseline);
  }
}

async function withServer(variant: Variant, work: (server: ChildProcess) => Promise<void>) {
  const { ROOT, ...variantEnv } = variant.env;
  const server = runTs(
    'src/main.ts',
    {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      HELPDESK_METRICS: '1',
      HELPDESK_RATE_LIMIT: '0',
      HELPDESK_ADMIN_EMAIL: ADMIN_EMAIL,
      HELPDESK_ADMIN_API_KEY: ADMIN_KEY,
      // The webhook scenario's receiver runs in the benchmark, on loopback.
      HELPDESK_WEBHOOK_ALLOW_PRIVATE: '1',
      ...variantEnv,
    },
    ROOT,
  );
  try {
    await waitFor(`http://127.0.0.1:${PORT}/readyz`);
    await work(server);
  } finally {
    await stop(server);
  }
}

async function serverPhase(variant: Variant, write: boolean) {
  await withServer(variant, async (server) => {
    const list = selected(scenarios(await landmarks()), write);
    if (!write && baselineAnswer !== undefined) {
      // The baseline must answer what scenario 1 answers, or it is not the baseline of scenario 1.
      const answer = await graphql(LIST);
      if (!isDeepStrictEqual({ data: answer }, baselineAnswer)) {
        throw new Error('The baseline answers something else than scenario 1: fix bench/baseline.ts first.');
      }
    }
    for (const s of list) {
      await check(s);
      const run = async () => {
        await warmUp(target(PORT, s), 5);
        for (const connections of connectionCounts) {
          const cell = await measure(target(PORT, s), {
            connections,
            duration,
            serverPid: server.pid,
            statements,
            postgres: engine === 'postgresql',
          });
          record(s, variant.label, connections, cell);
        }
      };
      await (s.webhooks ? withWebhooks(s.webhooks, graphql, run) : run());
    }
  });
}

async function main() {
  const started = Date.now();
  if (!values['skip-seed']) {
    const seeded = spawnSync(
      process.execPath,
      [
        'scripts/seed.ts',
        '--tickets',
        String(tickets),
        '--comments-per-ticket',
        values['comments-per-ticket']!,
        '--reset',
      ],
      { cwd: root, env: benchEnv, stdio: 'inherit' },
    );
    if (seeded.status !== 0) throw new Error('seeding failed');
  }
  // Scenario names only: the landmarks are read from the server once it runs.
  const reads = selected(scenarios({} as Landmarks), false);
  for (let round = 1; round <= rounds && reads.length > 0; round++) {
    console.log(`== read round ${round} of ${rounds}`);
    if (reads.some((s) => s.vsBaseline)) await baselinePhase();
    for (const variant of variants) await serverPhase(variant, false);
  }
  if (selected(scenarios({} as Landmarks), true).length > 0) {
    for (let round = 1; round <= rounds; round++) {
      console.log(`== write round ${round} of ${rounds}`);
      for (const variant of variants) await serverPhase(variant, true);
    }
    const cleaned = runTs('bench/clean.ts');
    await new Promise((resolve) => cleaned.once('exit', resolve));
  }
  const environment: Environment = {
    engine,
    tickets,
    commentsPerTicket: Number(values['comments-per-ticket']),
    duration,
    rounds,
    label: values.label,
    minutes: (Date.now() - started) / 60_000,
    variants: variants.map(
      (v) =>
        `${v.label}${
          Object.keys(v.env).length
            ? ` (${Object.entries(v.env)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')})`
            : ''
        }`,
    ),
    postgresVersion: engine === 'postgresql' ? postgresVersion() : undefined,
  };
  await writeResults([...results.values()], environment);
  // The plans behind the numbers, on the same data (after the server stopped: PGlite has one user).
  const explained = runTs('bench/explain.ts', {}, root, values.label ? ['--label', values.label] : []);
  await new Promise((resolve) => explained.once('exit', resolve));
}

function postgresVersion() {
  const out = spawnSync('psql', [process.env.DATABASE_URL!, '-Atc', 'show server_version'], { encoding: 'utf8' });
  return out.stdout.trim() || undefined;
}

await main();
