// Every test file gets its own empty database with all migrations applied: an in-memory PGlite by
// default, or a fresh database on the PostgreSQL server named by TEST_DATABASE_URL (dropped after).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type App, type AppOptions, createApp } from '../src/app.ts';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { secretBox } from '../src/auth/secret-box.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';
import { openDatabase } from '../src/db/database.ts';
import { createLogger } from '../src/logger.ts';
import { startHelpdesk } from '../src/start.ts';
import { filesystemBlobStore } from '../src/storage/blob-store.ts';
import type { HelpdeskYoga } from '../src/yoga.ts';

export const testEngine = process.env.TEST_DATABASE_URL ? 'postgresql' : 'pglite';

/** Creates a throwaway database on the TEST_DATABASE_URL server; returns its URL and a dropper. */
export async function createPostgresDatabase(serverUrl: string) {
  const name = `helpdesk_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

export async function openTestDatabase(options: { migrate?: boolean } = {}) {
  let drop = async () => {};
  let db: Database;
  if (process.env.TEST_DATABASE_URL) {
    const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL);
    drop = created.drop;
    db = await openDatabase({ databaseUrl: created.url, poolSize: 20 });
  } else {
    db = await openDatabase({});
  }
  if (options.migrate !== false) await db.migrate();
  return {
    db,
    async close() {
      await db.close();
      await drop();
    },
  };
}

export interface GraphQLResponse<T = any> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
}

export interface TestApp {
  db: Database;
  yoga: HelpdeskYoga;
  /** Everything createApp made (gate, download handler...). */
  app: App;
  /** Where this app's attachment files are stored. */
  storeDir: string;
  box: ReturnType<typeof secretBox>;
  /** API key of an admin agent created for the test. */
  adminKey: string;
  adminId: number;
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { key?: string | null },
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

export async function createTestApp(
  options: Partial<Omit<AppOptions, 'db' | 'box' | 'logger'>> = {},
): Promise<TestApp> {
  const { db, close } = await openTestDatabase();
  const logger = createLogger('silent');
  const box = secretBox(randomBytes(32));
  const storeDir = await mkdtemp(path.join(tmpdir(), 'helpdesk-files-'));
  const app = createApp({ db, box, logger, store: filesystemBlobStore(storeDir), ...options });
  const { yoga } = app;
  const admin = await db.prisma.agent.create({
    data: { email: 'admin@example.com', firstName: 'Ada', lastName: 'Admin', role: 'ADMIN' },
  });
  const { secret: adminKey } = await issueApiKey(db.prisma, box, { agentId: admin.id });
  return {
    db,
    yoga,
    box,
    app,
    storeDir,
    adminKey,
    adminId: admin.id,
    async gql(query, variables, options = {}) {
      const key = options.key === undefined ? adminKey : options.key;
      const response = await yoga.fetch('http://localhost/graphql', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as Omit<GraphQLResponse, 'status' | 'headers'>;
      return { status: response.status, headers: response.headers, ...body };
    },
    async close() {
      await close();
      await rm(storeDir, { recursive: true, force: true });
    },
  };
}

/** Fails the test with the server's errors when a response has any. */
export function ok<T>(response: GraphQLResponse<T>): T {
  if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors, null, 2)}`);
  if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
  return response.data as T;
}

/**
 * The real server on a socket (port 0, loopback) through the same start path as `npm start`, on a
 * fresh data directory and, with TEST_DATABASE_URL, a fresh PostgreSQL database; `env` adds or
 * overrides configuration variables.
 */
export async function startTestServer(env: Record<string, string> = {}) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'helpdesk-server-'));
  let drop = async () => {};
  const vars: Record<string, string> = { PORT: '0', HOST: '127.0.0.1', HELPDESK_DATA_DIR: dataDir, ...env };
  if (process.env.TEST_DATABASE_URL && !vars.DATABASE_URL) {
    const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL);
    drop = created.drop;
    vars.DATABASE_URL = created.url;
  }
  const app = await startHelpdesk(loadConfig(vars), createLogger('silent'));
  return {
    app,
    base: `http://127.0.0.1:${app.port}`,
    dataDir,
    async close() {
      await app.close();
      await drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
