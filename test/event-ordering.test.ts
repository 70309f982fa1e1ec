// The change feed's promise, "resume after cursor N and you get every event committed after it",
// depends on ids becoming visible in id order. A sequence alone does not give that: ids are
// handed out when transactions ask, and they commit in another order. These tests show the hazard
// with a plain insert and that the outbox's insert (an advisory lock held to commit) removes it.
// PostgreSQL only: PGlite serves one connection, so its transactions never interleave.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { insertEvents, withEvents } from '../src/domain/events/outbox.ts';
import { eventsAfter } from '../src/domain/events/read.ts';
import type { NewEvent } from '../src/domain/events/types.ts';
import { createPostgresDatabase, openTestDatabase, testEngine } from './helpers.ts';

const event = (subjectId: number): NewEvent => ({
  type: 'ticket.updated',
  subject: { type: 'Ticket', id: subjectId },
  actor: null,
  occurredAt: new Date(),
});

/** Resolves when `promise` settles, or with 'pending' after `ms`. */
const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([
    promise.then(() => 'settled' as const),
    new Promise<'pending'>((r) => setTimeout(() => r('pending'), ms)),
  ]);

describe.skipIf(testEngine !== 'postgresql')(
  'event ids become visible in id order (PostgreSQL only: PGlite serves one connection)',
  () => {
    let db: Database;
    let close: () => Promise<void>;
    let url: string;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      ({ db, close } = await openTestDatabase());
      // A second database for the raw-SQL control, so its rows do not mix with the others.
      const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL!, { template: true });
      url = created.url;
      drop = created.drop;
    });
    afterAll(async () => {
      await close?.();
      await drop?.();
    });

    it('control: with a plain insert, a reader resuming after the last id it saw skips an event that commits later', async () => {
      const a = new pg.Client({ connectionString: url });
      const b = new pg.Client({ connectionString: url });
      const reader = new pg.Client({ connectionString: url });
      await Promise.all([a.connect(), b.connect(), reader.connect()]);
      try {
        const insert = `INSERT INTO "Event" ("type", "subjectType", "subjectId") VALUES ('ticket.updated', 'Ticket', 1) RETURNING id`;
        await a.query('BEGIN');
        const first = BigInt((await a.query(insert)).rows[0].id);
        await b.query('BEGIN');
        const second = BigInt((await b.query(insert)).rows[0].id);
        await b.query('COMMIT');
        expect(second).toBeGreaterThan(first);
        const seen = (await reader.query('SELECT id FROM "Event" WHERE id > 0 ORDER BY id')).rows.map((r) =>
          BigInt(r.id),
        );
        expect(seen).toEqual([second]);
        await a.query('COMMIT');
        const resumed = (await reader.query('SELECT id FROM "Event" WHERE id > $1 ORDER BY id', [String(second)])).rows;
        // The hazard: `first` committed, and a reader resuming after `second` never sees it.
        expect(resumed).toEqual([]);
        expect((await reader.query('SELECT count(*)::int AS n FROM "Event"')).rows[0].n).toBe(2);
      } finally {
        await Promise.all([a.end(), b.end(), reader.end()]);
      }
    });

    it('the outbox insert: a later writer waits until the earlier one committed, so nothing is skipped', async () => {
      const cursor = (await db.prisma.event.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0n;
      let releaseA!: () => void;
      const aHolds = new Promise<void>((resolve) => {
        releaseA = resolve;
      });
      let aInserted!: () => void;
      const aHasInserted = new Promise<void>((resolve) => {
        aInserted = resolve;
      });
      const a = db.prisma.$transaction(async (tx) => {
        await insertEvents(tx, [event(1)]);
        aInserted();
        await aHolds; // A has its id and has not committed yet
      });
      await aHasInserted;
      const b = withEvents(db.prisma, async (_tx, log) => log.add(event(2)));
      // B cannot take an id while A may still commit a smaller one.
      expect(await within(b, 500)).toBe('pending');
      expect(await eventsAfter(db.prisma, cursor, 100)).toEqual([]);
      releaseA();
      await Promise.all([a, b]);
      expect((await eventsAfter(db.prisma, cursor, 100)).map((e) => e.subjectId)).toEqual([1, 2]);
    });

    it('under concurrent writers, a reader resuming after the last id it saw reads every event exactly once', async () => {
      const writers = 60;
      const seen: bigint[] = [];
      let cursor = (await db.prisma.event.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0n;
      let done = false;
      const read = async () => {
        for (const row of await eventsAfter(db.prisma, cursor, 1000)) {
          seen.push(row.id);
          cursor = row.id;
        }
      };
      const reader = (async () => {
        while (!done) {
          await read();
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        await read();
      })();
      const written = await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          withEvents(db.prisma, async (tx, log) => {
            // Work of random length before the insert, so transactions reach it in a shuffled order.
            await tx.$executeRawUnsafe(`SELECT pg_sleep(${(Math.random() * 0.03).toFixed(3)})`);
            log.add(event(1000 + i), event(2000 + i));
          }),
        ),
      );
      expect(written).toHaveLength(writers);
      done = true;
      await reader;
      expect(seen).toHaveLength(writers * 2);
      expect(new Set(seen).size).toBe(writers * 2);
      // Two events of one transaction are adjacent: ids are handed out one transaction at a time.
      const rows = await db.prisma.event.findMany({ where: { id: { in: seen } }, orderBy: { id: 'asc' } });
      for (let i = 0; i < rows.length; i += 2) expect(rows[i + 1]!.subjectId - rows[i]!.subjectId).toBe(1000);
    });
  },
);
