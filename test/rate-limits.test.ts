// Rate limits an attacker cannot multiply: failed authentications per client address, one request
// budget per person (all keys and download links together), a cap on keys per person, and
// budgets kept in a store every instance shares (PostgreSQL or Redis), so N instances give a
// caller one budget, not N. Plus: the gate answers a clean 503, never a stack, when the
// database is down.
import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../src/app.ts';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { secretBox } from '../src/auth/secret-box.ts';
import { loadConfig } from '../src/config.ts';
import { type Database, openDatabase } from '../src/db/database.ts';
import { addressKey } from '../src/http/rate-limit.ts';
import { createLogger } from '../src/logger.ts';
import { createHttpServer } from '../src/server.ts';
import { filesystemBlobStore } from '../src/storage/blob-store.ts';
import { createCustomer } from './fixtures.ts';
import {
  createPostgresDatabase,
  createTestApp,
  ok,
  openTestDatabase,
  redisReachable,
  type TestApp,
  testEngine,
  testRedisUrl,
} from './helpers.ts';

const logger = createLogger('silent');
const VIEWER = JSON.stringify({ query: '{ viewer { __typename } }' });
const uniquePrefix = () => `test-${randomBytes(6).toString('hex')}`;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

/** A real HTTP request, from a chosen loopback address (127.0.0.x) when asked. */
function send(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; from?: string } = {},
) {
  return new Promise<Answer>((resolve, reject) => {
    const url = new URL(path, base);
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: options.method ?? 'GET',
        headers: { ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
        localAddress: options.from,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

async function listen(app: App, db: Database) {
  const server = createHttpServer({ ...app, db, logger });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
const stop = (server: Server | undefined) =>
  new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));

const graphql = (base: string, headers: Record<string, string>, from?: string) =>
  send(base, '/graphql', { method: 'POST', headers, body: VIEWER, from });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

function expectNoInternals(text: string) {
  expect(text).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules|\/src\/|SELECT|INSERT|prisma|PGlite|ECONNREFUSED/i);
}

describe('client addresses', () => {
  it('count IPv4 as is, IPv4-mapped IPv6 as IPv4, IPv6 per /64', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64');
    expect(addressKey('2001:db8:0:1:bbbb:cccc:dddd:eeee')).toBe('2001:db8:0:1::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });
});

describe('failed authentications per client address', () => {
  let app: TestApp;
  let server: Server | undefined;
  let base: string;

  beforeAll(async () => {
    app = await createTestApp({ authFailuresPerMinute: 5, rateLimitPerMinute: 1000 });
    ({ server, base } = await listen(app.app, app.db));
  });
  afterAll(async () => {
    await stop(server);
    await app?.close();
  });

  it('answers 401 five times, then 429 with Retry-After, even to a correct key, from that address only', async () => {
    for (let i = 0; i < 5; i++) {
      const refused = await graphql(base, bearer(randomBytes(20).toString('hex')), '127.0.0.2');
      expect(refused.status).toBe(401);
    }
    const blocked = await graphql(base, bearer(randomBytes(20).toString('hex')), '127.0.0.2');
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(blocked.json.error).toBeUndefined(); // a GraphQL response: errors only
    expect(blocked.json.errors[0].message).toMatch(/Too many failed authentications.*retry in \d+ s/);
    expect(blocked.json.errors[0].extensions.code).toBe('TOO_MANY_FAILED_AUTHENTICATIONS');

    // While blocked, a correct key is refused too (no oracle).
    expect((await graphql(base, bearer(app.adminKey), '127.0.0.2')).status).toBe(429);
    // Over REST and downloads as well: one gate.
    const rest = await send(base, '/api/rest/latest/desk/branches', {
      headers: bearer(app.adminKey),
      from: '127.0.0.2',
    });
    expect(rest.status).toBe(429);
    expect(rest.json.error).toMatch(/Too many failed authentications/);
    const download = await send(base, `/desk/attachments/download/file/${'0'.repeat(64)}?token=nonsense`, {
      from: '127.0.0.2',
    });
    expect(download.status).toBe(429);

    // Another address is not affected.
    expect((await graphql(base, bearer(app.adminKey), '127.0.0.3')).status).toBe(200);
    expect((await graphql(base, bearer(randomBytes(20).toString('hex')), '127.0.0.3')).status).toBe(401);
  });

  it('counts bad WSSE headers, bad Basic credentials and bad download tokens alike', async () => {
    const from = '127.0.0.4';
    const badWsse = `UsernameToken Username="admin@example.com", PasswordDigest="${randomBytes(20).toString('base64')}", Nonce="${randomBytes(16).toString('base64')}", Created="${new Date().toISOString()}"`;
    expect((await graphql(base, { 'x-wsse': badWsse }, from)).status).toBe(401);
    expect(
      (
        await graphql(
          base,
          { authorization: `Basic ${Buffer.from(`admin@example.com:${'f'.repeat(40)}`).toString('base64')}` },
          from,
        )
      ).status,
    ).toBe(401);
    for (let i = 0; i < 3; i++) {
      const bad = await send(base, `/desk/attachments/download/file/${'0'.repeat(64)}?token=nonsense`, { from });
      expect(bad.status).toBe(401);
      expect(bad.json).toEqual({ error: expect.stringMatching(/^Malformed download token\. /) }); // then how to get a key
    }
    expect((await graphql(base, bearer(app.adminKey), from)).status).toBe(429);
  });

  it('holds for attempts sent all at once: 5 answers 401, the rest 429, a correct key among them too', async () => {
    const from = '127.0.0.8';
    const guesses = Array.from({ length: 40 }, (_, i) => (i === 30 ? app.adminKey : randomBytes(20).toString('hex')));
    const answers = await Promise.all(guesses.map((key) => graphql(base, bearer(key), from)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(5);
    expect(statuses.filter((status) => status === 429)).toHaveLength(statuses[30] === 200 ? 34 : 35);
    expect((await graphql(base, bearer(app.adminKey), from)).status).toBe(429);
  });

  it('does not count anonymous requests, and lets anonymous ones through', async () => {
    for (let i = 0; i < 8; i++) {
      const anonymous = await send(base, '/graphql', {
        method: 'POST',
        body: JSON.stringify({ query: '{ __typename }' }),
        from: '127.0.0.5',
      });
      expect(anonymous.status).toBe(200);
    }
    expect((await graphql(base, bearer(app.adminKey), '127.0.0.5')).status).toBe(200);
  });

  it('is on by default in the configuration: 30 a minute', () => {
    expect(loadConfig({}).authFailuresPerMinute).toBe(30);
    expect(loadConfig({ HELPDESK_AUTH_FAILURES_PER_MINUTE: '0' }).authFailuresPerMinute).toBe(0);
    expect(() => loadConfig({ HELPDESK_AUTH_FAILURES_PER_MINUTE: 'many' })).toThrow(
      /HELPDESK_AUTH_FAILURES_PER_MINUTE/,
    );
  });
});

describe('one request budget per person', () => {
  let app: TestApp;
  let server: Server | undefined;
  let base: string;

  beforeAll(async () => {
    app = await createTestApp({ rateLimitPerMinute: 3 });
    ({ server, base } = await listen(app.app, app.db));
  });
  afterAll(async () => {
    await stop(server);
    await app?.close();
  });

  it('shares one budget between all the keys of a person', async () => {
    const customer = await createCustomer(app, 'budget@example.com');
    const first = (await issueApiKey(app.db.prisma, app.box, { customerId: customer.internalId })).secret;
    const second = (await issueApiKey(app.db.prisma, app.box, { customerId: customer.internalId })).secret;
    expect((await graphql(base, bearer(first))).headers['ratelimit-remaining']).toBe('2');
    expect((await graphql(base, bearer(second))).headers['ratelimit-remaining']).toBe('1');
    expect((await graphql(base, bearer(first))).headers['ratelimit-remaining']).toBe('0');
    const refused = await graphql(base, bearer(second));
    expect(refused.status).toBe(429);
    expect(refused.json.errors[0].message).toMatch(/Rate limit exceeded/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts signed-token downloads in the budget of the token’s person', async () => {
    const customer = await createCustomer(app, 'downloader@example.com');
    const { secret } = await issueApiKey(app.db.prisma, app.box, { customerId: customer.internalId });
    const branch = ok(await app.gql('mutation { createBranch(input: {name: "Downloads"}) { branch { id } } }'))
      .createBranch.branch.id;
    const created = ok(
      await app.gql(
        `mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { attachments { nodes { url } } } userErrors { message } } }`,
        {
          input: {
            branch,
            subject: 'With a file',
            description: 'See the file.',
            attachments: [{ filename: 'note.txt', content: Buffer.from('hello').toString('base64') }],
          },
        },
        { key: secret },
      ),
    ).createTicket;
    expect(created.userErrors).toEqual([]);
    const link = new URL(created.ticket.attachments.nodes[0].url);
    const path = `${link.pathname}${link.search}`;
    expect(path).toMatch(/[?&]token=/);

    // The GraphQL call above spent one of the customer's 3 requests: two downloads are left.
    const firstDownload = await send(base, path);
    expect(firstDownload.status).toBe(200);
    expect(firstDownload.text).toBe('hello');
    expect(firstDownload.headers['ratelimit-remaining']).toBe('1');
    expect((await send(base, path)).status).toBe(200);
    const refused = await send(base, path);
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatch(/Rate limit exceeded/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // And the same person's API calls are spent too.
    expect((await graphql(base, bearer(secret))).status).toBe(429);
  });
});

describe('API keys per person', () => {
  let app: TestApp;
  const mutation = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } userErrors { code message field } } }`;

  beforeAll(async () => {
    app = await createTestApp({ apiKeysPerPerson: 3 });
  });
  afterAll(() => app?.close());

  it('refuses a key past the cap with LIMIT_REACHED, until one is revoked', async () => {
    const customer = await createCustomer(app, 'many.keys@example.com');
    const { secret } = await issueApiKey(app.db.prisma, app.box, { customerId: customer.internalId });
    const made: string[] = [];
    for (let i = 0; i < 2; i++) {
      const payload = ok(await app.gql(mutation, { input: { label: `key ${i}` } }, { key: secret })).createApiKey;
      expect(payload.userErrors).toEqual([]);
      made.push(payload.apiKey.id);
    }
    const refused = ok(await app.gql(mutation, { input: { label: 'one too many' } }, { key: secret })).createApiKey;
    expect(refused.secret).toBeNull();
    expect(refused.userErrors).toEqual([
      { code: 'LIMIT_REACHED', message: expect.stringMatching(/At most 3 active API keys/), field: null },
    ]);
    // An admin making one for the customer meets the same cap.
    const byAdmin = ok(await app.gql(mutation, { input: { owner: customer.id } })).createApiKey;
    expect(byAdmin.userErrors).toMatchObject([{ code: 'LIMIT_REACHED' }]);
    expect(await app.db.prisma.apiKey.count({ where: { customerId: customer.internalId } })).toBe(3);

    const revoked = ok(
      await app.gql(
        `mutation($id: ID!) { revokeApiKey(input: {id: $id}) { userErrors { code } } }`,
        { id: made[0] },
        { key: secret },
      ),
    ).revokeApiKey;
    expect(revoked.userErrors).toEqual([]);
    const again = ok(await app.gql(mutation, { input: { label: 'after revoking' } }, { key: secret })).createApiKey;
    expect(again.userErrors).toEqual([]);
    expect(again.secret).toMatch(/^[0-9a-f]{40}$/);
  });

  it('gives the last place to one of several requests at once', async () => {
    const customer = await createCustomer(app, 'race.keys@example.com');
    await issueApiKey(app.db.prisma, app.box, { customerId: customer.internalId });
    await issueApiKey(app.db.prisma, app.box, { customerId: customer.internalId });
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        app.gql(mutation, { input: { owner: customer.id, label: 'race' } }).then((r) => ok(r).createApiKey),
      ),
    );
    expect(results.filter((r) => r.userErrors.length === 0)).toHaveLength(1);
    expect(results.filter((r) => r.userErrors[0]?.code === 'LIMIT_REACHED')).toHaveLength(5);
    expect(await app.db.prisma.apiKey.count({ where: { customerId: customer.internalId, revokedAt: null } })).toBe(3);
  });

  it('defaults to 20 in the configuration', () => {
    expect(loadConfig({}).apiKeysPerPerson).toBe(20);
    expect(loadConfig({ HELPDESK_MAX_API_KEYS: '5' }).apiKeysPerPerson).toBe(5);
    expect(() => loadConfig({ HELPDESK_MAX_API_KEYS: '0' })).toThrow(/HELPDESK_MAX_API_KEYS/);
  });
});

describe('when the database is down', () => {
  it('the gate answers a clean 503 on GraphQL, REST and downloads, never a stack or SQL', async () => {
    const { db, close } = await openTestDatabase();
    const box = secretBox(randomBytes(32));
    const app = createApp({
      db,
      box,
      logger,
      store: filesystemBlobStore('/nonexistent'),
      rateLimitPerMinute: 100,
      authFailuresPerMinute: 10,
    });
    const admin = await db.prisma.agent.create({
      data: { email: 'admin@example.com', firstName: 'Ada', role: 'ADMIN' },
    });
    const { secret } = await issueApiKey(db.prisma, box, { agentId: admin.id });
    const { server, base } = await listen(app, db);
    try {
      expect((await graphql(base, bearer(secret))).status).toBe(200);
      // Down for good: PGlite closed, or the PostgreSQL database dropped under the pool.
      await close();
      const created = new Date().toISOString();
      const nonce = randomBytes(16);
      const digest = createHash('sha1')
        .update(Buffer.concat([nonce, Buffer.from(created + secret)]))
        .digest('base64');
      const wsse = `UsernameToken Username="admin@example.com", PasswordDigest="${digest}", Nonce="${nonce.toString('base64')}", Created="${created}"`;
      const answers = [
        await graphql(base, bearer(secret)),
        await graphql(base, { 'x-wsse': wsse }),
        await send(base, '/api/rest/latest/desk/branches', { headers: bearer(secret) }),
        await send(base, `/desk/attachments/download/file/${'0'.repeat(64)}`, { headers: bearer(secret) }),
      ];
      for (const answer of answers) {
        expect(answer.status, answer.text).toBe(503);
        expect(answer.headers['content-type']).toMatch(/json/);
        // GraphQL answers `errors`, REST and downloads `error`.
        expect(answer.json.error ?? answer.json.errors[0].message).toMatch(/temporarily unavailable/);
        expectNoInternals(answer.text);
      }
      expect(answers[0]!.json.errors[0].extensions.code).toBe('SERVICE_UNAVAILABLE');
    } finally {
      await stop(server);
      await app.close();
    }
  });
});

/** Two app instances on one database and one store, as two servers behind a load balancer. */
async function twoInstances(
  storeFor: (prefix: string) => Parameters<typeof createApp>[0]['rateLimitStore'],
  databaseUrl?: string,
) {
  let db: Database;
  let drop = async () => {};
  if (databaseUrl) {
    db = await openDatabase({ databaseUrl, poolSize: 4 });
    await db.migrate(); // a no-op on a copy of the run's template
  } else {
    const opened = await openTestDatabase();
    db = opened.db;
    drop = async () => {
      await opened.close();
    };
  }
  const box = secretBox(randomBytes(32));
  const store = storeFor(uniquePrefix());
  const keyPrefix = uniquePrefix();
  const make = () =>
    createApp({
      db,
      box,
      logger,
      store: filesystemBlobStore('/nonexistent'),
      rateLimitPerMinute: 4,
      authFailuresPerMinute: 2,
      rateLimitStore: store,
      rateLimitKeyPrefix: keyPrefix,
    });
  const apps = [make(), make()];
  await Promise.all(apps.map((a) => a.ready()));
  const admin = await db.prisma.agent.create({ data: { email: 'admin@example.com', firstName: 'Ada', role: 'ADMIN' } });
  const { secret } = await issueApiKey(db.prisma, box, { agentId: admin.id });
  const servers = await Promise.all(apps.map((a) => listen(a, db)));
  return {
    db,
    secret,
    bases: servers.map((s) => s.base),
    async close() {
      for (const s of servers) await stop(s.server);
      for (const a of apps) await a.close();
      if (databaseUrl) await db.close();
      await drop();
    },
  };
}

async function expectOneSharedBudget(setup: Awaited<ReturnType<typeof twoInstances>>) {
  const [a, b] = setup.bases as [string, string];
  // 4 requests a minute, spent alternately on both instances: one budget, not two.
  const remaining = [];
  for (const base of [a, b, a, b]) {
    const answer = await graphql(base, bearer(setup.secret));
    expect(answer.status).toBe(200);
    remaining.push(answer.headers['ratelimit-remaining']);
  }
  expect(remaining).toEqual(['3', '2', '1', '0']);
  expect((await graphql(a, bearer(setup.secret))).status).toBe(429);
  expect((await graphql(b, bearer(setup.secret))).status).toBe(429);

  // 2 failed authentications a minute per address, counted across both instances.
  const from = '127.0.0.6';
  expect((await graphql(a, bearer('f'.repeat(40)), from)).status).toBe(401);
  expect((await graphql(b, bearer('e'.repeat(40)), from)).status).toBe(401);
  expect((await graphql(a, bearer('d'.repeat(40)), from)).status).toBe(429);
  expect((await graphql(b, bearer('d'.repeat(40)), from)).status).toBe(429);

  // Sent all at once to both instances, each attempt passes the check made before its credentials:
  // the count kept in the store still lets only 2 of them be answered.
  const burst = await Promise.all(
    Array.from({ length: 20 }, (_, i) => graphql(i % 2 ? a : b, bearer(randomBytes(20).toString('hex')), '127.0.0.7')),
  );
  const statuses = burst.map((answer) => answer.status).sort();
  expect(statuses).toEqual([...Array(2).fill(401), ...Array(18).fill(429)]);
}

describe.skipIf(testEngine !== 'postgresql')('budgets shared through PostgreSQL', () => {
  let setup: Awaited<ReturnType<typeof twoInstances>>;
  let drop = async () => {};

  beforeAll(async () => {
    const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL!, { template: true });
    drop = created.drop;
    setup = await twoInstances(() => ({ kind: 'postgres', url: created.url }), created.url);
  });
  afterAll(async () => {
    await setup?.close();
    await drop();
  });

  it('gives a caller one budget across two instances, kept in the RateLimit table', async () => {
    await expectOneSharedBudget(setup);
    const rows = await setup.db.prisma.rateLimit.findMany();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.some((row) => /:req:agent:\d+$/.test(row.key))).toBe(true);
    expect(rows.some((row) => /:authfail:127\.0\.0\.6$/.test(row.key))).toBe(true);
  });
});

describe.skipIf(testEngine !== 'postgresql')('PostgreSQL store unreachable', () => {
  it('falls back to memory: no 500, budgets still counted', async () => {
    const setup = await twoInstances(() => ({ kind: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' }));
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push((await graphql(setup.bases[0]!, bearer(setup.secret))).status);
      expect(answers).toEqual([200, 200, 200, 200, 429]);
    } finally {
      await setup.close();
    }
  });
});

const haveRedis = await redisReachable();
if (!haveRedis && process.env.CI) throw new Error(`Redis is not reachable at ${testRedisUrl} (TEST_REDIS_URL)`);

describe.skipIf(!haveRedis)(`budgets shared through Redis (${testEngine})`, () => {
  let setup: Awaited<ReturnType<typeof twoInstances>>;

  beforeAll(async () => {
    setup = await twoInstances(() => ({ kind: 'redis', url: testRedisUrl }));
  });
  afterAll(() => setup?.close());

  it('gives a caller one budget across two instances', async () => {
    await expectOneSharedBudget(setup);
  });
});

describe('Redis store unreachable', () => {
  it('falls back to memory: no 500, budgets still counted', async () => {
    const setup = await twoInstances(() => ({ kind: 'redis', url: 'redis://127.0.0.1:1' }));
    try {
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push((await graphql(setup.bases[0]!, bearer(setup.secret))).status);
      expect(answers).toEqual([200, 200, 200, 200, 429]);
    } finally {
      await setup.close();
    }
  });
});
