// The real server on a socket: probes, GraphQL, GraphiQL, admin bootstrap and graceful shutdown.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { startHelpdesk } from '../src/start.ts';
import { createPostgresDatabase } from './helpers.ts';

const adminKey = '0123456789abcdef0123456789abcdef01234567';

describe('HTTP server', () => {
  let app: Awaited<ReturnType<typeof startHelpdesk>>;
  let base: string;
  let dataDir: string;
  let dropDatabase = async () => {};

  const env = async () => {
    const vars: Record<string, string> = {
      PORT: '0',
      HOST: '127.0.0.1',
      HELPDESK_DATA_DIR: dataDir,
      HELPDESK_ADMIN_EMAIL: 'root@example.com',
      HELPDESK_ADMIN_API_KEY: adminKey,
      HELPDESK_METRICS: '1',
    };
    if (process.env.TEST_DATABASE_URL) {
      const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL);
      dropDatabase = created.drop;
      vars.DATABASE_URL = created.url;
    }
    return vars;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'helpdesk-server-'));
    app = await startHelpdesk(loadConfig(await env()), createLogger('error'));
    base = `http://127.0.0.1:${app.port}`;
  });

  afterAll(async () => {
    await app?.close();
    await dropDatabase();
    await rm(dataDir, { recursive: true, force: true });
  });

  const graphql = (query: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query }),
    });

  it('answers { __typename } on /graphql', async () => {
    const response = await graphql('{ __typename }');
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('serves GraphiQL to a browser', async () => {
    const response = await fetch(`${base}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('GraphiQL');
  });

  it('reports liveness and readiness', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });

  it('serves /metrics when HELPDESK_METRICS=1: a growing statement counter and the RSS', async () => {
    const read = async () => {
      const text = await (await fetch(`${base}/metrics`)).text();
      return {
        statements: Number(/^helpdesk_sql_statements_total (\d+)$/m.exec(text)?.[1]),
        rss: Number(/^process_resident_memory_bytes (\d+)$/m.exec(text)?.[1]),
      };
    };
    const before = await read();
    await graphql('{ branches { totalCount } }', { authorization: `Bearer ${adminKey}` });
    const after = await read();
    expect(after.statements).toBeGreaterThan(before.statements);
    expect(after.rss).toBeGreaterThan(10_000_000);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const response = await fetch(`${base}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: 'No route for GET /nope' });
  });

  it('created the admin agent from HELPDESK_ADMIN_EMAIL / HELPDESK_ADMIN_API_KEY', async () => {
    const agent = await app.db.prisma.agent.findUnique({ where: { email: 'root@example.com' } });
    expect(agent?.role).toBe('ADMIN');
    const created = await graphql(
      'mutation { createBranch(input: {name: "Boot"}) { branch { key } userErrors { code } } }',
      {
        authorization: `Bearer ${adminKey}`,
      },
    );
    expect(await created.json()).toMatchObject({ data: { createBranch: { branch: { key: 'BOOT' }, userErrors: [] } } });
  });

  it('refuses a wrong API key with 401 and WWW-Authenticate', async () => {
    const response = await graphql('{ __typename }', { authorization: `Bearer ${'f'.repeat(40)}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('WSSE realm="helpdesk", profile="UsernameToken"');
  });

  it('keeps the generated server key private to its owner', async () => {
    if (process.env.TEST_DATABASE_URL) return; // same file either way; checked once on PGlite
    const info = await stat(path.join(dataDir, 'secret.key'));
    expect(info.mode & 0o077).toBe(0);
  });

  it('finishes an in-flight request when asked to stop, then refuses new connections', async () => {
    const arrived = new Promise((resolve) => app.server.once('request', resolve));
    const inFlight = graphql('{ branches { totalCount } }', { authorization: `Bearer ${adminKey}` });
    await arrived;
    const closing = app.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    await closing;
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
