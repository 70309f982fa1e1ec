// Several server processes on one machine (node:cluster), on PostgreSQL only: one process runs
// on one core, and a list request is mostly CPU (GraphQL execution, result mapping). The primary
// prepares the database once (migrations, the first admin), then forks HELPDESK_WORKERS workers
// that share the listening port; it serves no requests itself. The embedded database allows one
// process per data directory, so PGlite runs a single process (src/config.ts refuses more).
//
// Between the processes: the tables each worker writes to (so every worker drops the counts it
// cached from them at once, src/db/read-cache.ts) and /metrics totals.
import cluster, { type Worker } from 'node:cluster';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import { configuredDatabase, openDatabase } from './db/database.ts';
import type { WriteEpochs } from './db/write-epochs.ts';
import type { Logger } from './logger.ts';
import type { ProcessMetrics } from './server.ts';

type Message =
  | { type: 'helpdesk:writes'; tables: string[] | 'all' }
  | { type: 'helpdesk:metrics?'; id: number }
  | { type: 'helpdesk:metrics'; id: number; totals: ProcessMetrics }
  | { type: 'helpdesk:report?'; id: number }
  | { type: 'helpdesk:report'; id: number; own: ProcessMetrics };

const isMessage = (value: unknown): value is Message =>
  typeof value === 'object' && value !== null && String((value as { type?: unknown }).type).startsWith('helpdesk:');

/** A worker that exits this soon after it started counts as failing to start. */
const QUICK_EXIT_MS = 5_000;
const MAX_QUICK_EXITS = 5;

/** The primary: prepares the database, forks the workers, replaces a crashed one, relays messages. */
export async function runPrimary(config: Config, logger: Logger) {
  const db = await openDatabase(configuredDatabase(config));
  const { prepareDatabase } = await import('./start.ts');
  await prepareDatabase(db, config, logger);
  await db.close();

  let stopping = false;
  let quickExits = 0;
  const started = new Map<Worker, number>();
  const fork = (index: number) => {
    const worker = cluster.fork({ HELPDESK_WORKER_INDEX: String(index) });
    started.set(worker, Date.now());
    worker.on('message', (message: unknown) => relay(worker, message));
    worker.on('exit', (code, signal) => {
      const lived = Date.now() - (started.get(worker) ?? 0);
      started.delete(worker);
      if (stopping) return;
      logger.error({ worker: index, code, signal }, 'a server worker stopped; starting another');
      quickExits = lived < QUICK_EXIT_MS ? quickExits + 1 : 0;
      if (quickExits >= MAX_QUICK_EXITS) {
        logger.fatal('server workers keep stopping right after they start; giving up');
        process.exit(1);
      }
      setTimeout(() => fork(index), lived < QUICK_EXIT_MS ? 1000 : 0).unref();
    });
  };

  // /metrics asked of one worker: every worker reports its own, the primary sums them.
  const pending = new Map<number, { asker: Worker; reports: ProcessMetrics[]; expected: number }>();
  const relay = (from: Worker, message: unknown) => {
    if (!isMessage(message)) return;
    const workers = [...started.keys()];
    if (message.type === 'helpdesk:writes') {
      for (const worker of workers) if (worker !== from && worker.isConnected()) worker.send(message);
    } else if (message.type === 'helpdesk:metrics?') {
      pending.set(message.id, { asker: from, reports: [], expected: workers.length });
      for (const worker of workers) worker.send({ type: 'helpdesk:report?', id: message.id });
    } else if (message.type === 'helpdesk:report') {
      const asked = pending.get(message.id);
      if (!asked) return;
      asked.reports.push(message.own);
      if (asked.reports.length < asked.expected) return;
      pending.delete(message.id);
      const totals = asked.reports.reduce((sum, r) => ({
        statements: sum.statements + r.statements,
        rss: sum.rss + r.rss,
      }));
      if (asked.asker.isConnected()) asked.asker.send({ type: 'helpdesk:metrics', id: message.id, totals });
    }
  };

  for (let index = 1; index <= config.workers; index++) fork(index);
  logger.info({ workers: config.workers }, 'started server workers');

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping server workers');
    for (const worker of started.keys()) worker.process.kill('SIGTERM');
    const check = setInterval(() => {
      if (started.size === 0) process.exit(0);
    }, 50);
    setTimeout(() => {
      clearInterval(check);
      logger.error('server workers did not stop within 15 s; exiting');
      process.exit(1);
    }, 15_000).unref();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

export interface ClusterWorker {
  /** 1 to HELPDESK_WORKERS; the first runs the background sweeps. */
  index: number;
  /** Announces this worker's writes to the others and applies theirs; reports its statements. */
  attach(db: Database): void;
  /** The cluster's /metrics totals. */
  metrics(): Promise<ProcessMetrics>;
}

/** This process's side of the cluster, when it is a worker; undefined otherwise. */
export function clusterWorker(): ClusterWorker | undefined {
  if (!cluster.isWorker) return undefined;
  let nextId = 0;
  const waiting = new Map<number, (totals: ProcessMetrics) => void>();
  let writes: WriteEpochs | undefined;
  let statements = () => 0;
  const ownMetrics = () => ({ statements: statements(), rss: process.memoryUsage.rss() });
  process.on('message', (message: unknown) => {
    if (!isMessage(message)) return;
    if (message.type === 'helpdesk:writes') writes?.bump(message.tables, true);
    else if (message.type === 'helpdesk:report?')
      process.send!({ type: 'helpdesk:report', id: message.id, own: ownMetrics() });
    else if (message.type === 'helpdesk:metrics') {
      waiting.get(message.id)?.(message.totals);
      waiting.delete(message.id);
    }
  });
  return {
    index: Number(process.env.HELPDESK_WORKER_INDEX ?? 1),
    attach(db) {
      writes = db.writes;
      statements = () => db.statements;
      db.writes.onLocalBump((tables) => process.send!({ type: 'helpdesk:writes', tables }));
    },
    metrics() {
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        process.send!({ type: 'helpdesk:metrics?', id });
      });
    },
  };
}
