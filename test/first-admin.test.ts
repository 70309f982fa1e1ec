// How a fresh install hands out its first credential (README, "Your first API key"), through the
// same start path as `npm start`, on both engines: the first start of an empty database logs one
// marked line with an admin's email and key, never again; HELPDESK_ADMIN_EMAIL +
// HELPDESK_ADMIN_API_KEY for an existing admin adds the key; what cannot be made true refuses to start.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startHelpdesk } from '../src/start.ts';
import { createPostgresDatabase } from './helpers.ts';
import { graphqlAs } from './processes.ts';

interface LogLine {
  level: number;
  msg: string;
  firstAdmin?: { email: string; apiKey: string };
}

describe('the first credential', () => {
  let dataDir: string;
  let databaseUrl: string | undefined;
  let drop = async () => {};

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'helpdesk-first-'));
    if (process.env.TEST_DATABASE_URL) {
      const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL);
      databaseUrl = created.url;
      drop = created.drop;
    }
  });
  afterEach(async () => {
    await drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Starts, collects the log, stops; `use` runs while it listens. */
  async function start(env: Record<string, string> = {}, use?: (base: string, log: LogLine[]) => Promise<void>) {
    const lines: LogLine[] = [];
    const logger = pino(
      { level: 'info', base: undefined },
      { write: (line: string) => void lines.push(JSON.parse(line)) },
    );
    const vars = { PORT: '0', HOST: '127.0.0.1', HELPDESK_DATA_DIR: dataDir, ...env };
    const app = await startHelpdesk(loadConfig(databaseUrl ? { ...vars, DATABASE_URL: databaseUrl } : vars), logger);
    try {
      await use?.(`http://127.0.0.1:${app.port}`, lines);
    } finally {
      await app.close();
    }
    return lines;
  }

  const whoAmI = '{ viewer { __typename ... on Agent { email role } } }';

  it('on an empty database: one marked line with the admin and a working key, and never again', async () => {
    let key = '';
    await start({}, async (base, log) => {
      const marked = log.filter((line) => line.msg.startsWith('FIRST START'));
      expect(marked).toHaveLength(1);
      key = marked[0]!.firstAdmin!.apiKey;
      expect(key).toMatch(/^[0-9a-f]{40}$/);
      expect(marked[0]!.msg).toContain(`admin@example.com with API key ${key}`);
      expect(marked[0]!.msg).toContain('Your first API key');
      const me = await graphqlAs(base, key, whoAmI);
      expect(me.body.data.viewer).toEqual({ __typename: 'Agent', email: 'admin@example.com', role: 'ADMIN' });
    });
    const again = await start({}, async (base) => {
      expect((await graphqlAs(base, key, whoAmI)).status).toBe(200);
    });
    expect(again.some((line) => line.msg.startsWith('FIRST START') || line.firstAdmin)).toBe(false);
    expect(again.some((line) => line.msg.startsWith('No admin can sign in'))).toBe(false);
  });

  it('HELPDESK_ADMIN_EMAIL of an existing admin with a new key: adds it, says so, both keys work', async () => {
    const first = 'a'.repeat(40);
    const second = 'b'.repeat(40);
    const made = await start({ HELPDESK_ADMIN_EMAIL: 'ops@example.com', HELPDESK_ADMIN_API_KEY: first });
    expect(made.some((line) => line.msg === 'created admin agent from HELPDESK_ADMIN_EMAIL')).toBe(true);
    expect(made.some((line) => line.msg.startsWith('FIRST START'))).toBe(false);
    const added = await start(
      { HELPDESK_ADMIN_EMAIL: 'ops@example.com', HELPDESK_ADMIN_API_KEY: second },
      async (base) => {
        for (const key of [first, second]) {
          expect((await graphqlAs(base, key, whoAmI)).body.data.viewer.email).toBe('ops@example.com');
        }
      },
    );
    expect(added.filter((line) => /was not a key of this existing admin: added it/.test(line.msg))).toHaveLength(1);
    const same = await start({ HELPDESK_ADMIN_EMAIL: 'ops@example.com', HELPDESK_ADMIN_API_KEY: second });
    expect(same.some((line) => /added it/.test(line.msg))).toBe(false);
  });

  it('refuses to start when the variables cannot be made true: not an admin, revoked key, someone else’s key', async () => {
    const key = 'c'.repeat(40);
    let firstKey = '';
    await start({}, async (base, log) => {
      firstKey = log.find((line) => line.firstAdmin)!.firstAdmin!.apiKey;
      const agent = await graphqlAs(
        base,
        firstKey,
        'mutation { createAgent(input: { email: "agent@example.com", firstName: "Al" }) { userErrors { message } } }',
      );
      expect(agent.body.data.createAgent.userErrors).toEqual([]);
    });
    const refusal = (env: Record<string, string>) =>
      start(env).then(
        () => 'started',
        (error: Error) => error.message,
      );
    expect(await refusal({ HELPDESK_ADMIN_EMAIL: 'agent@example.com', HELPDESK_ADMIN_API_KEY: key })).toMatch(
      /names agent@example.com, who is an agent, not an admin/,
    );
    expect(await refusal({ HELPDESK_ADMIN_EMAIL: 'ops@example.com', HELPDESK_ADMIN_API_KEY: firstKey })).toMatch(
      /already in use by another person/,
    );
    // A key revoked through the API is not brought back by the environment.
    await start({ HELPDESK_ADMIN_EMAIL: 'admin@example.com', HELPDESK_ADMIN_API_KEY: key }, async (base) => {
      const keys = await graphqlAs(base, key, '{ viewer { ... on Agent { apiKeys { id label } } } }');
      const id = keys.body.data.viewer.apiKeys.find((k: { label: string }) => k.label === 'HELPDESK_ADMIN_API_KEY').id;
      const revoked = await graphqlAs(
        base,
        firstKey,
        `mutation { revokeApiKey(input: { id: "${id}" }) { userErrors { message } } }`,
      );
      expect(revoked.body.data.revokeApiKey.userErrors).toEqual([]);
    });
    expect(await refusal({ HELPDESK_ADMIN_EMAIL: 'admin@example.com', HELPDESK_ADMIN_API_KEY: key })).toMatch(
      /was revoked for admin@example.com/,
    );
  });
});
