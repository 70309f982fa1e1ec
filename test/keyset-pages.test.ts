// Keyset pages (src/schema/keyset.ts) answer exactly what Prisma's cursor and offset answer, for
// every sort order, direction, cursor, offset and page size, on rows with ties in the sort
// columns; and a page after a cursor keeps Prisma's relation joins (few statements).
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReadCache } from '../src/db/read-cache.ts';
import { reserveTicketNumbers } from '../src/domain/ticket-numbers.ts';
import { findPage, prismaCursorPage } from '../src/schema/ordering.ts';
import { ticketOrder } from '../src/schema/ticket/filter.ts';
import { createBranch } from './fixtures.ts';
import { graphql } from './graphql.ts';
import { createTestApp, ok, type TestApp } from './helpers.ts';

const SORTS = [
  'CREATED_AT',
  'UPDATED_AT',
  'PRIORITY',
  'STATUS',
  'SUBJECT',
  'KEY',
  'DESCRIPTION',
  'SOURCE',
  'BRANCH',
  'ASSIGNEE',
  'REPORTER',
  'UNIQUE_ID',
] as const;

describe('keyset pages', () => {
  let app: TestApp;
  let ids: number[];

  beforeAll(async () => {
    app = await createTestApp({ countCacheSeconds: 0 });
    const branches = [await createBranch(app), await createBranch(app)];
    const agent = await app.db.prisma.agent.create({ data: { email: 'keyset@example.com', firstName: 'K' } });
    const day = Date.parse('2026-11-01T00:00:00Z');
    ids = [];
    let n = 0;
    for (const branch of branches) {
      const block = await reserveTicketNumbers(app.db.prisma, branch.internalId, 30);
      for (let number = block.first; number <= block.last; number++, n++) {
        // Few distinct values per column, so ties (broken by id) are everywhere.
        const row = await app.db.prisma.ticket.create({
          data: {
            key: block.keyOf(number),
            number,
            uniqueId: `u${n % 7}`.padEnd(31, 'x') + String(n % 10),
            subject: ['Alpha', 'beta', 'Gamma'][n % 3]!,
            description: ['x', 'y'][n % 2]!,
            status: (['NEW', 'OPEN', 'CLOSED'] as const)[n % 3],
            priority: (['LOW', 'HIGH'] as const)[n % 2],
            branchId: branch.internalId,
            assigneeId: n % 3 ? agent.id : null,
            reporterAgentId: agent.id,
            createdAt: new Date(day + (n % 5) * 3_600_000),
            updatedAt: new Date(day + (n % 4) * 60_000),
            publicUpdatedAt: new Date(day + (n % 4) * 60_000),
          },
        });
        ids.push(row.id);
      }
    }
  });
  afterAll(() => app?.close());

  it('matches Prisma cursor and offset pages for any order, direction and position', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...SORTS),
        fc.constantFrom('ASC' as const, 'DESC' as const),
        fc.integer({ min: 1, max: 12 }),
        fc.oneof(
          fc.record({ kind: fc.constant('after' as const), at: fc.integer({ min: 0, max: 59 }) }),
          fc.record({ kind: fc.constant('before' as const), at: fc.integer({ min: 0, max: 59 }) }),
          fc.record({ kind: fc.constant('offset' as const), at: fc.integer({ min: 0, max: 70 }) }),
        ),
        async (field, direction, size, position) => {
          const orderBy = ticketOrder.toPrisma({ field, direction });
          const where = { id: { in: ids } };
          const select = { id: true };
          const query =
            position.kind === 'offset'
              ? { take: size + 1, skip: 0, select }
              : {
                  take: position.kind === 'after' ? size + 1 : -(size + 1),
                  skip: 1,
                  cursor: { id: ids[position.at]! },
                  select,
                };
          const offset = position.kind === 'offset' ? position.at : null;
          const keyset = await findPage(app.db.prisma.ticket, 'Ticket', query, where, orderBy, offset);
          const prisma = await prismaCursorPage(
            app.db.prisma.ticket,
            query,
            { ...query, skip: (query.skip ?? 0) + (offset ?? 0) },
            where,
            orderBy,
            offset,
          );
          expect(keyset.map((r) => r.id)).toEqual(prisma.map((r) => r.id));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('deep offsets remember their anchor: a page again, and the next page, skip the walk; a write starts over', async () => {
    const reads = createReadCache({ writes: app.db.writes, ttlMs: 60_000, now: () => Date.now() });
    const orderBy = ticketOrder.toPrisma({ field: 'CREATED_AT', direction: 'ASC' });
    const page = { take: 11, skip: 0, select: { id: true, subject: true } };
    // Every ticket of this database: the same where (the same cache key) before and after the write.
    const where = { spam: false };
    const read = async (offset: number, cache?: typeof reads) => {
      const before = app.db.statements;
      const rows = await findPage(app.db.prisma.ticket, 'Ticket', page, where, orderBy, offset, cache);
      return { ids: rows.map((r) => r.id), statements: app.db.statements - before };
    };
    const truth = async (offset: number) => (await read(offset)).ids;
    // Walking pages of 10 in order: from the second page on, the anchor is known.
    const walk = [];
    for (let offset = 10; offset <= 40; offset += 10) walk.push({ offset, ...(await read(offset, reads)) });
    for (const step of walk) expect(step.ids).toEqual(await truth(step.offset));
    expect(walk.map((s) => s.statements)).toEqual([2, 1, 1, 1]);
    // The same deep page again: no walk either.
    expect((await read(30, reads)).statements).toBe(1);
    // A new ticket that sorts first shifts every page: the anchors are dropped, the pages still right.
    // Not added to `ids`: the first test pages the same 60 rows whichever of the two runs first.
    const branch = await createBranch(app);
    const block = await reserveTicketNumbers(app.db.prisma, branch.internalId, 1);
    await app.db.prisma.ticket.create({
      data: {
        key: block.keyOf(block.first),
        number: block.first,
        uniqueId: 'e'.repeat(32),
        subject: 'Early',
        description: 'x',
        branchId: branch.internalId,
        createdAt: new Date('2020-01-01T00:00:00Z'),
      },
    });
    const shifted = await read(30, reads);
    expect(shifted.ids).toEqual(await truth(30));
    expect(shifted.ids[0]).toBe(walk[1]!.ids[9]);
  });

  it('a page after a cursor costs as many statements as the first page plus the anchor', async () => {
    const list = graphql(`query($after: String) {
      tickets(first: 10, after: $after) { edges { cursor node { key branch { key } assignee { name } comments(first: 2) { nodes { content } } } } }
    }`);
    const statements = async (after: string | null) => {
      const before = app.db.statements;
      const data = ok(await app.gql(list, { after }));
      return { statements: app.db.statements - before, cursor: data.tickets!.edges.at(-1)!.cursor };
    };
    const first = await statements(null);
    const second = await statements(first.cursor);
    const third = await statements(second.cursor);
    expect(second.statements).toBe(first.statements + 1);
    expect(third.statements).toBe(second.statements);
  });
});
