// The real server on a socket: probes, GraphQL, GraphiQL, admin bootstrap and graceful shutdown.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { startServer, type TestServer, testEngine } from './helpers.ts';

const adminKey = '0123456789abcdef0123456789abcdef01234567';

describe('HTTP server', () => {
  let server: TestServer;
  let app: TestServer['app'];
  let base: string;
  let dataDir: string;

  beforeAll(async () => {
    // An empty database, as on a first `npm start`: the server applies the migrations itself.
    server = await startServer({
      database: 'empty',
      admin: { email: 'root@example.com', key: adminKey },
      env: { HELPDESK_METRICS: '1' },
      logger: createLogger('error'),
    });
    ({ app, base, dataDir } = server);
  });

  afterAll(() => server?.close());

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

  // The key file does not depend on the database engine: checked once, in the PGlite run.
  it.skipIf(testEngine !== 'pglite')('keeps the generated server key private to its owner', async () => {
    const info = await stat(path.join(dataDir, 'secret.key'));
    expect(info.mode & 0o077).toBe(0);
  });

  it('finishes an in-flight request when asked to stop, then refuses new connections', async () => {
    // A server of its own: this one is stopped.
    const stopping = await startServer();
    try {
      const arrived = new Promise((resolve) => stopping.app.server.once('request', resolve));
      const inFlight = stopping.graphql('{ branches { totalCount } }');
      await arrived;
      const closing = stopping.app.close();
      const response = await inFlight;
      expect(response.status).toBe(200);
      await closing;
      await expect(fetch(`${stopping.base}/healthz`)).rejects.toThrow();
    } finally {
      await stopping.close();
    }
  });
});
