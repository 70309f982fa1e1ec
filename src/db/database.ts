// Opens the one database the server uses: embedded PGlite in the data directory by default,
// PostgreSQL through node-postgres when DATABASE_URL is set. Both speak PostgreSQL, so one Prisma
// schema and one migration history serve both.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQueryable,
} from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.ts';
import { applyMigrations, readMigrationList } from './schema-engine.ts';

export type Engine = 'pglite' | 'postgresql';

export interface DatabaseOptions {
  /** postgres:// URL; when absent the embedded PGlite database is used. */
  databaseUrl?: string;
  /** Directory for PGlite's files; `undefined` with no databaseUrl means in memory (tests). */
  pgliteDir?: string;
  poolSize?: number;
}

export interface Database {
  engine: Engine;
  prisma: PrismaClient;
  /** SQL statements sent since start; the statement-count tests and benchmarks read it. */
  readonly statements: number;
  migrate(): Promise<string[]>;
  /** Names of migrations on disk that the database has not finished applying. */
  pendingMigrations(): Promise<string[]>;
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  let factory: SqlMigrationAwareDriverAdapterFactory;
  let closeDriver: () => Promise<void>;
  let engine: Engine;
  if (options.databaseUrl) {
    engine = 'postgresql';
    const pg = new PrismaPg({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    factory = pg;
    closeDriver = async () => {};
  } else {
    engine = 'pglite';
    if (options.pgliteDir) await mkdir(path.dirname(options.pgliteDir), { recursive: true });
    const pglite = options.pgliteDir ? new PGlite(options.pgliteDir) : new PGlite();
    await pglite.waitReady;
    factory = new PrismaPGlite(pglite);
    closeDriver = () => pglite.close();
  }

  const counter = { statements: 0 };
  const prisma = new PrismaClient({ adapter: countingFactory(factory, counter) });
  return {
    engine,
    prisma,
    get statements() {
      return counter.statements;
    },
    migrate: () => applyMigrations(factory),
    async pendingMigrations() {
      const onDisk = (await readMigrationList()).migrationDirectories.map((m) => m.path);
      const applied = await prisma
        .$queryRawUnsafe<{ migration_name: string }[]>(
          'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
        )
        .catch(() => []);
      const done = new Set(applied.map((row) => row.migration_name));
      return onDisk.filter((name) => !done.has(name));
    },
    async close() {
      await prisma.$disconnect();
      await closeDriver();
    },
  };
}

// Counts statements at the driver boundary, below Prisma, so relation loads, transactions and
// raw queries are all seen exactly as the database sees them.
function countingFactory(
  factory: SqlMigrationAwareDriverAdapterFactory,
  counter: { statements: number },
): SqlMigrationAwareDriverAdapterFactory {
  const countQueries = <T extends SqlQueryable>(target: T): T => {
    const queryRaw = target.queryRaw.bind(target);
    const executeRaw = target.executeRaw.bind(target);
    target.queryRaw = (query) => {
      counter.statements++;
      return queryRaw(query);
    };
    target.executeRaw = (query) => {
      counter.statements++;
      return executeRaw(query);
    };
    return target;
  };
  const wrapAdapter = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    countQueries(adapter);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) =>
      countQueries(await startTransaction(isolationLevel));
    return adapter;
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrapAdapter(await factory.connect()),
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}
