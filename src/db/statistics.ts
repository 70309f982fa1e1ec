// PGlite has no autovacuum, so nothing refreshes the planner's statistics as tables grow: a database
// filled through the API keeps the estimates of its empty tables, and the planner then picks plans
// for empty tables (stale statistics made nested lists 9x slower). Nor does anything vacuum: the
// trigram indexes of text search keep every new row in their pending list, which each search reads
// in full (the planner then preferred reading the whole table), and index-only scans (counts, deep
// page anchors) find no page marked all-visible. This does what autovacuum does on PostgreSQL,
// with its default analyze threshold: a table is vacuumed and analysed once more than 50 rows +
// 10 % of it changed since its last ANALYZE, or when it has rows and never was.
// On PostgreSQL, autovacuum does this, unless it is switched off: for the whole server
// (`autovacuum = off`, as on the machines we benchmark on, where 20,000 new tickets left the
// trigram indexes' pending lists full and text search read the whole table: 40 req/s instead of
// 700) or for a table (`autovacuum_enabled = false`). There the keeper takes over those tables.
// Measured in docs/performance.md ("Planner statistics on the embedded database").
import type { Logger } from '../logger.ts';
import type { Database } from './database.ts';

/** The tables whose statistics are stale, by autovacuum's rule (`autovacuum_analyze_threshold` 50, scale 0.1). */
const staleTables = (autovacuumless: string) => `
  SELECT s.schemaname AS schema, s.relname AS name
  FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
  WHERE s.relname <> '_prisma_migrations'
    AND ((c.reltuples < 0 AND (s.n_live_tup > 0 OR c.relpages > 0))
      OR s.n_mod_since_analyze > 50 + 0.1 * greatest(c.reltuples, 0))
    AND ${autovacuumless}
  ORDER BY s.relname`;

/** Tables autovacuum leaves alone: all of them when the server's is off, else those that opt out. */
const WITHOUT_AUTOVACUUM = `(current_setting('autovacuum') = 'off'
      OR EXISTS (SELECT 1 FROM unnest(c.reloptions) o WHERE o ~* '^autovacuum_enabled=(false|off|no|n|f|0)$'))`;

/**
 * VACUUMs and ANALYZEs every table whose statistics are stale and that autovacuum does not look
 * after (on PGlite, which has none: every table); returns their names.
 */
export async function analyzeStaleTables(db: Pick<Database, 'prisma' | 'engine'>): Promise<string[]> {
  const sql = staleTables(db.engine === 'pglite' ? 'true' : WITHOUT_AUTOVACUUM);
  const stale = await db.prisma.$queryRawUnsafe<{ schema: string; name: string }[]>(sql);
  // Schema-qualified: the webhook queue's tables live in their own schema (pgboss).
  const quoted = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;
  for (const { schema, name } of stale)
    await db.prisma.$executeRawUnsafe(`VACUUM (ANALYZE) ${quoted(schema)}.${quoted(name)}`);
  return stale.map((table) => table.name);
}

export const STATISTICS_FIRST_CHECK_MS = 30_000;
export const STATISTICS_INTERVAL_MS = 10 * 60_000;

/** PostgreSQL: once a minute, autovacuum's own default pace (`autovacuum_naptime`). */
export const STATISTICS_INTERVAL_POSTGRESQL_MS = 60_000;

/**
 * Checks 30 s after start (not during it: a restart stays fast) and then every 10 minutes on the
 * embedded database (each VACUUM holds its only connection), every minute on PostgreSQL, where a
 * check finds nothing to do while autovacuum is on. One keeper per process group: in a cluster,
 * the first worker's.
 */
export function startStatisticsKeeper(db: Database, logger: Logger) {
  let running: Promise<void> | undefined;
  let warned = db.engine === 'pglite';
  const check = () => {
    running ??= (async () => {
      const started = performance.now();
      try {
        if (!warned) {
          warned = true;
          const [row] = await db.prisma.$queryRawUnsafe<{ setting: string }[]>(
            `SELECT current_setting('autovacuum') AS setting`,
          );
          if (row?.setting === 'off')
            logger.warn(
              'autovacuum is off on this PostgreSQL server: this server vacuums and analyses tables whose statistics are stale itself, once a minute',
            );
        }
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
  const every = setInterval(check, db.engine === 'pglite' ? STATISTICS_INTERVAL_MS : STATISTICS_INTERVAL_POSTGRESQL_MS);
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
