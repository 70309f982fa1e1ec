// /readyz tells "the database is unreachable" from "migrations are pending": an orchestrator
// restarts for the one and runs migrations for the other, so neither may read as the other.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';
import { createHttpServer } from '../src/server.ts';
import { createTestApp, type TestApp } from './helpers.ts';

describe('/readyz', () => {
  let app: TestApp;
  const opened: Database[] = [];

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(async () => {
    for (const db of opened) await db.close().catch(() => undefined);
    await app?.close();
  });

  async function readyz(db: Database) {
    const server = createHttpServer({ ...app.app, db, logger: createLogger('silent') });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz`);
      return { status: response.status, body: await response.json() };
    } finally {
      server.close();
      server.closeAllConnections();
    }
  }

  it('is ready on a migrated database', async () => {
    expect(await readyz(app.db)).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('answers 503 "database unreachable" when nothing listens at the database address', async () => {
    // Port 1 on loopback: the connection is refused at once, as for a database that is down.
    const db = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/postgres', poolTimeoutMs: 2_000 });
    opened.push(db);
    expect(await readyz(db)).toEqual({ status: 503, body: { status: 'database unreachable' } });
  });

  it('answers 503 "migrations pending" with their names on an empty database', async () => {
    const db = await openDatabase({}); // PGlite in memory, never migrated
    opened.push(db);
    const { status, body } = await readyz(db);
    expect(status).toBe(503);
    expect(body.status).toBe('migrations pending');
    expect(body.pending.length).toBeGreaterThan(0);
  });
});
