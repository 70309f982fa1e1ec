// PGlite has no autovacuum, so nothing refreshes the planner's statistics as tables grow: a database
// filled through the API keeps the estimates of its empty tables, and the planner then picks plans
// for empty tables (stale statistics made nested lists 9x slower). Nor does anything vacuum: the
// trigram indexes of text search keep every new row in their pending list, which each search reads
// in full (the planner then preferred reading the whole table), and index-only scans (counts, deep
// page anchors) find no page marked all-visible. This does what autovacuum does on PostgreSQL,
// with its default analyze threshold: a table is vacuumed and analysed once more than 50 rows +
// 10 % of it changed since its last ANALYZE, or when it has rows and never was.
// Measured in docs/performance.md ("Planner statistics on the embedded database").
import type { Logger } from '../logger.ts';
import type { Database } from './database.ts';

/** The tables whose statistics are stale, by autovacuum's rule (`autovacuum_analyze_threshold` 50, scale 0.1). */
const STALE_TABLES = `
  SELECT s.schemaname AS schema, s.relname AS name
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE s.relname <> '_prisma_migrations'
    AND ((c.reltuples < 0 AND (s.n_live_tup > 0 OR c.relpages > 0))
      OR s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0))
  ORDER BY s.relname`;

/** VACUUMs and ANALYZEs every table whose statistics are stale; returns their names. */
export async function analyzeStaleTables(db: Pick<Database, 'prisma'>): Promise<string[]> {
  const stale = await db.prisma.$queryRawUnsafe<{ schema: string; name: string }[]>(STALE_TABLES);
  // Schema-qualified: the webhook queue's tables live in their own schema (pgboss).
  const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
  for (const { schema, name } of stale)
    await db.prisma.$executeRawUnsafe(`VACUUM (ANALYZE) ${quoted(schema)}.${quoted(name)}`);
  return stale.map((table) => table.name);
}

export const STATISTICS_FIRST_CHECK_MS = 30_000;
export const STATISTICS_INTERVAL_MS = 10 * 60_000;

/**
 * On the embedded database: checks 30 s after start (not during it: a restart stays fast) and then
 * every 10 minutes. PostgreSQL's own autovacuum does this there, so it is not started for it.
 */
export function startStatisticsKeeper(db: Database, logger: Logger) {
  if (db.engine !== 'pglite') return { stop: async () => {} };
  let running: Promise<void> | undefined;
  const check = () => {
    running ??= (async () => {
      const started = performance.now();
      try {
        const analysed = await analyzeStaleTables(db);
        if (analysed.length > 0) {
          logger.info(
            { tables: analysed, ms: Math.round(performance.now() - started) },
            'refreshed planner statistics',
          );
        }
      } catch (error) {
        logger.warn({ err: error }, 'could not refresh planner statistics');
      } finally {
        running = undefined;
      }
    })();
  };
  const first = setTimeout(check, STATISTICS_FIRST_CHECK_MS);
  const every = setInterval(check, STATISTICS_INTERVAL_MS);
  first.unref();
  every.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
