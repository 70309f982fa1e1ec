// The one ticket-number allocator (src/domain/ticket-numbers.ts) and everything that takes numbers
// from it: concurrent creation, moves and the bulk seeder share one sequence per branch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../src/clock.ts';
import type { Database } from '../src/db/database.ts';
import { DomainError } from '../src/domain/errors.ts';
import { reserveTicketNumbers } from '../src/domain/ticket-numbers.ts';
import { createTicket, moveTicket } from '../src/domain/tickets.ts';
import { seed } from '../src/seed/seed.ts';
import { openTestDatabase } from './helpers.ts';

describe('ticket numbers', () => {
  let db: Database;
  let close: () => Promise<void>;
  let reporterId: number;

  beforeAll(async () => {
    ({ db, close } = await openTestDatabase());
    reporterId = (await db.prisma.agent.create({ data: { email: 'numbers@example.com', firstName: 'Nu' } })).id;
  });
  afterAll(() => close?.());

  const branch = (key: string) => db.prisma.branch.create({ data: { key, name: key }, select: { id: true } });
  const create = async (branchId: number, subject = 'Numbered') => {
    const { id } = await createTicket(
      db.prisma,
      branchId,
      {
        subject,
        description: 'd',
        reporter: { kind: 'agent', id: reporterId },
      },
      undefined,
      systemClock,
    );
    return db.prisma.ticket.findUniqueOrThrow({ where: { id }, select: { id: true, key: true, number: true } });
  };

  it('reserves consecutive blocks and builds the keys', async () => {
    const { id } = await branch('BLK');
    const one = await reserveTicketNumbers(db.prisma, id);
    const block = await reserveTicketNumbers(db.prisma, id, 5);
    expect([one.first, one.last, one.keyOf(one.first)]).toEqual([1, 1, 'BLK-1']);
    expect([block.first, block.last, block.keyOf(block.last)]).toEqual([2, 6, 'BLK-6']);
    expect((await db.prisma.branch.findUniqueOrThrow({ where: { id } })).ticketSequence).toBe(6);
    const missing = await reserveTicketNumbers(db.prisma, 999_999).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(DomainError);
    expect((missing as DomainError).errors).toEqual([
      { code: 'NOT_FOUND', message: 'Branch not found.', field: ['branch'] },
    ]);
  });

  it('gives concurrent creations and reservations in one branch distinct consecutive numbers', async () => {
    const { id } = await branch('RACE');
    const [tickets, blocks] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, (_, i) => create(id, `Race ${i}`))),
      Promise.all(Array.from({ length: 5 }, () => reserveTicketNumbers(db.prisma, id, 3))),
    ]);
    const numbers = [
      ...tickets.map((t) => t.number),
      ...blocks.flatMap((b) => Array.from({ length: b.last - b.first + 1 }, (_, i) => b.first + i)),
    ].sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 35 }, (_, i) => i + 1));
    for (const t of tickets) expect(t.key).toBe(`RACE-${t.number}`);
  });

  it('gives a moved ticket the next number of its new branch', async () => {
    const from = await branch('MVA');
    const to = await branch('MVB');
    await create(to.id);
    await reserveTicketNumbers(db.prisma, to.id, 2);
    const moving = await create(from.id);
    await moveTicket(db.prisma, moving.id, to.id, undefined, systemClock);
    const moved = await db.prisma.ticket.findUniqueOrThrow({ where: { id: moving.id } });
    expect([moved.key, moved.number]).toEqual(['MVB-4', 4]);
    expect((await create(to.id)).key).toBe('MVB-5');
    // The source branch never hands out the number it lost.
    expect((await create(from.id)).key).toBe('MVA-2');
  });

  it('lets the seeder continue a branch sequence, and creation continue after the seeder', async () => {
    const opened = await openTestDatabase();
    try {
      const p = opened.db.prisma;
      const agent = await p.agent.create({ data: { email: 'before-seed@example.com', firstName: 'Be' } });
      const sup = await p.branch.create({ data: { key: 'SUP', name: 'Support before the seed' } });
      const reporter = { kind: 'agent' as const, id: agent.id };
      await createTicket(p, sup.id, { subject: 'Before', description: 'd', reporter }, undefined, systemClock);
      await seed(p, { tickets: 200, commentsPerTicket: 0, agents: 2, customers: 10 });
      const seeded = await p.ticket.findMany({ where: { branchId: sup.id }, select: { number: true, key: true } });
      const numbers = seeded.map((t) => t.number).sort((a, b) => a - b);
      expect(numbers.length).toBeGreaterThan(2);
      expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
      const after = await createTicket(
        p,
        sup.id,
        { subject: 'After', description: 'd', reporter },
        undefined,
        systemClock,
      );
      const ticket = await p.ticket.findUniqueOrThrow({ where: { id: after.id } });
      expect(ticket.key).toBe(`SUP-${numbers.length + 1}`);
    } finally {
      await opened.close();
    }
  });
});
