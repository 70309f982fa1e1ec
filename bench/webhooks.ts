// The cost of webhooks on writes (issue 18): createTicket measured again while webhooks receive
// every new ticket, from a receiver in this process that answers 200 at once. The write itself only
// records its event (the outbox); the fan-out and the POSTs run in the server's background, so
// what this shows is how much that background work takes from the requests, and whether the
// deliveries keep up (printed after each run).
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';

interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface WebhookBenchDeps<Row> {
  /** The createTicket scenario measured without webhooks. */
  createTicket: Scenario;
  port: number;
  headers: Record<string, string>;
  connectionCounts: number[];
  /** bench/run.ts's GraphQL call and measurement, as they are. */
  // biome-ignore lint/suspicious/noExplicitAny: the benchmark reads back what its own documents select
  graphql: (query: string, variables?: Record<string, unknown>) => Promise<any>;
  measure: (scenario: Scenario, connections: number, withMetrics: boolean) => Promise<Row>;
  /** How many webhooks receive each ticket. */
  webhooks?: number;
}

export async function createTicketWithWebhooks<Row>(deps: WebhookBenchDeps<Row>): Promise<Row[]> {
  const count = deps.webhooks ?? 3;
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
  const rows: Row[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const created = await deps.graphql(
        'mutation($url: String!) { createWebhook(input: {url: $url, events: [TICKET_CREATED], description: "bench"}) { webhook { id } userErrors { message } } }',
        { url },
      );
      if (created.createWebhook.userErrors.length) throw new Error(JSON.stringify(created.createWebhook.userErrors));
      ids.push(created.createWebhook.webhook.id);
    }
    const scenario = { ...deps.createTicket, name: `3w GraphQL createTicket, ${count} webhooks` };
    const target = {
      url: `http://127.0.0.1:${deps.port}${scenario.path}`,
      method: scenario.method,
      body: scenario.body,
    };
    /** Waits until deliveries stop arriving (at most 60 s after `since`). */
    const drained = async (since: number) => {
      let seen = -1;
      while (seen !== received && Date.now() - since < 60_000) {
        seen = received;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    };
    await autocannon({ ...target, headers: deps.headers, connections: 8, duration: 2 });
    await drained(Date.now());
    for (const connections of deps.connectionCounts) {
      const before = received;
      const started = Date.now();
      const row = await deps.measure(scenario, connections, true);
      const ended = Date.now();
      await drained(ended);
      rows.push(row);
      console.log(JSON.stringify(row));
      console.log(
        `  webhooks: ${received - before} deliveries for the tickets of this run, the last ${Math.max(0, lastAt - ended)} ms after the load ended (${((received - before) / ((ended - started) / 1000)).toFixed(1)}/s over the run)`,
      );
    }
  } finally {
    for (const id of ids)
      await deps.graphql('mutation($id: ID!) { deleteWebhook(input: {id: $id}) { userErrors { message } } }', { id });
    receiver.close();
  }
  return rows;
}
