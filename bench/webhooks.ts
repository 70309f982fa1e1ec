// The cost of webhooks on writes (issue 18): createTicket measured again while webhooks receive
// every new ticket, from a receiver in this process that answers 200 at once. The write itself only
// records its event (the outbox); the fan-out and the POSTs run in the server's background, so
// what this shows is how much that background work takes from the requests, and whether the
// deliveries keep up (printed after each run).
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: the benchmark reads back what its own documents select
type GraphQL = (query: string, variables?: Record<string, unknown>) => Promise<any>;

/** Runs `measure` while `count` webhooks receive every new ticket; removes them after. */
export async function withWebhooks(count: number, graphql: GraphQL, measure: () => Promise<void>) {
  let received = 0;
  let lastAt = 0;
  const receiver = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      received++;
      lastAt = Date.now();
      response.end('ok');
    });
  });
  receiver.listen(0, '127.0.0.1');
  await once(receiver, 'listening');
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const ids: string[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const created = await graphql(
        'mutation($url: String!) { createWebhook(input: {url: $url, events: [TICKET_CREATED], description: "bench"}) { webhook { id } userErrors { message } } }',
        { url },
      );
      if (created.createWebhook.userErrors.length) throw new Error(JSON.stringify(created.createWebhook.userErrors));
      ids.push(created.createWebhook.webhook.id);
    }
    const started = Date.now();
    await measure();
    const ended = Date.now();
    // Until deliveries stop arriving (at most 60 s).
    for (let seen = -1; seen !== received && Date.now() - ended < 60_000; ) {
      seen = received;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    console.log(
      `  webhooks: ${received} deliveries, the last ${Math.max(0, lastAt - ended)} ms after the load ended (${(received / ((ended - started) / 1000)).toFixed(1)}/s over the run)`,
    );
  } finally {
    for (const id of ids)
      await graphql('mutation($id: ID!) { deleteWebhook(input: {id: $id}) { userErrors { message } } }', { id });
    receiver.close();
  }
}
