// HELPDESK_WORKERS: several server processes on one PostgreSQL database (src/cluster.ts), run as an
// operator runs them. Requests spread over the workers, a count one worker cached is dropped when
// another worker writes, /metrics adds the workers up, and the workers go when the primary goes.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createPostgresDatabase, testEngine } from './helpers.ts';
import { startServer, stop } from './processes.ts';

const ADMIN_KEY = 'c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1c1';

/** Pids of the processes whose parent is `pid`. */
function children(pid: number) {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('HELPDESK_WORKERS on the embedded database', () => {
  it('is refused: PGlite serves one process', () => {
    expect(() => loadConfig({ HELPDESK_WORKERS: '2' })).toThrow(/HELPDESK_WORKERS=2 needs DATABASE_URL/);
    expect(loadConfig({}).workers).toBe(1);
  });
});

/** A primary with two workers on a fresh database, once both listen. */
async function startCluster() {
  const database = await createPostgresDatabase(process.env.TEST_DATABASE_URL!, { template: true });
  const server = await startServer({
    DATABASE_URL: database.url,
    HELPDESK_WORKERS: '2',
    HELPDESK_ADMIN_EMAIL: 'cluster@example.com',
    HELPDESK_ADMIN_API_KEY: ADMIN_KEY,
    HELPDESK_METRICS: '1',
    HELPDESK_RATE_LIMIT: '0',
  });
  await server.waitFor(/helpdesk API listening/);
  for (let i = 0; i < 100 && server.lines.filter((l) => l.includes('helpdesk API listening')).length < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { database, server };
}

/** A cluster of the describe block's own, started before its tests and stopped after them. */
function useCluster() {
  const cluster = {} as Awaited<ReturnType<typeof startCluster>>;
  beforeAll(async () => {
    Object.assign(cluster, await startCluster());
  });
  afterAll(async () => {
    if (cluster.server) await stop(cluster.server);
    await cluster.database?.drop();
  });
  return cluster;
}

describe.skipIf(testEngine !== 'postgresql')('two server workers on one PostgreSQL', () => {
  const cluster = useCluster();

  /** One request on a connection of its own: the primary hands connections to workers in turn. */
  const graphql = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(`${cluster.server.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}`, connection: 'close' },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    return body.data;
  };

  it('runs two workers under the primary', () => {
    expect(children(cluster.server.child.pid!)).toHaveLength(2);
  });

  it('a ticket created through one worker is counted at once by both', async () => {
    const branch = (await graphql('mutation { createBranch(input: {name: "Cluster", key: "CLU"}) { branch { id } } }'))
      .createBranch.branch.id;
    const total = async () =>
      (await graphql('query($b: ID) { tickets(first: 1, filter: {branch: $b}) { totalCount } }', { b: branch })).tickets
        .totalCount as number;
    // Each worker counts and keeps the count.
    expect(await Promise.all([total(), total(), total(), total()])).toEqual([0, 0, 0, 0]);
    for (let i = 1; i <= 3; i++) {
      await graphql(
        'mutation($b: ID!) { createTicket(input: {branch: $b, subject: "s", description: "d"}) { ticket { key } } }',
        { b: branch },
      );
      // Whichever worker took the write, no worker answers with the count it had kept.
      expect(await Promise.all([total(), total(), total(), total()])).toEqual([i, i, i, i]);
    }
  });

  it('/metrics counts the statements of both workers', async () => {
    const statements = async () => {
      const text = await (await fetch(`${cluster.server.base}/metrics`, { headers: { connection: 'close' } })).text();
      return Number(/^helpdesk_sql_statements_total (\d+)$/m.exec(text)?.[1]);
    };
    const before = await statements();
    // Ten requests over both workers, two statements each at least (the key, the list).
    await Promise.all(Array.from({ length: 10 }, () => graphql('{ tickets(first: 1) { nodes { key } } }')));
    expect((await statements()) - before).toBeGreaterThanOrEqual(20);
  });
});

// Its own cluster: CI shuffles the tests of a file, and this one ends the server.
describe.skipIf(testEngine !== 'postgresql')('a cluster whose primary is killed', () => {
  const cluster = useCluster();

  it('the workers stop when the primary is killed, even with SIGKILL', async () => {
    const workers = children(cluster.server.child.pid!);
    expect(workers).toHaveLength(2);
    await stop(cluster.server, 'SIGKILL');
    for (let i = 0; i < 100 && workers.some(alive); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(workers.filter(alive)).toEqual([]);
  });
});
