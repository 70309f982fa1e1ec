// totalCount through the count cache: reused while nothing it reads was written, fresh at once
// after a write through this process, per caller's visibility, at most the TTL behind writes of
// another instance (PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { secretBox } from '../src/auth/secret-box.ts';
import { openDatabase } from '../src/db/database.ts';
import { createReadCache } from '../src/db/read-cache.ts';
import { writtenTables } from '../src/db/write-epochs.ts';
import { createLogger } from '../src/logger.ts';
import { filesystemBlobStore } from '../src/storage/blob-store.ts';
import { createBranch, createCustomer, createTicket, unique } from './fixtures.ts';
import { graphql } from './graphql.ts';
import { createPostgresDatabase, createTestApp, ok, type TestApp, testEngine } from './helpers.ts';

const count = graphql('query($branch: ID) { tickets(first: 1, filter: {branch: $branch}) { totalCount } }');
const addWatcher = graphql(`mutation($input: AddWatcherInput!) { addWatcher(input: $input) { userErrors { code } } }`);

describe('totalCount through the count cache', () => {
  let app: TestApp;
  let time = Date.parse('2026-12-01T10:00:00Z');

  beforeAll(async () => {
    app = await createTestApp({ now: () => time, countCacheSeconds: 5 });
  });
  afterAll(() => app?.close());

  // Each test counts a branch of its own: CI shuffles the tests of a file, so none may lean on
  // tickets another test created.
  async function branchWith(tickets: number) {
    const made = await createBranch(app);
    for (let i = 0; i < tickets; i++) await createTicket(app, { branch: made.id });
    return made;
  }

  /** The list's count, and the SQL statements the request sent. */
  async function counted(key: string | undefined, variables: { branch?: string }) {
    const before = app.db.statements;
    const data = ok(await app.gql(count, variables, key === undefined ? {} : { key }));
    return { total: data.tickets!.totalCount, statements: app.db.statements - before };
  }

  it('counts once, then answers the same list without counting', async () => {
    const branch = await branchWith(3);
    const first = await counted(undefined, { branch: branch.id });
    const second = await counted(undefined, { branch: branch.id });
    expect(first.total).toBe(3);
    expect(second.total).toBe(3);
    // The key lookup and the page stay; the count(*) is the statement saved.
    expect(second.statements).toBe(first.statements - 1);
  });

  it('shows a ticket created through this process at once, and counts again', async () => {
    const branch = await branchWith(3);
    expect((await counted(undefined, { branch: branch.id })).total).toBe(3);
    await createTicket(app, { branch: branch.id });
    const after = await counted(undefined, { branch: branch.id });
    expect(after.total).toBe(4);
  });

  it('shows rows written by raw SQL in this process at once', async () => {
    const other = await createBranch(app);
    await createTicket(app, { branch: other.id });
    expect((await counted(undefined, { branch: other.id })).total).toBe(1);
    await app.db.prisma.$executeRawUnsafe(
      `DELETE FROM "Ticket" WHERE "branchId" = (SELECT id FROM "Branch" WHERE key = $1)`,
      other.key,
    );
    expect((await counted(undefined, { branch: other.id })).total).toBe(0);
  });

  it('keeps counts apart by visibility: each customer counts their own tickets, staff all', async () => {
    const own = await createBranch(app);
    const alice = await createCustomer(app, { withKey: true });
    const bob = await createCustomer(app, { withKey: true });
    await createTicket(app, { branch: own.id, reporter: alice.id });
    const bobs = await createTicket(app, { branch: own.id, reporter: bob.id });
    await createTicket(app, { branch: own.id, reporter: bob.id });
    const seen = async (key?: string) => (await counted(key, { branch: own.id })).total;
    // Twice each, so the second answer of each comes from the cache.
    for (let round = 0; round < 2; round++) {
      expect(await seen(alice.key)).toBe(1);
      expect(await seen(bob.key)).toBe(2);
      expect(await seen()).toBe(3);
    }
    // A watcher row changes what Alice may see: her cached count must not survive it.
    ok(await app.gql(addWatcher, { input: { ticket: { key: bobs.key }, watcher: alice.id } }));
    expect(await seen(alice.key)).toBe(2);
  });

  it('counts again once the TTL has passed', async () => {
    const branch = { branch: (await branchWith(1)).id };
    await counted(undefined, branch);
    const cached = await counted(undefined, branch);
    time += 5_001;
    const later = await counted(undefined, branch);
    expect(later.statements).toBe(cached.statements + 1);
  });

  it('runs one count for concurrent requests of the same list', async () => {
    const cache = createReadCache({ writes: app.db.writes, ttlMs: 5000, now: () => time });
    let runs = 0;
    const run = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 42;
    };
    const answers = await Promise.all(Array.from({ length: 8 }, () => cache.count('Ticket', { branchId: 1 }, run)));
    expect(answers).toEqual(Array(8).fill(42));
    expect(runs).toBe(1);
    // A failed count is not kept: the next request counts again.
    const failing = () => Promise.reject(new Error('database down'));
    await expect(cache.count('Ticket', { branchId: 2 }, failing)).rejects.toThrow('database down');
    expect(await cache.count('Ticket', { branchId: 2 }, run)).toBe(42);
    expect(runs).toBe(2);
  });

  it('is not dropped by writes to tables the count does not read', async () => {
    const branch = { branch: (await branchWith(1)).id };
    await counted(undefined, branch);
    await app.db.prisma.wsseNonce.create({ data: { nonce: unique('nonce'), expiresAt: new Date(time + 60_000) } });
    const again = await counted(undefined, branch);
    const fresh = await counted(undefined, branch);
    expect(again.statements).toBe(fresh.statements);
  });

  it('with HELPDESK_COUNT_CACHE_SECONDS=0 counts on every request', async () => {
    const uncached = await createTestApp({ countCacheSeconds: 0 });
    try {
      const b = await createBranch(uncached);
      const statements = async () => {
        const before = uncached.db.statements;
        ok(await uncached.gql(count, { branch: b.id }));
        return uncached.db.statements - before;
      };
      expect(await statements()).toBe(await statements());
    } finally {
      await uncached.close();
    }
  });
});

describe.skipIf(testEngine !== 'postgresql')('two instances on one PostgreSQL', () => {
  it('a count lags writes of the other instance by at most the TTL', async () => {
    let time = Date.parse('2026-12-01T10:00:00Z');
    const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL!, { template: true });
    const dbA = await openDatabase({ databaseUrl: created.url });
    const dbB = await openDatabase({ databaseUrl: created.url });
    try {
      const make = (db: typeof dbA) =>
        createApp({
          db,
          box: secretBox(Buffer.alloc(32, 7)),
          logger: createLogger('silent'),
          store: filesystemBlobStore('/tmp/helpdesk-count-cache-blobs'),
          now: () => time,
          countCacheSeconds: 5,
        });
      const appA = make(dbA);
      make(dbB);
      const agent = await dbA.prisma.agent.create({ data: { email: 'a@example.com', firstName: 'A', role: 'ADMIN' } });
      const branchRow = await dbA.prisma.branch.create({ data: { key: 'CC', name: 'Count cache' } });
      const ticket = (n: number) => ({
        key: `CC-${n}`,
        number: n,
        uniqueId: String(n).padStart(32, '0'),
        subject: 's',
        description: 'd',
        branchId: branchRow.id,
        reporterAgentId: agent.id,
      });
      const viewer = { kind: 'agent' as const, id: agent.id, role: 'ADMIN' as const };
      const total = async () => {
        const ctx = appA.makeContext(viewer);
        return ctx.reads.count('Ticket', { branchId: branchRow.id }, () =>
          ctx.prisma.ticket.count({ where: { branchId: branchRow.id } }),
        );
      };
      await dbA.prisma.ticket.create({ data: ticket(1) });
      expect(await total()).toBe(1);
      // Instance B writes: A's cached count stands until its TTL has passed.
      await dbB.prisma.ticket.create({ data: ticket(2) });
      expect(await total()).toBe(1);
      time += 5_001;
      expect(await total()).toBe(2);
    } finally {
      await dbA.close();
      await dbB.close();
      await created.drop();
    }
  });
});

describe('which tables a statement writes', () => {
  it.each([
    ['INSERT INTO "public"."Ticket" ("key") VALUES ($1) RETURNING "id"', ['Ticket']],
    ['UPDATE "public"."TicketWatcher" SET "x" = $1 WHERE ("id" = $2)', ['TicketWatcher']],
    ['DELETE FROM "public"."Comment" WHERE "id" IN ($1)', ['Comment']],
    ['  update "Branch" set "ticketSequence" = "ticketSequence" + $1 returning 1', ['Branch']],
    ['insert into RateLimit values (1) on conflict (key) do update set points = 1', ['RateLimit']],
    ['SELECT "t0"."id" FROM "public"."Ticket" AS "t0" WHERE 1=1', null],
    ['SELECT id FROM "Branch" WHERE id = $1 FOR UPDATE', null],
    ['WITH t AS (SELECT 1) SELECT * FROM t', null],
    ['BEGIN', null],
    ['VACUUM (ANALYZE) "Ticket"', null],
    [
      'WITH "lock" AS MATERIALIZED (SELECT pg_advisory_xact_lock(1)) INSERT INTO "Event" ("type") SELECT $1 FROM "lock"',
      ['Event'],
    ],
    [
      'WITH moved AS (UPDATE "Ticket" SET x = 1 RETURNING id) INSERT INTO "TicketKeyAlias" SELECT * FROM moved',
      ['Ticket', 'TicketKeyAlias'],
    ],
    ['TRUNCATE "Ticket" CASCADE', 'all'],
  ])('%s', (sql, tables) => {
    expect(writtenTables(sql)).toEqual(tables);
  });
});
