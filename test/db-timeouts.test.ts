// Issue 11: a slow statement or a busy database fails the request that met it with a 503
// (SERVICE_UNAVAILABLE), instead of queueing everyone; the next requests are served. A real
// server with low limits (HELPDESK_STATEMENT_TIMEOUT_MS, HELPDESK_POOL_TIMEOUT_MS) and a pool of
// one connection, on PGlite and, with TEST_DATABASE_URL, PostgreSQL.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseBusyError, isServiceUnavailable, SERVICE_UNAVAILABLE_MESSAGE } from '../src/domain/errors.ts';
import { startServer, TEST_ADMIN, type TestServer, testEngine } from './helpers.ts';

const ADMIN_KEY = TEST_ADMIN.key;
const LIMIT_MS = 400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('statement and pool timeouts', () => {
  let running: TestServer;
  let server: TestServer['app'];
  let origin: string;
  let databaseUrl: string | undefined;

  beforeAll(async () => {
    running = await startServer({
      env: {
        HELPDESK_RATE_LIMIT: '0',
        HELPDESK_STATEMENT_TIMEOUT_MS: String(LIMIT_MS),
        HELPDESK_POOL_TIMEOUT_MS: String(LIMIT_MS),
        DATABASE_POOL_SIZE: '1',
      },
    });
    ({ app: server, origin, databaseUrl } = running);
  });
  afterAll(() => running?.close());

  const graphql = async (query: string) => {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query }),
    });
    return { status: response.status, headers: response.headers, body: (await response.json()) as any };
  };
  const rest = async (pathname: string) => {
    const response = await fetch(`${origin}/api/rest/latest/desk${pathname}`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, accept: 'application/json' },
    });
    return { status: response.status, headers: response.headers, text: await response.text() };
  };
  const expectServiceUnavailable = (answer: { status: number; headers: Headers; body: any }) => {
    expect(answer.status, JSON.stringify(answer.body)).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.body.errors).toEqual([
      expect.objectContaining({
        message: SERVICE_UNAVAILABLE_MESSAGE,
        extensions: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }),
      }),
    ]);
    expect(JSON.stringify(answer.body)).not.toMatch(/select|from "|pg_|prisma|timeout exceeded|statement/i);
  };

  /** Keeps the server's only connection in a transaction for `ms`, like a slow request would. */
  const holdConnection = async (ms: number) => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const held = server.db.prisma.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT 1 AS one`;
        started();
        await sleep(ms);
      },
      { maxWait: 5_000, timeout: 10_000 },
    );
    await running;
    // Wrapped: an async function returning the promise itself would wait for it.
    return { released: held };
  };

  it('answers 503 SERVICE_UNAVAILABLE on GraphQL and REST when the connection stays busy past the pool timeout, then serves again', async () => {
    const { released } = await holdConnection(LIMIT_MS * 4);
    const started = performance.now();
    const [query, list] = await Promise.all([graphql('{ tickets { totalCount } }'), rest('/tickets')]);
    const waited = performance.now() - started;
    expectServiceUnavailable(query);
    expect(list.status, list.text).toBe(503);
    expect(list.headers.get('retry-after')).toBe('5');
    expect(JSON.parse(list.text)).toEqual({ error: SERVICE_UNAVAILABLE_MESSAGE });
    // Refused after about the pool timeout, not after the slow transaction.
    expect(waited).toBeLessThan(LIMIT_MS * 4);
    await released;

    const after = await graphql('{ tickets { totalCount } }');
    expect(after.status).toBe(200);
    expect(after.body.data).toEqual({ tickets: { totalCount: 0 } });
    expect((await rest('/tickets')).status).toBe(200);
  });

  it('refuses a statement that waited too long, as an error isServiceUnavailable recognises', async () => {
    const { released } = await holdConnection(LIMIT_MS * 3);
    const error = await server.db.prisma.agent.count().then(
      () => undefined,
      (e: unknown) => e,
    );
    await released;
    expect(error).toBeDefined();
    expect(isServiceUnavailable(error)).toBe(true);
    if (testEngine === 'pglite') expect(error).toBeInstanceOf(DatabaseBusyError);
    expect(await server.db.prisma.agent.count()).toBe(1);
  });

  it.runIf(testEngine === 'pglite')(
    'PGlite: a statement cannot be interrupted, but whoever waited behind it past the pool timeout gets a 503',
    async () => {
      // statement_timeout is accepted by PGlite but has no effect: the statement runs in this process.
      const slow = server.db.prisma.$transaction(async (tx) => {
        await sleep(50);
        // Blocks the event loop (and every timer) for the whole statement.
        await tx.$queryRaw`SELECT 1 AS one FROM pg_sleep(${(LIMIT_MS * 3) / 1000})`;
      });
      await sleep(10);
      const waiting = graphql('{ tickets { totalCount } }');
      await slow; // completes: PGlite has no way to cancel it
      expectServiceUnavailable(await waiting);
      expect((await graphql('{ tickets { totalCount } }')).status).toBe(200);
    },
  );

  it.runIf(testEngine === 'postgresql')(
    'PostgreSQL: a statement running past HELPDESK_STATEMENT_TIMEOUT_MS is cancelled and its request answers 503; others are served',
    async () => {
      const raw = await server.db.prisma.$queryRaw`SELECT 1 AS one FROM pg_sleep(${(LIMIT_MS * 3) / 1000})`.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isServiceUnavailable(raw)).toBe(true);

      // A lock held elsewhere makes the tickets query wait: the server cancels it.
      const locker = new pg.Client({ connectionString: databaseUrl });
      await locker.connect();
      try {
        await locker.query('BEGIN');
        await locker.query('LOCK TABLE "Ticket" IN ACCESS EXCLUSIVE MODE');
        const started = performance.now();
        const blocked = await graphql('{ tickets { totalCount } }');
        expect(performance.now() - started).toBeLessThan(LIMIT_MS * 5);
        expectServiceUnavailable(blocked);
        const list = await rest('/tickets');
        expect(list.status, list.text).toBe(503);
        expect(JSON.parse(list.text)).toEqual({ error: SERVICE_UNAVAILABLE_MESSAGE });
        // A request that does not touch the slow table is served meanwhile.
        const viewer = await graphql('{ viewer { name } }');
        expect(viewer.status).toBe(200);
        expect(viewer.body.data).toEqual({ viewer: { name: 'Admin' } });
      } finally {
        await locker.query('ROLLBACK');
        await locker.end();
      }
      expect((await graphql('{ tickets { totalCount } }')).body.data).toEqual({ tickets: { totalCount: 0 } });
    },
  );
});
