// Webhooks (issue 18) end to end on a real database: admins register a receiver (a real HTTP server
// started here), events arrive as signed POSTs, failures are retried with backoff, a receiver that
// keeps failing gets its webhook disabled, and everything an attacker could send is refused cleanly.
import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedAddress, webhookUrlProblem } from '../src/domain/webhook-urls.ts';
import { createAgent, createBranch, createComment, createCustomer, createTicket, type Person } from './fixtures.ts';
import { graphql } from './graphql.ts';
import { createTestApp, ok, type TestApp } from './helpers.ts';
import { eventually, type Receiver, startReceiver, verifyHelpdeskSignature } from './webhook-receiver.ts';

const UserErrors = graphql('fragment UserErrors on UserError { code field message }');
const createWebhook = graphql(
  `mutation($input: CreateWebhookInput!) {
    createWebhook(input: $input) { webhook { id url events enabled } secret userErrors { ...UserErrors } }
  }`,
  [UserErrors],
);
const updateWebhook = graphql(
  `mutation($input: UpdateWebhookInput!) {
    updateWebhook(input: $input) { webhook { id enabled disabledReason events url } secret userErrors { ...UserErrors } }
  }`,
  [UserErrors],
);
const deleteWebhook = graphql(
  'mutation($id: ID!) { deleteWebhook(input: {id: $id}) { deletedWebhookId userErrors { ...UserErrors } } }',
  [UserErrors],
);
const deliveriesQuery = graphql(`
  query($id: ID!) {
    node(id: $id) {
      ... on Webhook {
        enabled disabledReason
        deliveries(first: 50) {
          totalCount
          nodes {
            id deliveryId state attemptCount
            event { type cursor subject { id } }
            attempts { attemptedAt statusCode durationMs error responseExcerpt }
          }
        }
      }
    }
  }
`);
const redeliver = graphql(
  `mutation($id: ID!) {
    redeliverWebhookDelivery(input: {id: $id}) { delivery { deliveryId state } userErrors { ...UserErrors } }
  }`,
  [UserErrors],
);

describe('webhooks', () => {
  let app: TestApp;
  let branch: { id: string; key: string };

  beforeAll(async () => {
    app = await createTestApp({ webhooks: { maxWebhooks: 4, allowPrivate: true } });
    await app.app.startWebhooks({ timeoutMs: 1500, retryDelaySeconds: 1, maxAttempts: 3, concurrency: 2, pollMs: 200 });
    branch = await createBranch(app);
  });
  afterAll(() => app?.close());

  /** A webhook for `events` pointing at a receiver of its own; removed after `use`. */
  async function withWebhook(
    events: string[],
    use: (hook: { id: string; secret: string; receiver: Receiver }) => Promise<void>,
    receiver?: Receiver,
  ) {
    const target = receiver ?? (await startReceiver());
    const created = ok(
      await app.gql(createWebhook, { input: { url: target.url, events: events as never, description: 'test' } }),
    ).createWebhook;
    expect(created.userErrors).toEqual([]);
    try {
      await use({ id: created.webhook!.id, secret: created.secret!, receiver: target });
    } finally {
      ok(await app.gql(deleteWebhook, { id: created.webhook!.id }));
      if (!receiver) await target.close();
    }
  }
  const deliveries = async (id: string) => {
    const node = ok(await app.gql(deliveriesQuery, { id })).node as {
      enabled: boolean;
      disabledReason: string | null;
      deliveries: { totalCount: number; nodes: any[] };
    };
    return node;
  };
  /** The webhook's delivery log, once its newest delivery succeeded. */
  const succeeded = (id: string, timeoutMs?: number, what?: string) =>
    eventually(
      async () => {
        const node = await deliveries(id);
        return node.deliveries.nodes[0]?.state === 'SUCCEEDED' && node;
      },
      timeoutMs,
      what,
    );

  it('delivers a signed POST the README snippet verifies, and logs the attempt', async () => {
    await withWebhook(['TICKET_CREATED', 'COMMENT_ADDED'], async ({ id, secret, receiver }) => {
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      const ticket = await createTicket(app, { branch: branch.id, subject: 'Hook me' });
      await createComment(app, { key: ticket.key }, { content: 'And me' });
      await eventually(() => receiver.received.length >= 2, 15_000, 'two deliveries');
      // Sent concurrently: they may arrive in either order (their `cursor` orders them).
      const events = receiver.events().sort((a, b) => Number(a.json.cursor) - Number(b.json.cursor));
      const [first, second] = events;
      for (const delivery of [first!, second!]) {
        expect(verifyHelpdeskSignature(secret, delivery.headers, delivery.body)).toBe(true);
        // A changed body, another secret or an old timestamp do not verify.
        expect(verifyHelpdeskSignature(secret, delivery.headers, `${delivery.body} `)).toBe(false);
        expect(verifyHelpdeskSignature('0'.repeat(64), delivery.headers, delivery.body)).toBe(false);
        expect(
          verifyHelpdeskSignature(secret, { ...delivery.headers, 'x-helpdesk-timestamp': '1000000000' }, delivery.body),
        ).toBe(false);
        expect(delivery.headers['content-type']).toBe('application/json');
        expect(delivery.headers['x-helpdesk-delivery']).toMatch(/^[0-9a-f-]{36}$/);
      }
      expect(first!.headers['x-helpdesk-event']).toBe('ticket.created');
      expect(first!.json).toMatchObject({
        type: 'ticket.created',
        subject: { type: 'Ticket', id: ticket.id, internalId: ticket.internalId, key: ticket.key },
        ticket: { id: ticket.id },
        private: false,
      });
      expect(first!.json.changes).toContainEqual({ field: 'subject', from: null, to: 'Hook me' });
      expect(second!.json).toMatchObject({ type: 'comment.added', ticket: { id: ticket.id } });

      const log = await eventually(async () => {
        const node = await deliveries(id);
        return node.deliveries.nodes.every((d) => d.state === 'SUCCEEDED') && node.deliveries.totalCount === 2 && node;
      });
      const delivered = log.deliveries.nodes.find((d) => d.deliveryId === first!.headers['x-helpdesk-delivery'])!;
      expect(delivered).toMatchObject({ state: 'SUCCEEDED', attemptCount: 1, event: { type: 'TICKET_CREATED' } });
      expect(delivered.attempts).toEqual([
        expect.objectContaining({ statusCode: 200, error: null, responseExcerpt: 'thanks' }),
      ]);
      expect(delivered.attempts[0].durationMs).toBeGreaterThanOrEqual(0);
    });
  });

  it('delivers only the event types asked for, and nothing after deletion', async () => {
    await withWebhook(['COMMENT_ADDED'], async ({ receiver }) => {
      const ticket = await createTicket(app, { branch: branch.id });
      const comment = await createComment(app, { key: ticket.key });
      await eventually(() => receiver.received.length >= 1);
      // Give a wrongly delivered ticket.created time to show up.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(receiver.events().map((e) => [e.json.type, e.json.subject.id])).toEqual([['comment.added', comment.id]]);
    });
  });

  it('retries with the same delivery id until the receiver is back', async () => {
    const receiver = await startReceiver();
    let failures = 2;
    receiver.respond((_request, response) => {
      if (failures-- > 0) {
        response.statusCode = 503;
        response.end('down for maintenance');
      } else response.end('ok now');
    });
    await withWebhook(
      ['TICKET_CREATED'],
      async ({ id }) => {
        await createTicket(app, { branch: branch.id });
        await eventually(() => receiver.received.length >= 3, 20_000, 'three attempts');
        const ids = new Set(receiver.received.map((r) => r.headers['x-helpdesk-delivery']));
        expect(ids.size).toBe(1);
        // Each attempt has its own timestamp and signature.
        expect(receiver.received[2]!.at - receiver.received[0]!.at).toBeGreaterThan(500);
        const log = await succeeded(id);
        const attempts = log.deliveries.nodes[0].attempts;
        expect(attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([200, 503, 503]);
        expect(attempts[1]).toMatchObject({
          error: 'The receiver answered 503.',
          responseExcerpt: 'down for maintenance',
        });
      },
      receiver,
    );
    await receiver.close();
  });

  it('disables a webhook whose delivery kept failing; enabling it again delivers from then on', async () => {
    const receiver = await startReceiver();
    receiver.respond((_request, response) => {
      response.statusCode = 500;
      response.end();
    });
    await withWebhook(
      ['TICKET_CREATED'],
      async ({ id }) => {
        const first = await createTicket(app, { branch: branch.id });
        const log = await eventually(
          async () => {
            const node = await deliveries(id);
            return !node.enabled && node;
          },
          30_000,
          'webhook disabled',
        );
        expect(log.disabledReason).toMatch(/3 failed attempts/);
        expect(log.deliveries.nodes[0]).toMatchObject({ state: 'FAILED', attemptCount: 3 });
        // While disabled, nothing is queued for it.
        await createTicket(app, { branch: branch.id });
        receiver.respond((_request, response) => response.end('back'));
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect((await deliveries(id)).deliveries.totalCount).toBe(1);
        // Redelivery of a disabled webhook's delivery is refused with a reason.
        const refused = ok(await app.gql(redeliver, { id: log.deliveries.nodes[0].id })).redeliverWebhookDelivery;
        expect(refused.userErrors[0]).toMatchObject({ code: 'CONFLICT' });

        const enabled = ok(await app.gql(updateWebhook, { input: { id, enabled: true } })).updateWebhook;
        expect(enabled.webhook).toMatchObject({ enabled: true, disabledReason: null });
        const third = await createTicket(app, { branch: branch.id });
        await eventually(() => receiver.events().some((e) => e.json.subject.id === third.id));
        expect(receiver.events().filter((e) => e.json.subject.id === first.id)).toHaveLength(3);
        // The failed one can be sent again now: same delivery id, a new series of attempts.
        const again = ok(await app.gql(redeliver, { id: log.deliveries.nodes[0].id })).redeliverWebhookDelivery;
        expect(again.userErrors).toEqual([]);
        expect(again.delivery?.deliveryId).toBe(log.deliveries.nodes[0].deliveryId);
        await eventually(() => receiver.events().filter((e) => e.json.subject.id === first.id).length === 4);
        const twice = ok(await app.gql(redeliver, { id: log.deliveries.nodes[0].id })).redeliverWebhookDelivery;
        // Either it is still being attempted (CONFLICT) or it already succeeded and is queued again.
        expect(twice.userErrors.map((e) => e.code).filter((c) => c !== 'CONFLICT')).toEqual([]);
      },
      receiver,
    );
    await receiver.close();
  });

  it('does not follow redirects, times out slow receivers and keeps at most 1 KiB of an answer', async () => {
    const other = await startReceiver();
    const receiver = await startReceiver();
    let call = 0;
    receiver.respond((_request, response) => {
      call++;
      if (call === 1) {
        response.writeHead(302, { Location: other.url });
        response.end();
      } else if (call === 2) {
        setTimeout(() => response.end('too late'), 3000);
      } else response.end('x'.repeat(10_000));
    });
    await withWebhook(
      ['TICKET_CREATED'],
      async ({ id }) => {
        await createTicket(app, { branch: branch.id });
        const log = await succeeded(id, 30_000, 'delivered on the third attempt');
        const [third, second, first] = log.deliveries.nodes[0].attempts;
        expect(first).toMatchObject({ statusCode: 302, error: expect.stringMatching(/Redirects are not followed/) });
        expect(second).toMatchObject({ statusCode: null, error: 'No answer within 1500 ms.' });
        expect(second.durationMs).toBeLessThan(2500);
        expect(third.statusCode).toBe(200);
        expect(third.responseExcerpt).toHaveLength(1024);
        expect(other.received).toEqual([]);
      },
      receiver,
    );
    await Promise.all([receiver.close(), other.close()]);
  });

  // A NUL byte in the answer once failed the statement recording the attempt (PostgreSQL text
  // cannot hold it): the delivery stayed PENDING with no attempt and was sent again on every retry.
  it('records an answer with a NUL byte: a 200 ends the delivery after one request', async () => {
    const receiver = await startReceiver();
    receiver.respond((_request, response) => response.end('ok\u0000nul'));
    await withWebhook(
      ['TICKET_CREATED'],
      async ({ id }) => {
        await createTicket(app, { branch: branch.id });
        const log = await succeeded(id, 15_000, 'delivery succeeded');
        expect(log.deliveries.nodes[0]).toMatchObject({ state: 'SUCCEEDED', attemptCount: 1 });
        expect(log.deliveries.nodes[0].attempts).toEqual([
          expect.objectContaining({ statusCode: 200, error: null, responseExcerpt: 'ok\uFFFDnul' }),
        ]);
        // Past the first retry's delay (1 s): a retry would have arrived by now.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        expect(receiver.received).toHaveLength(1);
        expect((await deliveries(id)).enabled).toBe(true);
      },
      receiver,
    );
    await receiver.close();
  });

  it('records a failing answer with a NUL byte and invalid UTF-8 as a failed attempt', async () => {
    const receiver = await startReceiver();
    let call = 0;
    receiver.respond((_request, response) => {
      response.statusCode = call++ === 0 ? 500 : 200;
      // NUL, a byte that is no UTF-8, and an emoji cut by the 1 KiB limit (its first 2 of 4 bytes).
      response.end(
        call === 1
          ? Buffer.concat([
              Buffer.from('\u0000boom\u0000'),
              Buffer.from([0xff]),
              Buffer.from('x'.repeat(1015)),
              Buffer.from('😀'),
            ])
          : 'fine',
      );
    });
    await withWebhook(
      ['TICKET_CREATED'],
      async ({ id }) => {
        await createTicket(app, { branch: branch.id });
        const log = await succeeded(id, 15_000, 'delivered on the second attempt');
        const [second, first] = log.deliveries.nodes[0].attempts;
        expect(log.deliveries.nodes[0].attemptCount).toBe(2);
        expect(first).toMatchObject({
          statusCode: 500,
          error: 'The receiver answered 500.',
          responseExcerpt: `\uFFFDboom\uFFFD\uFFFD${'x'.repeat(1015)}`,
        });
        expect(second).toMatchObject({ statusCode: 200, error: null, responseExcerpt: 'fine' });
        expect(receiver.received).toHaveLength(2);
      },
      receiver,
    );
    await receiver.close();
  });

  describe('who may manage webhooks', () => {
    let agent: Person;
    let customer: Person;
    beforeAll(async () => {
      agent = await createAgent(app, { withKey: true });
      customer = await createCustomer(app, { withKey: true });
    });

    it('agents and customers cannot create, list, read or redeliver', async () => {
      for (const key of [agent.key, customer.key]) {
        const created = ok(
          await app.gql(
            createWebhook,
            { input: { url: 'https://example.com/hook', events: ['TICKET_CREATED'] } },
            { key },
          ),
        ).createWebhook;
        expect(created.userErrors).toEqual([
          { code: 'FORBIDDEN', field: null, message: 'Only admins manage webhooks.' },
        ]);
        expect(created.secret).toBeNull();
        const list = await app.gql('{ webhooks { nodes { id } } }', {}, { key });
        expect(list.data?.webhooks).toBeNull();
        expect(list.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      await withWebhook(['TICKET_CREATED'], async ({ id, receiver }) => {
        expect(
          ok(await app.gql('query($id: ID!) { node(id: $id) { id } }', { id }, { key: agent.key })).node,
        ).toBeNull();
        await createTicket(app, { branch: branch.id });
        await eventually(() => receiver.received.length >= 1);
        const delivery = (await eventually(async () => (await deliveries(id)).deliveries.nodes[0])).id;
        for (const key of [agent.key, customer.key]) {
          const again = ok(await app.gql(redeliver, { id: delivery }, { key })).redeliverWebhookDelivery;
          expect(again.userErrors[0]?.code).toBe('FORBIDDEN');
          expect(
            ok(await app.gql('query($id: ID!) { node(id: $id) { id } }', { id: delivery }, { key })).node,
          ).toBeNull();
        }
        const update = ok(
          await app.gql(updateWebhook, { input: { id, enabled: false } }, { key: agent.key }),
        ).updateWebhook;
        expect(update.userErrors[0]?.code).toBe('FORBIDDEN');
        const removal = ok(await app.gql(deleteWebhook, { id }, { key: customer.key })).deleteWebhook;
        expect(removal.userErrors[0]?.code).toBe('FORBIDDEN');
        expect(ok(await app.gql('{ webhooks { totalCount } }')).webhooks.totalCount).toBe(1);
      });
    });
  });

  describe('bad input is a user error with a code, never a 5xx', () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['ftp URL', { url: 'ftp://example.com/x' }, 'INVALID', 'https://'],
      ['javascript URL', { url: 'javascript:alert(1)' }, 'INVALID', 'https://'],
      ['relative URL', { url: '/hooks' }, 'INVALID', 'absolute'],
      ['credentials in the URL', { url: 'https://user:pw@example.com/' }, 'INVALID', 'password'],
      ['a URL over 2048 characters', { url: `https://example.com/${'a'.repeat(2100)}` }, 'TOO_LONG', '2048'],
      ['blank URL', { url: '   ' }, 'REQUIRED', 'required'],
      ['no event types', { events: [] }, 'REQUIRED', 'at least one'],
      ['a long description', { description: 'd'.repeat(501) }, 'TOO_LONG', '500'],
      ['control characters', { description: 'a\u0007b' }, 'INVALID', 'control'],
    ];
    for (const [what, input, code, message] of cases) {
      it(what, async () => {
        const response = await app.gql(createWebhook, {
          input: { url: 'https://example.com/hook', events: ['TICKET_CREATED'], ...input } as never,
        });
        expect(response.status).toBe(200);
        const payload = ok(response).createWebhook;
        expect(payload.webhook).toBeNull();
        expect(payload.userErrors[0]).toMatchObject({ code });
        expect(payload.userErrors[0]!.message).toContain(message);
      });
    }

    it('more event types than exist, or an unknown one', async () => {
      const many = await app.gql(createWebhook, {
        input: { url: 'https://example.com/h', events: Array(30).fill('TICKET_CREATED') },
      });
      expect(many.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const unknown = await app.gql(createWebhook, {
        input: { url: 'https://example.com/h', events: ['NOPE' as never] },
      });
      expect(unknown.status).toBeLessThan(500);
      expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('more webhooks than HELPDESK_MAX_WEBHOOKS', async () => {
      const made: string[] = [];
      try {
        for (let i = 0; i < 4; i++) {
          const created = ok(
            await app.gql(createWebhook, { input: { url: `https://example.com/${i}`, events: ['TICKET_CREATED'] } }),
          ).createWebhook;
          expect(created.userErrors).toEqual([]);
          made.push(created.webhook!.id);
        }
        const over = ok(
          await app.gql(createWebhook, { input: { url: 'https://example.com/5', events: ['TICKET_CREATED'] } }),
        ).createWebhook;
        expect(over.userErrors[0]).toMatchObject({ code: 'LIMIT_REACHED' });
      } finally {
        for (const id of made) ok(await app.gql(deleteWebhook, { id }));
      }
    });

    it('updates are checked like creations', async () => {
      await withWebhook(['TICKET_CREATED'], async ({ id }) => {
        const update = async (input: Record<string, unknown>) =>
          ok(await app.gql(updateWebhook, { input: { id, ...input } as never })).updateWebhook.userErrors;
        expect(await update({ url: 'gopher://example.com/' })).toMatchObject([{ code: 'INVALID', field: ['url'] }]);
        expect(await update({ events: [] })).toMatchObject([{ code: 'REQUIRED', field: ['events'] }]);
        expect(await update({ description: 'x'.repeat(501) })).toMatchObject([{ code: 'TOO_LONG' }]);
        expect(await update({ enabled: null })).toMatchObject([{ code: 'INVALID', field: ['enabled'] }]);
        // Nothing changed.
        const node = ok(
          await app.gql('query($id: ID!) { node(id: $id) { ... on Webhook { url events enabled } } }', { id }),
        ).node;
        expect(node).toMatchObject({ events: ['TICKET_CREATED'], enabled: true });
        const rotated = ok(await app.gql(updateWebhook, { input: { id, rotateSecret: true } })).updateWebhook;
        expect(rotated.secret).toMatch(/^[0-9a-f]{64}$/);
      });
    });

    it('unknown webhooks and deliveries', async () => {
      const gone = 'V2ViaG9vazo5OTk5OQ=='; // Webhook:99999
      expect(ok(await app.gql(deleteWebhook, { id: gone })).deleteWebhook.userErrors[0]?.code).toBe('NOT_FOUND');
      expect(
        ok(await app.gql(updateWebhook, { input: { id: gone, enabled: true } })).updateWebhook.userErrors[0]?.code,
      ).toBe('NOT_FOUND');
      const delivery = Buffer.from('WebhookDelivery:00000000-0000-4000-8000-000000000000').toString('base64');
      expect(ok(await app.gql(redeliver, { id: delivery })).redeliverWebhookDelivery.userErrors[0]?.code).toBe(
        'NOT_FOUND',
      );
      const malformed = Buffer.from('WebhookDelivery:not-a-uuid').toString('base64');
      const bad = await app.gql(redeliver, { id: malformed });
      expect(bad.status).toBeLessThan(500);
      expect(JSON.stringify(bad)).not.toMatch(/INTERNAL_SERVER_ERROR/);
    });
  });
});

describe('webhook receivers on private networks (SSRF)', () => {
  it('the address rules refuse loopback, private, link-local and reserved addresses in every spelling', () => {
    for (const address of [
      '127.0.0.1',
      '127.255.0.9',
      '0.0.0.0',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '198.18.0.1',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:10.0.0.1',
      '64:ff9b::a9fe:a9fe',
      '::127.0.0.1',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1%eth0',
      'fec0::1',
      'ff02::1',
      '2001:db8::1',
      '2002:7f00:1::1',
      // IPv4-translated (RFC 2765) and NAT64 (RFC 6052, RFC 8215) forms of private IPv4 addresses.
      '::ffff:0:7f00:1',
      '::ffff:0:127.0.0.1',
      '::ffff:0:a9fe:a9fe',
      '64:ff9b::7f00:1',
      '64:ff9b::10.0.0.1',
      '64:ff9b:1::7f00:1',
      '64:ff9b:1::808:808',
      '64:ff9b:1:ffff::1',
    ]) {
      expect(refusedAddress(address), address).not.toBeNull();
    }
    for (const address of [
      '93.184.216.34',
      '8.8.8.8',
      '172.32.0.1',
      '2606:4700:4700::1111',
      '::ffff:8.8.8.8',
      '::ffff:0:808:808',
      '64:ff9b::8.8.8.8',
    ]) {
      expect(refusedAddress(address), address).toBeNull();
    }
  });

  it('URLs naming such an address (however written) are refused when saved, unless allowed', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://2130706433/',
      'http://0x7f.1/',
      'http://[::1]:8080/',
      'http://[::ffff:127.0.0.1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost:4000/',
      'http://api.localhost/',
      'http://0.0.0.0/',
      'https://[fd00::1]/',
      'http://[::ffff:0:7f00:1]/',
      'http://[::ffff:0:127.0.0.1]:8080/',
      'http://[64:ff9b:1::7f00:1]/',
      'http://[64:ff9b::7f00:1]/',
    ]) {
      expect(webhookUrlProblem(url, false), url).toMatch(/may not send to/);
      expect(webhookUrlProblem(url, true), url).toBeNull();
    }
    expect(webhookUrlProblem('https://hooks.example.com/x', false)).toBeNull();
  });

  it('URLs on port 0 or with control characters are refused even when private receivers are allowed', () => {
    for (const allowPrivate of [false, true]) {
      for (const url of ['https://example.com:0/', 'https://example.com:000/hook', 'http://127.0.0.1:0/']) {
        expect(webhookUrlProblem(url, allowPrivate), url).toMatch(/port 0/);
      }
      // The URL parser drops tabs and line breaks: what was saved would not be what is delivered to.
      for (const url of ['http://exa\nmple.com\r/ok', 'https://example.com/ho\tok', 'https://exa\u0000mple.com/']) {
        expect(webhookUrlProblem(url, allowPrivate), JSON.stringify(url)).toMatch(/control characters/);
      }
    }
    expect(webhookUrlProblem('https://example.com:8443/', false)).toBeNull();
  });

  describe('through the API', () => {
    let app: TestApp;
    let receiver: Receiver;
    let privateName: string | null = null;

    beforeAll(async () => {
      app = await createTestApp({ webhooks: { maxWebhooks: 5, allowPrivate: false } });
      await app.app.startWebhooks({
        timeoutMs: 1000,
        retryDelaySeconds: 1,
        maxAttempts: 1,
        concurrency: 1,
        pollMs: 200,
      });
      receiver = await startReceiver();
      // This machine's own name resolves through /etc/hosts to a loopback or private address in
      // most setups: a name that passes when saved and must be refused when delivering.
      const addresses = await lookup(hostname(), { all: true }).catch(() => []);
      if (addresses.length && addresses.every((a) => refusedAddress(a.address))) privateName = hostname();
    });
    afterAll(async () => {
      await receiver?.close();
      await app?.close();
    });

    it('refuses a loopback receiver when it is saved', async () => {
      const response = ok(
        await app.gql(createWebhook, { input: { url: receiver.url, events: ['TICKET_CREATED'] } }),
      ).createWebhook;
      expect(response.userErrors[0]).toMatchObject({ code: 'INVALID', field: ['url'] });
      expect(response.userErrors[0]!.message).toMatch(/HELPDESK_WEBHOOK_ALLOW_PRIVATE/);
    });

    it('refuses IPv4-translated and NAT64 addresses, port 0 and control characters when saved', async () => {
      // Counted before and after: other tests of this group (CI shuffles them) may keep theirs.
      const webhooks = async () => ok(await app.gql('{ webhooks { totalCount } }')).webhooks.totalCount as number;
      const before = await webhooks();
      for (const [url, message] of [
        ['http://[::ffff:0:7f00:1]/', /may not send to.*127\.0\.0\.1/],
        ['http://[64:ff9b:1::7f00:1]/', /may not send to.*local-use NAT64/],
        ['http://[64:ff9b::a9fe:a9fe]/latest/meta-data/', /may not send to.*169\.254\.169\.254/],
        ['https://example.com:0/', /port 0/],
        ['http://exa\nmple.com\r/ok', /control characters/],
        ['https://example.com/\thooks', /control characters/],
      ] as const) {
        const created = ok(await app.gql(createWebhook, { input: { url, events: ['TICKET_CREATED'] } })).createWebhook;
        expect(created.webhook, JSON.stringify(url)).toBeNull();
        expect(created.userErrors, JSON.stringify(url)).toMatchObject([{ code: 'INVALID', field: ['url'] }]);
        expect(created.userErrors[0]!.message).toMatch(message);
      }
      expect(await webhooks()).toBe(before);
    });

    it('refuses to deliver to a name that resolves to a private address, checking what it connects to', async (context) => {
      if (!privateName) return context.skip(`${hostname()} does not resolve to a private address here`);
      const url = `http://${privateName}:${receiver.port}/hooks`;
      const created = ok(await app.gql(createWebhook, { input: { url, events: ['TICKET_CREATED'] } })).createWebhook;
      expect(created.userErrors).toEqual([]);
      const branch = await createBranch(app);
      await createTicket(app, { branch: branch.id });
      const log = await eventually(async () => {
        const node = ok(await app.gql(deliveriesQuery, { id: created.webhook!.id })).node as {
          deliveries: { nodes: { state: string; attempts: { error: string }[] }[] };
        };
        return node.deliveries.nodes[0]?.state === 'FAILED' && node;
      });
      expect(log.deliveries.nodes[0]!.attempts[0]!.error).toMatch(
        /^Refused: .* resolves to 127\.|^Refused: .* resolves to /,
      );
      expect(receiver.received).toEqual([]);
    });
  });
});
