// Deliveries survive the server dying (issue 18): real server processes (`node src/main.ts`) on
// storage of their own, killed with SIGKILL between the commit of a change and the delivery of its
// event, then started again; the receiver still gets the event, under the same delivery id.
// Both engines: the embedded database keeps what was committed through kill -9 (data-dir-lock.test.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { createServerStorage, type ServerStorage, TEST_ADMIN } from './helpers.ts';
import { graphqlAs, type Spawned, startServer, stop } from './processes.ts';
import { eventually, type Receiver, startReceiver } from './webhook-receiver.ts';

const SECRET_KEY = 'ab'.repeat(32);

describe('webhook deliveries across kill -9', { timeout: 180_000 }, () => {
  const running: Spawned[] = [];
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const server of running) await stop(server, 'SIGKILL');
    for (const step of cleanup) await step();
  });

  const gql = async (server: { base: string }, query: string) => {
    const { body } = await graphqlAs(server.base, TEST_ADMIN.key, query);
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  /** Storage and a receiver of this test's own; servers on that storage; a webhook and branch. */
  async function scenario() {
    const storage: ServerStorage = await createServerStorage({ prefix: 'helpdesk-webhook-restart-' });
    const receiver: Receiver = await startReceiver();
    cleanup.push(
      () => receiver.close(),
      () => storage.remove(),
    );
    const start = async (env: Record<string, string> = {}) => {
      const server = await startServer({
        ...storage.env,
        ...(storage.migrated ? { HELPDESK_AUTO_MIGRATE: '0' } : {}),
        HELPDESK_ADMIN_EMAIL: TEST_ADMIN.email,
        HELPDESK_ADMIN_API_KEY: TEST_ADMIN.key,
        HELPDESK_SECRET_KEY: SECRET_KEY,
        HELPDESK_RATE_LIMIT: '0',
        HELPDESK_WEBHOOK_ALLOW_PRIVATE: '1',
        HELPDESK_WEBHOOK_TIMEOUT_MS: '2000',
        HELPDESK_WEBHOOK_RETRY_DELAY_SECONDS: '1',
        ...env,
      });
      running.push(server);
      return server;
    };
    const setUp = async (server: { base: string }) => {
      const webhook = (
        await gql(
          server,
          `mutation { createWebhook(input: {url: "${receiver.url}", events: [TICKET_CREATED]}) { webhook { id } } }`,
        )
      ).createWebhook.webhook.id as string;
      const branch = (await gql(server, 'mutation { createBranch(input: {name: "Restart"}) { branch { id } } }'))
        .createBranch.branch.id as string;
      return { webhook, branch };
    };
    return { receiver, start, setUp };
  }

  const newTicket = async (server: { base: string }, branch: string, subject: string) =>
    (
      await gql(
        server,
        `mutation { createTicket(input: {branch: "${branch}", subject: "${subject}", description: "d"}) { ticket { id } } }`,
      )
    ).createTicket.ticket.id as string;
  const deliveryStates = async (server: { base: string }, webhook: string) =>
    (await gql(server, `{ node(id: "${webhook}") { ... on Webhook { deliveries { nodes { deliveryId state } } } } }`))
      .node.deliveries.nodes as { deliveryId: string; state: string }[];

  it('an attempt in flight when the server is killed is sent again after the restart, same delivery id', async () => {
    const { receiver, start, setUp } = await scenario();
    // The first request is held open: the server dies while it waits for the answer.
    let hold = true;
    receiver.respond((_request, response) => {
      if (hold) return;
      response.end('ok');
    });
    const first = await start();
    const { webhook, branch } = await setUp(first);
    const ticket = await newTicket(first, branch, 'Killed mid-delivery');
    await eventually(() => receiver.received.length >= 1, 20_000, 'the first attempt');
    await stop(first, 'SIGKILL');
    hold = false;

    const second = await start();
    const delivered = await eventually(
      () => receiver.events().find((e, i) => i > 0 && e.json.subject.id === ticket),
      60_000,
      'the attempt again after the restart',
    );
    expect(delivered.headers['x-helpdesk-delivery']).toBe(receiver.received[0]!.headers['x-helpdesk-delivery']);
    await eventually(
      async () => (await deliveryStates(second, webhook))[0]?.state === 'SUCCEEDED',
      20_000,
      'SUCCEEDED',
    );
    await stop(second);
  });

  it('a delivery queued but not yet sent when the server is killed is sent after the restart', async () => {
    const { receiver, start, setUp } = await scenario();
    // This instance queues deliveries and sends none: the kill comes between commit and delivery.
    const queuing = await start({ HELPDESK_WEBHOOK_CONCURRENCY: '0' });
    const { webhook, branch } = await setUp(queuing);
    const ticket = await newTicket(queuing, branch, 'Committed, not delivered');
    await eventually(
      async () => (await deliveryStates(queuing, webhook)).some((d) => d.state === 'PENDING'),
      20_000,
      'a queued delivery',
    );
    await stop(queuing, 'SIGKILL');
    expect(receiver.received).toEqual([]);

    const sending = await start();
    const delivered = await eventually(
      () => receiver.events().find((e) => e.json.subject.id === ticket),
      30_000,
      'the delivery after the restart',
    );
    expect(delivered.json.type).toBe('ticket.created');
    await stop(sending);
  });
});
