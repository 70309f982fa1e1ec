// Several server instances on one PostgreSQL (issue 18): a subscriber on one instance hears about a
// change made through another within a second (LISTEN/NOTIFY, or Redis pub/sub with REDIS_URL),
// customers never hear about private notes, and concurrent changes through two instances give one
// webhook delivery each, none twice. The log's periodic read is turned off (60 s) so only the
// wake-up between instances can deliver in time.
// PostgreSQL only: the embedded database serves one process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBranch, createComment, createCustomer, createTicket, type Person } from './fixtures.ts';
import {
  createServerStorage,
  redisReachable,
  type ServerStorage,
  startServer,
  TEST_ADMIN,
  type TestServer,
  testEngine,
  testRedisUrl,
} from './helpers.ts';
import { type SseSubscription, sseSubscribe } from './sse.ts';
import { eventually, type Receiver, startReceiver, verifyHelpdeskSignature } from './webhook-receiver.ts';

const haveRedis = testEngine === 'postgresql' && (await redisReachable());
if (testEngine === 'postgresql' && !haveRedis && process.env.CI)
  throw new Error(`Redis is not reachable at ${testRedisUrl} (TEST_REDIS_URL)`);

const EVENTS = `subscription($t: ID) {
  ticketEvents(filter: {ticket: $t}) { type private changes { field to } }
}`;

/** Two instances on one database and data directory, with `env` added. */
async function twoInstances(env: Record<string, string>) {
  const storage: ServerStorage = await createServerStorage();
  const common = {
    HELPDESK_EVENT_POLL_MS: '60000',
    HELPDESK_WEBHOOK_ALLOW_PRIVATE: '1',
    HELPDESK_WEBHOOK_RETRY_DELAY_SECONDS: '1',
    HELPDESK_RATE_LIMIT: '0',
    ...env,
  };
  const a = await startServer({ storage, env: common });
  const b = await startServer({ storage, env: common });
  const streams: SseSubscription[] = [];
  return {
    a,
    b,
    async subscribe(server: TestServer, key: string, ticket: string) {
      const stream = await sseSubscribe(fetch, `${server.base}/graphql`, EVENTS, { t: ticket }, key);
      streams.push(stream);
      return stream;
    },
    async close() {
      for (const stream of streams) stream.close();
      await Promise.all([a.close(), b.close()]);
      await storage.remove();
    },
  };
}

describe.skipIf(testEngine !== 'postgresql')('two instances on one PostgreSQL (PostgreSQL only)', () => {
  let setup: Awaited<ReturnType<typeof twoInstances>>;
  let adminKey: string;
  let receiver: Receiver;

  beforeAll(async () => {
    setup = await twoInstances({});
    adminKey = TEST_ADMIN.key;
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await setup?.close();
    await receiver?.close();
  });

  it('a subscriber on instance A receives a comment added through instance B within one second', async () => {
    const branch = await createBranch(setup.a);
    const ticket = await createTicket(setup.a, { branch: branch.id });
    const stream = await setup.subscribe(setup.a, adminKey, ticket.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await createComment(setup.b, { key: ticket.key }, { content: 'through B' });
    const committed = Date.now();
    const message = await stream.next(5000);
    expect(message.data.data.ticketEvents).toMatchObject({ type: 'COMMENT_ADDED', private: false });
    expect(Date.now() - committed).toBeLessThan(1000);
  });

  it('a customer subscribed on A never receives the private notes added through B', async () => {
    const customer: Person = await createCustomer(setup.a, { withKey: true });
    const branch = await createBranch(setup.a);
    const ticket = await createTicket(setup.b, { branch: branch.id, reporter: customer.id });
    const stream = await setup.subscribe(setup.a, customer.key!, ticket.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await createComment(setup.b, { key: ticket.key }, { content: 'INTERNAL: refund refused', private: true });
    await createComment(setup.b, { key: ticket.key }, { content: 'We are on it.' });
    const message = await stream.next(5000);
    expect(message.data.data.ticketEvents).toMatchObject({ type: 'COMMENT_ADDED', private: false });
    expect(JSON.stringify(message)).not.toContain('INTERNAL');
    expect(await stream.quietFor(500)).toBeNull();
  });

  it('50 concurrent changes through two instances give 50 deliveries, none with the same delivery id twice', async () => {
    const created = await setup.a.gql(
      'mutation($url: String!) { createWebhook(input: {url: $url, events: [COMMENT_ADDED]}) { secret webhook { id } userErrors { code } } }',
      { url: receiver.url },
    );
    const { secret } = created.data.createWebhook;
    const branch = await createBranch(setup.a);
    const ticket = await createTicket(setup.a, { branch: branch.id });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        createComment(i % 2 ? setup.a : setup.b, { key: ticket.key }, { content: `change ${i}` }),
      ),
    );
    await eventually(() => receiver.received.length >= 50, 30_000, '50 deliveries');
    // Anything sent twice would arrive shortly after.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const deliveries = receiver.events();
    expect(deliveries).toHaveLength(50);
    expect(new Set(deliveries.map((d) => d.headers['x-helpdesk-delivery'])).size).toBe(50);
    expect(new Set(deliveries.map((d) => d.json.cursor)).size).toBe(50);
    expect(
      new Set(deliveries.map((d) => d.json.changes.find((c: { field: string }) => c.field === 'content').to)).size,
    ).toBe(50);
    for (const delivery of deliveries)
      expect(verifyHelpdeskSignature(secret, delivery.headers, delivery.body)).toBe(true);
  });
});

describe.skipIf(!haveRedis)('two instances waking each other through Redis (PostgreSQL and Redis only)', () => {
  let setup: Awaited<ReturnType<typeof twoInstances>>;

  beforeAll(async () => {
    setup = await twoInstances({ REDIS_URL: testRedisUrl });
  });
  afterAll(() => setup?.close());

  it('a subscriber on A receives a comment added through B within one second', async () => {
    const branch = await createBranch(setup.a);
    const ticket = await createTicket(setup.a, { branch: branch.id });
    const stream = await setup.subscribe(setup.a, TEST_ADMIN.key, ticket.id);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await createComment(setup.b, { key: ticket.key }, { content: 'through B, via Redis' });
    const committed = Date.now();
    const message = await stream.next(5000);
    expect(message.data.data.ticketEvents).toMatchObject({ type: 'COMMENT_ADDED' });
    expect(Date.now() - committed).toBeLessThan(1000);
  });
});
