// Planner statistics on a database without autovacuum (PGlite): analyzeStaleTables analyses what
// autovacuum would (more than 50 + 10 % of a table changed), and nothing else. The effect on query
// times is measured by bench/statistics.ts, not here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeStaleTables } from '../src/db/statistics.ts';
import { openTestDatabase, testEngine } from './helpers.ts';

describe('planner statistics', () => {
  let test: Awaited<ReturnType<typeof openTestDatabase>>;
  beforeAll(async () => {
    test = await openTestDatabase();
  });
  afterAll(() => test?.close());

  /** Pending table statistics reach pg_stat_user_tables at a transaction's end. */
  const flushStats = async () => {
    await test.db.prisma.$queryRawUnsafe('SELECT 1 AS flushed FROM pg_stat_force_next_flush()');
    await test.db.prisma.$queryRawUnsafe('SELECT 1');
  };
  const reltuples = async (table: string) =>
    Number(
      (
        await test.db.prisma.$queryRawUnsafe<{ n: number }[]>(
          `SELECT reltuples AS n FROM pg_class WHERE relname = '${table}'`,
        )
      )[0]!.n,
    );

  it('leaves freshly migrated, empty tables alone', async () => {
    await flushStats();
    expect(await analyzeStaleTables(test.db)).toEqual([]);
  });

  it('analyses a table once more than 50 + 10 % of it changed, then not again', async () => {
    // On PostgreSQL the keeper only looks after tables autovacuum does not: this one opts out.
    await test.db.prisma.$executeRawUnsafe('ALTER TABLE "Agent" SET (autovacuum_enabled = false)');
    await test.db.prisma.agent.createMany({
      data: Array.from({ length: 300 }, (_, i) => ({ email: `a${i}@example.com`, firstName: `A${i}` })),
    });
    await flushStats();
    expect(await analyzeStaleTables(test.db)).toEqual(['Agent']);
    expect(await reltuples('Agent')).toBe(300);
    await flushStats();
    expect(await analyzeStaleTables(test.db)).toEqual([]);

    // 20 more rows are under the threshold (50 + 30); 100 more are over it.
    await test.db.prisma.agent.createMany({
      data: Array.from({ length: 20 }, (_, i) => ({ email: `b${i}@example.com`, firstName: `B${i}` })),
    });
    await flushStats();
    expect(await analyzeStaleTables(test.db)).toEqual([]);
    await test.db.prisma.agent.createMany({
      data: Array.from({ length: 100 }, (_, i) => ({ email: `c${i}@example.com`, firstName: `C${i}` })),
    });
    await flushStats();
    expect(await analyzeStaleTables(test.db)).toEqual(['Agent']);
    expect(await reltuples('Agent')).toBe(420);
  });

  it.skipIf(testEngine !== 'postgresql')('on PostgreSQL, leaves tables that autovacuum looks after to it', async () => {
    const [row] = await test.db.prisma.$queryRawUnsafe<{ setting: string }[]>(
      `SELECT current_setting('autovacuum') AS setting`,
    );
    const setting = row!.setting;
    await test.db.prisma.customer.createMany({
      data: Array.from({ length: 200 }, (_, i) => ({ email: `s${i}@example.com`, firstName: `S${i}` })),
    });
    await flushStats();
    // With the server's autovacuum off (as on our benchmark machines) the keeper takes the table;
    // with it on, the table is autovacuum's.
    expect(await analyzeStaleTables(test.db)).toEqual(setting === 'off' ? ['Customer'] : []);
  });
});
