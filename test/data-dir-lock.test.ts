// One embedded database, one process: real `node src/main.ts` processes on one data directory. A
// second server, `npm run seed` and `npm run create-admin` are refused with the holder's pid while
// the first runs; SIGTERM releases the lock; after kill -9 the next start takes the stale lock over
// at once and finds every confirmed write. The lock concerns the embedded database only: the
// PostgreSQL run of the suite skips this file.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngine } from './helpers.ts';
import { graphqlAs, run, type Spawned, startServer, stop } from './processes.ts';

const FIRST_START = /FIRST START: created admin/;

// One server's life, told in order (running, refusing others, killed, restarted): not shuffled.
const inOrder = { shuffle: false };

describe.skipIf(testEngine === 'postgresql')('the embedded database is locked to one process', inOrder, () => {
  let dataDir: string;
  const env = () => ({ HELPDESK_DATA_DIR: dataDir });
  const running: Spawned[] = [];
  let first: Awaited<ReturnType<typeof startServer>>;
  let key: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'helpdesk-lock-'));
    first = await startServer(env());
    running.push(first);
    key = JSON.parse(await first.waitFor(FIRST_START)).firstAdmin.apiKey;
  }, 120_000);

  afterAll(async () => {
    for (const spawned of running) await stop(spawned, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a second server on the same directory exits 1, naming the process that holds it', async () => {
    const second = run('src/main.ts', [], { ...env(), PORT: '0', HOST: '127.0.0.1' });
    running.push(second);
    expect(await second.exited).toBe(1);
    const output = second.lines.join('\n');
    expect(output).toContain(`in use by process ${first.child.pid} (node src/main.ts`);
    expect(output).not.toMatch(/helpdesk API listening/);
    // The first one is unharmed.
    expect((await graphqlAs(first.base, key, '{ viewer { __typename } }')).status).toBe(200);
  });

  it('npm run seed and npm run create-admin refuse with the same message, and change nothing', async () => {
    const seed = run('scripts/seed.ts', ['--tickets', '5'], env());
    const admin = run('scripts/create-admin.ts', ['--email', 'second@example.com'], env());
    running.push(seed, admin);
    expect(await seed.exited).toBe(1);
    expect(await admin.exited).toBe(1);
    for (const refused of [seed, admin]) {
      expect(refused.lines.join('\n')).toContain(`in use by process ${first.child.pid}`);
    }
    expect(admin.lines.join('\n')).toMatch(/Stop the server \(kill \d+/);
    const agents = await graphqlAs(first.base, key, '{ agents(first: 10) { totalCount } }');
    expect(agents.body.data.agents.totalCount).toBe(1);
  });

  it('after kill -9 the next start takes the stale lock over at once and keeps every confirmed write', async () => {
    const created = await graphqlAs(
      first.base,
      key,
      'mutation { createBranch(input: { name: "Before the crash" }) { branch { key } userErrors { message } } }',
    );
    expect(created.body.data.createBranch.userErrors).toEqual([]);
    await stop(first, 'SIGKILL');
    expect(existsSync(path.join(dataDir, 'pglite.lock'))).toBe(true); // nobody released it

    const started = performance.now();
    const again = await startServer(env());
    running.push(again);
    expect(performance.now() - started).toBeLessThan(30_000); // not after the 60 s stale period
    const branches = await graphqlAs(again.base, key, '{ branches(first: 10) { nodes { name } } }');
    expect(branches.body.data.branches.nodes.map((b: { name: string }) => b.name)).toContain('Before the crash');
    // The first-start key was shown once: not again.
    expect(again.lines.some((line) => FIRST_START.test(line))).toBe(false);

    // SIGTERM releases the lock: create-admin may now run.
    expect(await stop(again)).toBe(0);
    expect(existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
    const admin = run('scripts/create-admin.ts', ['--email', 'second@example.com'], env());
    running.push(admin);
    expect(await admin.exited).toBe(0);
    expect(admin.lines.at(-1)).toMatch(/^[0-9a-f]{40}$/);
  }, 120_000);
});
