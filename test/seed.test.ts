// The bulk seeder (src/seed/, `npm run seed`): counts, consistent ticket keys and
// per-branch numbering, time order of comments, linked profiles, and appending to existing data.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/database.ts';
import { type SeedSummary, seed } from '../src/seed/seed.ts';
import { openTestDatabase } from './helpers.ts';

const TICKETS = 300;
const COMMENTS_PER_TICKET = 3;

describe('seed', () => {
  let db: Database;
  let close: () => Promise<void>;
  let summary: SeedSummary;

  beforeAll(async () => {
    ({ db, close } = await openTestDatabase());
    summary = await seed(db.prisma, { tickets: TICKETS, commentsPerTicket: COMMENTS_PER_TICKET, batchSize: 1000 });
  });
  const extra: (() => Promise<void>)[] = [];
  afterAll(async () => {
    await close?.();
    await Promise.all(extra.map((closeExtra) => closeExtra()));
  });

  async function checkNumbering(on: Database = db) {
    const db = on;
    const branches = await db.prisma.branch.findMany({
      select: {
        id: true,
        key: true,
        ticketSequence: true,
        tickets: { select: { key: true, number: true }, orderBy: { number: 'asc' } },
      },
    });
    for (const branch of branches) {
      const numbers = branch.tickets.map((t) => t.number);
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));
      expect(branch.ticketSequence).toBe(numbers.length);
      for (const ticket of branch.tickets) expect(ticket.key).toBe(`${branch.key}-${ticket.number}`);
    }
    return branches;
  }

  it('writes the requested number of rows', async () => {
    const p = db.prisma;
    expect(summary.tickets).toBe(TICKETS);
    expect(await p.ticket.count()).toBe(TICKETS);
    expect(await p.comment.count()).toBe(TICKETS * COMMENTS_PER_TICKET);
    expect(summary.comments).toBe(TICKETS * COMMENTS_PER_TICKET);
    expect(await p.branch.count()).toBe(10);
    expect(await p.agent.count()).toBe(50);
    expect(await p.customer.count()).toBe(60); // tickets / 5
    expect(await p.ticketWatcher.count()).toBe(summary.watchers);
    expect(await p.attachment.count()).toBe(summary.attachments);
    expect(summary.watchers).toBeGreaterThan(0);
    expect(summary.attachments).toBeGreaterThan(0);
    // ~10% of the comments are private, all by agents.
    const privateComments = await p.comment.count({ where: { private: true } });
    expect(privateComments).toBeGreaterThan(0);
    expect(privateComments).toBeLessThan(TICKETS * COMMENTS_PER_TICKET * 0.25);
    expect(await p.comment.count({ where: { private: true, authorAgentId: null } })).toBe(0);
    // Every comment and ticket has exactly one author/reporter.
    expect(await p.comment.count({ where: { authorAgentId: null, authorCustomerId: null } })).toBe(0);
    expect(await p.comment.count({ where: { authorAgentId: { not: null }, authorCustomerId: { not: null } } })).toBe(0);
    expect(await p.ticket.count({ where: { reporterAgentId: null, reporterCustomerId: null } })).toBe(0);
    expect(await p.ticket.count({ where: { reporterCustomerId: { not: null } } })).toBeGreaterThan(TICKETS / 2);
  });

  it('gives every ticket its branch key and a gapless per-branch number', async () => {
    const branches = await checkNumbering();
    expect(branches.filter((b) => b.tickets.length > 0).length).toBeGreaterThan(5);
    expect(branches.every((b) => b.tickets.length === 0 || b.ticketSequence > 0)).toBe(true);
    // Branches have default assignees.
    expect(await db.prisma.branch.count({ where: { defaultAssigneeId: null } })).toBe(0);
  });

  it('dates comments after their ticket, tickets within the last year', async () => {
    const rows = await db.prisma.$queryRawUnsafe<{ early: number }[]>(
      `SELECT count(*)::int AS early FROM "Comment" c JOIN "Ticket" t ON t.id = c."ticketId" WHERE c."createdAt" < t."createdAt"`,
    );
    expect(rows[0]!.early).toBe(0);
    const range = await db.prisma.ticket.aggregate({ _min: { createdAt: true }, _max: { createdAt: true } });
    const yearAgo = Date.now() - 366 * 86_400_000;
    expect(range._min.createdAt!.getTime()).toBeGreaterThan(yearAgo);
    expect(range._max.createdAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await db.prisma.ticket.count({ where: { updatedAt: { lt: db.prisma.ticket.fields.createdAt } } })).toBe(0);
  });

  it('creates linked customer profiles sharing a link group', async () => {
    const groups = await db.prisma.customer.groupBy({
      by: ['linkGroup'],
      where: { linkGroup: { not: null } },
      _count: { _all: true },
    });
    expect(groups.length).toBeGreaterThan(0);
    for (const group of groups) {
      expect(group._count._all).toBeGreaterThanOrEqual(2);
      expect(group.linkGroup).toMatch(/^[0-9a-f-]{36}$/);
      const channels = await db.prisma.customer.findMany({
        where: { linkGroup: group.linkGroup },
        select: { channel: true },
      });
      expect(new Set(channels.map((c) => c.channel)).size).toBe(channels.length);
    }
    const channels = await db.prisma.customer.groupBy({ by: ['channel'] });
    expect(channels.length).toBeGreaterThan(2);
    const sample = await db.prisma.customer.findFirst({ where: { lastName: { not: '' } } });
    expect(sample!.fullName).toBe(`${sample!.firstName} ${sample!.lastName}`);
  });

  // The tests above read the seeded database; those below change data, each in a database of its own.
  async function seeded(tickets: number) {
    const opened = await openTestDatabase();
    extra.push(opened.close);
    await seed(opened.db.prisma, { tickets, commentsPerTicket: 1, batchSize: 1000 });
    return opened.db;
  }

  it('keeps the id sequences usable by the application', async () => {
    const db = await seeded(20);
    const agent = await db.prisma.agent.create({ data: { email: 'after-seed@example.com', firstName: 'After' } });
    expect(await db.prisma.agent.count({ where: { id: agent.id } })).toBe(1);
    const ticket = await db.prisma.ticket.findFirstOrThrow({
      include: { comments: true, watchers: true, branch: true },
    });
    expect(ticket.uniqueId).toMatch(/^[0-9a-f]{32}$/);
    expect(ticket.comments.length).toBeGreaterThanOrEqual(0);
  });

  it('appends to existing data, continuing each branch sequence', async () => {
    const db = await seeded(40);
    const before = await db.prisma.branch.findMany({ select: { key: true, ticketSequence: true } });
    const more = await seed(db.prisma, { tickets: 50, commentsPerTicket: 1, agents: 5, randomSeed: 7 });
    expect(more.branchesCreated).toBe(0);
    expect(await db.prisma.ticket.count()).toBe(40 + 50);
    expect(await db.prisma.comment.count()).toBe(40 + 50);
    const after = await checkNumbering(db);
    const grown =
      after.reduce((sum, b) => sum + b.ticketSequence, 0) - before.reduce((sum, b) => sum + b.ticketSequence, 0);
    expect(grown).toBe(50);
  });

  it('resets before seeding when asked', async () => {
    const db = await seeded(20);
    const again = await seed(db.prisma, { tickets: 20, commentsPerTicket: 2, agents: 3, customers: 5, reset: true });
    expect(again.branchesCreated).toBe(10);
    expect(await db.prisma.ticket.count()).toBe(20);
    expect(await db.prisma.agent.count()).toBe(3);
    expect(await db.prisma.customer.count()).toBe(5);
    expect(await db.prisma.comment.count()).toBe(40);
    const first = await db.prisma.agent.findFirstOrThrow({ orderBy: { id: 'asc' } });
    expect(first.id).toBe(1); // RESTART IDENTITY
    await checkNumbering(db);
    const migrations = await db.pendingMigrations();
    expect(migrations).toEqual([]); // _prisma_migrations survived the TRUNCATE
  });
});

describe('seed code boundaries', () => {
  it('loads cli-progress only in the progress display of the seed command', async () => {
    const root = path.resolve(import.meta.dirname, '..');
    const importers: string[] = [];
    for (const folder of ['src', 'scripts', 'bench']) {
      for (const file of await readdir(path.join(root, folder), { recursive: true })) {
        if (!file.endsWith('.ts') || file.startsWith('generated')) continue;
        const text = await readFile(path.join(root, folder, file), 'utf8');
        if (/from 'cli-progress'/.test(text)) importers.push(`${folder}/${file}`);
      }
    }
    expect(importers).toEqual(['src/seed/progress-bars.ts']);
  });
});
