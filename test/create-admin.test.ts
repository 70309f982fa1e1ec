// `npm run create-admin` as an operator runs it (a real process), on both engines: a new admin, then a
// new key for the same admin, each printed alone on the last line, both working against the server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { startHelpdesk } from '../src/start.ts';
import { createPostgresDatabase } from './helpers.ts';
import { graphqlAs, run } from './processes.ts';

describe('npm run create-admin', () => {
  let env: Record<string, string>;
  let drop = async () => {};

  beforeAll(async () => {
    env = { HELPDESK_DATA_DIR: await mkdtemp(path.join(tmpdir(), 'helpdesk-create-admin-')) };
    if (process.env.TEST_DATABASE_URL) {
      const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL);
      env.DATABASE_URL = created.url;
      env.HELPDESK_SECRET_KEY = 'ab'.repeat(32);
      drop = created.drop;
    }
  });
  afterAll(async () => {
    await drop();
    await rm(env.HELPDESK_DATA_DIR!, { recursive: true, force: true });
  });

  const createAdmin = async (...args: string[]) => {
    const spawned = run('scripts/create-admin.ts', args, env);
    return { code: await spawned.exited, lines: spawned.lines };
  };

  it('makes an admin, then another key for them; the key is the last line; both sign in', async () => {
    const made = await createAdmin('--email', 'Ada@Example.org', '--name', 'Ada Lovelace');
    expect(made.code, made.lines.join('\n')).toBe(0);
    expect(made.lines.join('\n')).toContain('Created admin ada@example.org');
    const first = made.lines.at(-1)!;
    expect(first).toMatch(/^[0-9a-f]{40}$/);

    const again = await createAdmin('--email', 'ada@example.org');
    expect(again.code).toBe(0);
    expect(again.lines.join('\n')).toContain('already an admin');
    const second = again.lines.at(-1)!;
    expect(second).toMatch(/^[0-9a-f]{40}$/);
    expect(second).not.toBe(first);

    const app = await startHelpdesk(loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1' }), createLogger('silent'));
    try {
      const base = `http://127.0.0.1:${app.port}`;
      for (const key of [first, second]) {
        const me = await graphqlAs(base, key, '{ viewer { ... on Agent { email name role } } }');
        expect(me.body.data.viewer).toEqual({ email: 'ada@example.org', name: 'Ada Lovelace', role: 'ADMIN' });
      }
    } finally {
      await app.close();
    }
  });

  it('refuses a bad email (exit 1) and a missing --email (exit 2, with the usage)', async () => {
    const bad = await createAdmin('--email', 'not-an-email');
    expect(bad.code).toBe(1);
    expect(bad.lines.join('\n')).toContain('email is not a valid address');
    const missing = await createAdmin();
    expect(missing.code).toBe(2);
    expect(missing.lines.join('\n')).toContain('Usage: npm run create-admin');
  });
});
