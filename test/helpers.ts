// The app without a socket (createTestApp: `yoga.fetch` on a database of its own), the real server
// on a socket (startServer), and clients for both: GraphQL over HTTP and REST with WSSE.
// Every app and server gets its own database with all migrations applied, copied from the run's
// template (test/database.ts): a PGlite directory by default, or a database on the PostgreSQL
// server named by TEST_DATABASE_URL (dropped after).
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type DocumentNode, print } from 'graphql';
import { Redis } from 'ioredis';
import wsse from 'wsse';
import { type App, type AppOptions, createApp } from '../src/app.ts';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { secretBox } from '../src/auth/secret-box.ts';
import { loadConfig } from '../src/config.ts';
import type { Database } from '../src/db/database.ts';
import { createLogger, type Logger } from '../src/logger.ts';
import { createHttpServer } from '../src/server.ts';
import { startHelpdesk } from '../src/start.ts';
import { filesystemBlobStore } from '../src/storage/blob-store.ts';
import type { HelpdeskYoga } from '../src/yoga.ts';
import { copyPgliteTemplate, createPostgresDatabase, openTestDatabase } from './database.ts';
import type { ResultOf, TadaDocumentNode, VariablesOf } from './graphql.ts';

export { createPostgresDatabase, openTestDatabase, testEngine } from './database.ts';

/** The Redis server of tests that share state through Redis (TEST_REDIS_URL). */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether that server answers within a second. */
export async function redisReachable() {
  const probe = new Redis(testRedisUrl, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

export interface GraphQLResponse<T = unknown> {
  status: number;
  headers: Headers;
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown>; path?: (string | number)[] }[];
  /** Response extensions (the query's cost, ...). */
  extensions?: Record<string, unknown>;
}

export interface GqlOptions {
  /** API key sent as Bearer; null for none. Defaults to the admin's. */
  key?: string | null;
  headers?: Record<string, string>;
}

/** A document from graphql() (test/graphql.ts), typed against schema.graphql. */
export type TypedDocument = TadaDocumentNode<any, any>;

/** Variables are optional only when the document has no required ones. */
export type GqlArgs<D extends TypedDocument> =
  // biome-ignore lint/complexity/noBannedTypes: `{}` is what an all-optional variables type accepts
  {} extends VariablesOf<D>
    ? [variables?: VariablesOf<D>, options?: GqlOptions]
    : [variables: VariablesOf<D>, options?: GqlOptions];

/**
 * GraphQL over HTTP as a client sends it. A typed document gives typed variables and data. A
 * string is the untyped path, for what cannot be typed against the schema: documents that are
 * invalid on purpose (the limits, fuzz and GraphQL-over-HTTP tests) or built at run time; its data
 * is whatever `T` says.
 */
export interface Gql {
  <T = any>(query: string, variables?: Record<string, unknown>, options?: GqlOptions): Promise<GraphQLResponse<T>>;
  <D extends TypedDocument>(document: D, ...args: GqlArgs<D>): Promise<GraphQLResponse<ResultOf<D>>>;
}

const printed = new WeakMap<DocumentNode, string>();
/** The text sent for a document: a string as it is, a typed document printed (once). */
export function queryText(document: DocumentNode | string): string {
  if (typeof document === 'string') return document;
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

type Fetcher = (input: string, init: RequestInit) => Response | Promise<Response>;

/** A Gql sending to `url` through `fetcher`, with `defaultKey` unless a call names its own. */
export function gqlClient(fetcher: Fetcher, url: string, defaultKey: string | null): Gql {
  return ((document: DocumentNode | string, variables?: Record<string, unknown>, options: GqlOptions = {}) =>
    requestGraphQL(fetcher, url, document, variables, {
      ...options,
      key: options.key === undefined ? defaultKey : options.key,
    })) as Gql;
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
  gql: Gql;
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
    gql: gqlClient((input, init) => yoga.fetch(input, init), 'http://localhost/graphql', adminKey),
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
 * Sends one GraphQL request as a client does (POST, JSON, Bearer key when given) and reads the
 * answer: status, headers, data and errors.
 */
export async function requestGraphQL(
  fetcher: Fetcher,
  url: string,
  document: DocumentNode | string,
  variables?: Record<string, unknown>,
  options: GqlOptions = {},
): Promise<GraphQLResponse<unknown>> {
  const response = await fetcher(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query: queryText(document), variables }),
  });
  const text = await response.text();
  let body: Omit<GraphQLResponse, 'status' | 'headers'> = {};
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  return { status: response.status, headers: response.headers, ...body };
}

/** GraphQL over HTTP against a running server (`base` is its origin), with no key unless given one. */
export const graphqlOverHttp = (base: string, key: string | null = null): Gql =>
  gqlClient(fetch, `${base}/graphql`, key);

export interface RestCallOptions {
  /** JSON body. */
  body?: unknown;
  /** application/x-www-form-urlencoded body, as sent (PHP clients' bracket keys and all). */
  form?: string;
  headers?: Record<string, string>;
  /** WSSE user name and API key; no WSSE header without both. */
  email?: string;
  key?: string;
}

export interface RestResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, undefined when it is not JSON. */
  json: any;
}

/** The X-WSSE and Authorization headers DiamanteDesk clients send: a fresh UsernameToken each time. */
export function wsseHeaders(email: string, key: string) {
  const token = wsse({ username: email, password: key });
  return { 'X-WSSE': token.getWSSEHeader({ nonceBase64: true }), Authorization: 'WSSE profile="UsernameToken"' };
}

/** One REST request as DiamanteDesk clients make it: WSSE (when email and key are given), JSON or form body. */
export async function callRest(
  origin: string,
  method: string,
  pathname: string,
  options: RestCallOptions = {},
): Promise<RestResponse> {
  const headers: Record<string, string> = {
    ...(options.email && options.key ? wsseHeaders(options.email, options.key) : {}),
    ...options.headers,
  };
  let body: string | undefined;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = 'application/json';
  } else if (options.form !== undefined) {
    body = options.form;
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
  }
  const response = await fetch(`${origin}${pathname}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** A data directory and database for one server, ready to be started (and restarted) on. */
export interface ServerStorage {
  dataDir: string;
  /** The PostgreSQL database on a TEST_DATABASE_URL run. */
  databaseUrl?: string;
  /** True when the database already has every migration (copied from the run's template). */
  migrated: boolean;
  /** Configuration variables that point a server at this storage. */
  env: Record<string, string>;
  /** Removes the data directory and drops the database. */
  remove(): Promise<void>;
}

/**
 * A fresh data directory and, on a PostgreSQL run, a database of its own; `database: 'migrated'`
 * (default) copies the run's migrated template into it, `'empty'` leaves the migrations to the
 * server's start (HELPDESK_AUTO_MIGRATE), as on a first `npm start`.
 */
export async function createServerStorage(
  options: { database?: 'migrated' | 'empty'; prefix?: string } = {},
): Promise<ServerStorage> {
  const dataDir = await mkdtemp(path.join(tmpdir(), options.prefix ?? 'helpdesk-server-'));
  const env: Record<string, string> = { HELPDESK_DATA_DIR: dataDir };
  let drop = async () => {};
  let databaseUrl: string | undefined;
  let migrated = false;
  const wantMigrated = options.database !== 'empty';
  if (process.env.TEST_DATABASE_URL) {
    const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL, { template: wantMigrated });
    drop = created.drop;
    env.DATABASE_URL = databaseUrl = created.url;
    migrated = created.migrated;
  } else if (wantMigrated) {
    // The path start.ts opens: <data directory>/pglite.
    migrated = (await copyPgliteTemplate('migrated', path.join(dataDir, 'pglite'))) !== undefined;
  }
  return {
    dataDir,
    databaseUrl,
    migrated,
    env,
    async remove() {
      await drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export const TEST_ADMIN = { email: 'admin@example.com', key: 'abcdefabcdefabcdefabcdefabcdefabcdef0123' };

export interface StartServerOptions {
  /** Configuration variables added to or overriding the test defaults. */
  env?: Record<string, string>;
  /** Admin agent created at start from HELPDESK_ADMIN_EMAIL/HELPDESK_ADMIN_API_KEY; false for none. */
  admin?: { email: string; key: string } | false;
  /** 'migrated' (default) or 'empty': see createServerStorage. Ignored with `storage`. */
  database?: 'migrated' | 'empty';
  /** Start on this storage (a restart); it is left in place on close. */
  storage?: ServerStorage;
  logger?: Logger;
}

export type TestServer = Awaited<ReturnType<typeof startServer>>;

/**
 * The real server on a socket (port 0, loopback) through the same start path as `npm start`, on
 * storage of its own. `graphql` and `rest` call it as clients do, as the admin unless told otherwise.
 * Migrations run at start only on an empty database: the template copy has them already.
 */
export async function startServer(options: StartServerOptions = {}) {
  const own = options.storage ? undefined : await createServerStorage({ database: options.database });
  const storage = (options.storage ?? own)!;
  const admin = options.admin === undefined ? TEST_ADMIN : options.admin;
  const vars: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    ...(storage.migrated ? { HELPDESK_AUTO_MIGRATE: '0' } : {}),
    ...(admin ? { HELPDESK_ADMIN_EMAIL: admin.email, HELPDESK_ADMIN_API_KEY: admin.key } : {}),
    ...storage.env,
    ...options.env,
  };
  let app: Awaited<ReturnType<typeof startHelpdesk>>;
  try {
    app = await startHelpdesk(loadConfig(vars), options.logger ?? createLogger('silent'));
  } catch (error) {
    await own?.remove();
    throw error;
  }
  const base = `http://127.0.0.1:${app.port}`;
  const adminKey = admin ? admin.key : null;
  const graphql = graphqlOverHttp(base, adminKey);
  return {
    app,
    port: app.port,
    base,
    /** Same as base (the REST tests' name for it). */
    origin: base,
    dataDir: storage.dataDir,
    databaseUrl: storage.databaseUrl,
    storage,
    graphql,
    /** Same as graphql: the name TestApp has, so the factories in fixtures.ts take either. */
    gql: graphql,
    rest: (method: string, pathname: string, callOptions: RestCallOptions = {}) =>
      callRest(base, method, pathname, admin ? { email: admin.email, key: admin.key, ...callOptions } : callOptions),
    async close() {
      await app.close();
      await own?.remove();
    },
  };
}

/**
 * The real server with `env` added to or overriding configuration variables; no admin unless
 * `env` names one. (Older name; startServer offers more.)
 */
export async function startTestServer(env: Record<string, string> = {}) {
  return startServer({ env, admin: false });
}

/**
 * A clock for `createTestApp({ now })`: it stands still at `start` until set or advanced, so
 * rules that depend on the time (monthly allowances, expiry, freshness) give the same answer
 * whenever the test runs.
 */
export function testClock(start: Date | string | number = Date.now()) {
  let current = new Date(start).getTime();
  const clock = () => current;
  return Object.assign(clock, {
    set(time: Date | string | number) {
      current = new Date(time).getTime();
    },
    advance(ms: number) {
      current += ms;
    },
  });
}

/**
 * A TestApp on a socket (port 0, loopback) through the server's own request handling, for what
 * `yoga.fetch` does not reach (downloads, REST) with the app's options (a pinned clock...).
 */
export async function serveTestApp(app: TestApp) {
  const server = createHttpServer({ ...app.app, db: app.db, logger: createLogger('silent') });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    base,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
