// A real server for REST tests, and a WSSE client (the npm `wsse` package) to call it with.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import wsse from 'wsse';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { startHelpdesk } from '../src/start.ts';
import { createPostgresDatabase } from './helpers.ts';

export const ADMIN_EMAIL = 'admin@example.com';
export const ADMIN_KEY = 'abcdefabcdefabcdefabcdefabcdefabcdef0123';

/** A server on a fresh database; `extraEnv` adds or overrides configuration (limits, tables...). */
export async function startRestServer(extraEnv: Record<string, string> = {}) {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'helpdesk-rest-'));
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    HELPDESK_DATA_DIR: dataDir,
    HELPDESK_ADMIN_EMAIL: ADMIN_EMAIL,
    HELPDESK_ADMIN_API_KEY: ADMIN_KEY,
    HELPDESK_RATE_LIMIT: '0',
    ...extraEnv,
  };
  let drop = async () => {};
  if (process.env.TEST_DATABASE_URL) {
    const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL);
    drop = created.drop;
    env.DATABASE_URL = created.url;
  }
  const app = await startHelpdesk(loadConfig(env), createLogger('silent'));
  const origin = `http://127.0.0.1:${app.port}`;

  /** Calls the API as DiamanteDesk clients do: a fresh WSSE token per request. */
  async function call(
    method: string,
    pathname: string,
    options: { body?: unknown; form?: string; headers?: Record<string, string>; email?: string; key?: string } = {},
  ) {
    const token = wsse({ username: options.email ?? ADMIN_EMAIL, password: options.key ?? ADMIN_KEY });
    const headers: Record<string, string> = {
      'X-WSSE': token.getWSSEHeader({ nonceBase64: true }),
      Authorization: 'WSSE profile="UsernameToken"',
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

  /** GraphQL as the admin (Bearer), for set-up the REST paths do not offer; errors fail the test. */
  async function graphql(query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    const result = (await response.json()) as { data?: any; errors?: { message: string }[] };
    if (result.errors?.length) throw new Error(`GraphQL failed: ${result.errors.map((e) => e.message).join('; ')}`);
    return result.data;
  }

  return {
    app,
    origin,
    call,
    graphql,
    async close() {
      await app.close();
      await drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
