// What the server puts between Prisma and the driver: a statement counter at the driver boundary,
// and PGlite's one connection shared in turns with a deadline (src/db/database.ts uses both).
import type {
  SqlDriverAdapter,
  SqlMigrationAwareDriverAdapterFactory,
  SqlQueryable,
} from '@prisma/driver-adapter-utils';
import { DatabaseBusyError } from '../domain/errors.ts';
import { type WriteEpochs, writtenTables } from './write-epochs.ts';

// Counts statements at the driver boundary, below Prisma, so relation loads, transactions and
// raw queries are all seen exactly as the database sees them; and stamps the tables each write
// touched once it is done (a transaction's at its commit), for what is cached from them.
export function countingFactory(
  factory: SqlMigrationAwareDriverAdapterFactory,
  counter: { statements: number },
  writes?: WriteEpochs,
  onStatement?: (sql: string, args: unknown[]) => void,
): SqlMigrationAwareDriverAdapterFactory {
  /** `written`: where a transaction collects its tables until it commits; absent: stamp at once. */
  const observe = <T extends SqlQueryable>(target: T, written?: Set<string | 'all'>): T => {
    const queryRaw = target.queryRaw.bind(target);
    const executeRaw = target.executeRaw.bind(target);
    const after = async <R>(sql: string, run: Promise<R>): Promise<R> => {
      const tables = writes ? writtenTables(sql) : null;
      const result = await run;
      if (tables && written) for (const table of tables === 'all' ? ['all'] : tables) written.add(table);
      else if (tables) writes!.bump(tables);
      return result;
    };
    target.queryRaw = (query) => {
      counter.statements++;
      onStatement?.(query.sql, query.args);
      return after(query.sql, queryRaw(query));
    };
    target.executeRaw = (query) => {
      counter.statements++;
      onStatement?.(query.sql, query.args);
      return after(query.sql, executeRaw(query));
    };
    return target;
  };
  const wrapAdapter = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    observe(adapter);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const written = new Set<string | 'all'>();
      const tx = observe(await startTransaction(isolationLevel), written);
      const commit = tx.commit.bind(tx);
      tx.commit = async () => {
        await commit();
        if (written.size && writes) writes.bump(written.has('all') ? 'all' : (written as Set<string>));
      };
      return tx;
    };
    return adapter;
  };
  return wrapConnections(factory, wrapAdapter);
}

/**
 * PGlite runs one statement at a time, inside this process, and cannot interrupt one. This is its
 * connection "pool": callers take turns in arrival order, and one that has waited longer than
 * `timeoutMs` is refused with DatabaseBusyError (a 503) instead of queueing indefinitely behind a
 * slow statement. The deadline is checked again at hand-over, because a long statement blocks the
 * event loop and with it the waiters' timers.
 */
export function exclusiveConnection(timeoutMs: number) {
  interface Waiter {
    since: number;
    grant: () => void;
    refuse: () => void;
    timer?: ReturnType<typeof setTimeout>;
  }
  const queue: Waiter[] = [];
  let busy = false;
  const expired = (waiter: Waiter) => timeoutMs > 0 && performance.now() - waiter.since > timeoutMs;
  const release = () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      clearTimeout(next.timer);
      if (expired(next)) next.refuse();
      else return next.grant(); // still busy: the connection passes straight to the next caller
    }
    busy = false;
  };
  const acquire = (): Promise<void> => {
    if (!busy) {
      busy = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        since: performance.now(),
        grant: resolve,
        refuse: () => reject(new DatabaseBusyError(timeoutMs)),
      };
      if (timeoutMs > 0) {
        waiter.timer = setTimeout(() => {
          const index = queue.indexOf(waiter);
          if (index >= 0) queue.splice(index, 1);
          waiter.refuse();
        }, timeoutMs);
        waiter.timer.unref?.();
      }
      queue.push(waiter);
    });
  };
  /** Runs one statement on the connection. */
  const statement = async <T>(run: () => Promise<T>): Promise<T> => {
    await acquire();
    try {
      return await run();
    } finally {
      release();
    }
  };
  /** Starts a transaction that keeps the connection until it commits or rolls back. */
  const transaction = async (start: () => Promise<Transaction>): Promise<Transaction> => {
    await acquire();
    let tx: Transaction;
    try {
      tx = await start();
    } catch (error) {
      release();
      throw error;
    }
    let done = false;
    const end = () => {
      if (!done) {
        done = true;
        release();
      }
    };
    const commit = tx.commit.bind(tx);
    const rollback = tx.rollback.bind(tx);
    tx.commit = () => commit().finally(end);
    tx.rollback = () => rollback().finally(end);
    return tx;
  };
  return { statement, transaction };
}

type Transaction = Awaited<ReturnType<SqlDriverAdapter['startTransaction']>>;
export type ConnectionGuard = ReturnType<typeof exclusiveConnection>;

/** Puts every statement and transaction of the adapter behind `guard` (PGlite's single connection). */
export function guardedFactory(
  factory: SqlMigrationAwareDriverAdapterFactory,
  guard: ConnectionGuard | undefined,
): SqlMigrationAwareDriverAdapterFactory {
  if (!guard) return factory;
  const wrapAdapter = (adapter: SqlDriverAdapter): SqlDriverAdapter => {
    const queryRaw = adapter.queryRaw.bind(adapter);
    const executeRaw = adapter.executeRaw.bind(adapter);
    const startTransaction = adapter.startTransaction.bind(adapter);
    adapter.queryRaw = (query) => guard.statement(() => queryRaw(query));
    adapter.executeRaw = (query) => guard.statement(() => executeRaw(query));
    adapter.startTransaction = (isolationLevel) => guard.transaction(() => startTransaction(isolationLevel));
    return adapter;
  };
  return wrapConnections(factory, wrapAdapter);
}

/** The same factory, with `wrap` applied to every connection it hands Prisma. */
function wrapConnections(
  factory: SqlMigrationAwareDriverAdapterFactory,
  wrap: (adapter: SqlDriverAdapter) => SqlDriverAdapter,
): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrap(await factory.connect()),
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}
