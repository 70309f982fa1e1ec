// Opens the one database the server uses: embedded PGlite in the data directory by default,
// PostgreSQL through node-postgres when DATABASE_URL is set. Both speak PostgreSQL, so one Prisma
// schema and one migration history serve both.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import type { Config } from '../config.ts';
import { isMissingTable } from '../domain/errors.ts';
import { PrismaClient } from '../generated/prisma/client.ts';
import { type ConnectionGuard, countingFactory, exclusiveConnection, guardedFactory } from './connection-guard.ts';
import { type DataDirLock, lockDataDir } from './data-dir-lock.ts';
import { applyMigrations, readMigrationList } from './schema-engine.ts';
import { createWriteEpochs, type WriteEpochs } from './write-epochs.ts';

export type Engine = 'pglite' | 'postgresql';

/**
 * An embedded database with the extensions the migrations create (pg_trgm: the trigram indexes of
 * text search); in memory without a directory. Every PGlite of the project is made here.
 */
export function createPGlite(dir?: string) {
  return new PGlite({ dataDir: dir, extensions: { pg_trgm } });
}

/** Prisma's adapter for an embedded database, whose shadow database (the schema engine's scratch copy) has the extensions too. */
export function pgliteAdapterFactory(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory {
  const adapter = new PrismaPGlite(pglite);
  return {
    provider: adapter.provider,
    adapterName: adapter.adapterName,
    connect: () => adapter.connect(),
    connectToShadowDb: () => new PrismaPGlite(createPGlite()).connect(),
  };
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Directory for PGlite's files; `undefined` with no databaseUrl means in memory (tests). */
  pgliteDir?: string;
  poolSize?: number;
  /**
   * Longest a single SQL statement may run, in ms (PostgreSQL `statement_timeout`); 0 turns it
   * off. PGlite cannot interrupt a statement (it runs inside this process), so there it has no
   * effect; `poolTimeoutMs` still bounds the wait behind a slow one.
   */
  statementTimeoutMs?: number;
  /**
   * Longest a statement or transaction waits for a connection, in ms: the PostgreSQL pool's
   * acquisition timeout, or the wait for PGlite's single connection. 0 waits forever.
   */
  poolTimeoutMs?: number;
  /** Sees every statement sent, with its arguments (bench/explain.ts explains what the API runs). */
  onStatement?: (sql: string, args: unknown[]) => void;
  /**
   * Called when the lock on the embedded database's directory is lost while open (its lock files
   * removed by hand, or taken over after the event loop stalled past the stale period). Default:
   * print the reason and exit 1, since going on would mean two writers.
   */
  onLockLost?: (error: Error) => void;
}

const exitOnLockLost = (error: Error) => {
  console.error(`The lock on the embedded database was lost (${error.message}); stopping to protect the data.`);
  process.exit(1);
};

/** The database a configuration names: PostgreSQL with DATABASE_URL, else PGlite in the data directory. */
export function configuredDatabase(config: Config): DatabaseOptions {
  return {
    databaseUrl: config.databaseUrl,
    pgliteDir: path.join(config.dataDir, 'pglite'),
    poolSize: config.databasePoolSize,
    statementTimeoutMs: config.statementTimeoutMs,
    poolTimeoutMs: config.poolTimeoutMs,
  };
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;
export const DEFAULT_POOL_TIMEOUT_MS = 10_000;

export interface Database {
  engine: Engine;
  prisma: PrismaClient;
  /** SQL statements sent since start; the statement-count tests and benchmarks read it. */
  readonly statements: number;
  /** The tables this process wrote to, as stamps: what is cached from them (counts) checks these. */
  writes: WriteEpochs;
  migrate(): Promise<string[]>;
  /** Names of migrations on disk that the database has not finished applying. */
  pendingMigrations(): Promise<string[]>;
  /**
   * The embedded database and its one connection's turns, for clients other than Prisma (the
   * webhook queue, src/events/webhooks/queue.ts); undefined on PostgreSQL.
   */
  embedded?: { pglite: PGlite; exclusive<T>(run: () => Promise<T>): Promise<T> };
  /** The PostgreSQL server's URL; undefined on the embedded database. */
  url?: string;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const statementTimeoutMs = options.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS;
  const poolTimeoutMs = options.poolTimeoutMs ?? DEFAULT_POOL_TIMEOUT_MS;
  let factory: SqlMigrationAwareDriverAdapterFactory;
  let migrationFactory: () => SqlMigrationAwareDriverAdapterFactory;
  let closeDriver: () => Promise<void>;
  let engine: Engine;
  let guard: ConnectionGuard | undefined;
  let embedded: PGlite | undefined;
  if (options.databaseUrl) {
    engine = 'postgresql';
    const databaseUrl = options.databaseUrl;
    // A slow statement is cancelled by the server (SQLSTATE 57014) and an exhausted pool answers
    // within poolTimeoutMs: both become a 503 for that request alone (isServiceUnavailable).
    factory = new PrismaPg({
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: poolTimeoutMs,
      ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
    });
    // Migrations may legitimately run longer than a request's statement (building an index).
    migrationFactory = () => new PrismaPg({ connectionString: databaseUrl, max: 1 });
    closeDriver = async () => {};
  } else {
    engine = 'pglite';
    let lock: DataDirLock | undefined;
    if (options.pgliteDir) {
      await mkdir(path.dirname(options.pgliteDir), { recursive: true });
      lock = await lockDataDir(options.pgliteDir, options.onLockLost ?? exitOnLockLost);
    }
    let pglite: PGlite;
    try {
      pglite = createPGlite(options.pgliteDir);
      await pglite.waitReady;
    } catch (error) {
      await lock?.release();
      throw error;
    }
    factory = new PrismaPGlite(pglite);
    embedded = pglite;
    migrationFactory = () => factory;
    closeDriver = async () => {
      await pglite.close();
      await lock?.release();
    };
    guard = exclusiveConnection(poolTimeoutMs);
  }

  const counter = { statements: 0 };
  const writes = createWriteEpochs();
  const prisma = new PrismaClient({
    adapter: guardedFactory(countingFactory(factory, counter, writes, options.onStatement), guard),
    // An interactive transaction waits for a connection as long as a statement does, and may
    // last as long as the longest statement allowed.
    transactionOptions: {
      ...(poolTimeoutMs > 0 ? { maxWait: poolTimeoutMs } : {}),
      ...(statementTimeoutMs > 0 ? { timeout: Math.max(5_000, statementTimeoutMs) } : {}),
    },
  });
  const pendingMigrations = async () => {
    const onDisk = (await readMigrationList()).migrationDirectories.map((m) => m.path);
    const applied = await prisma
      .$queryRawUnsafe<{ migration_name: string }[]>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      )
      // No migration table yet (an empty database): every migration is pending. Anything else,
      // an unreachable database first, is not "migrations pending" and is thrown.
      .catch((error: unknown) => {
        if (isMissingTable(error)) return [];
        throw error;
      });
    const done = new Set(applied.map((row) => row.migration_name));
    return onDisk.filter((name) => !done.has(name));
  };
  const turns = guard;
  return {
    engine,
    prisma,
    embedded: embedded && turns ? { pglite: embedded, exclusive: (run) => turns.statement(run) } : undefined,
    url: options.databaseUrl,
    get statements() {
      return counter.statements;
    },
    writes,
    async migrate() {
      // Nothing pending (every restart): skip the schema engine, a WebAssembly module that takes
      // about a second to start. A failed migration counts as pending, so the engine reports it.
      if ((await pendingMigrations()).length === 0) return [];
      return applyMigrations(migrationFactory());
    },
    pendingMigrations,
    async close() {
      await prisma.$disconnect();
      await closeDriver();
    },
  };
}
