// A webhook receiver for tests: a real HTTP server on loopback that records what it is sent and
// answers as told, and the signature check the README shows receivers.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

type Responder = (request: IncomingMessage, response: ServerResponse, body: string) => void;

/** README, "Verifying a delivery": the same code, so the snippet is tested. */
export function verifyHelpdeskSignature(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  toleranceSeconds = 300,
): boolean {
  const timestamp = String(headers['x-helpdesk-timestamp'] ?? '');
  const signature = String(headers['x-helpdesk-signature-256'] ?? '');
  // Refuse old (replayed) deliveries: the timestamp is signed too.
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
  return expected.length === signature.length && timingSafeEqual(Buffer.from(expected), Buffer.from(signature));
}

export async function startReceiver(port = 0) {
  const received: Received[] = [];
  let responder: Responder = (_request, response) => response.end('thanks');
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: request.headers, body, at: Date.now() });
      responder(request, response, body);
    });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const actual = (server.address() as AddressInfo).port;
  return {
    port: actual,
    url: `http://127.0.0.1:${actual}/hooks`,
    received,
    /** How the next requests are answered. */
    respond(next: Responder) {
      responder = next;
    },
    /** Events received, parsed, in arrival order. */
    events: () => received.map((r) => ({ ...r, json: JSON.parse(r.body) as Record<string, any> })),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Polls `check` until it returns something truthy, or fails after `ms`. */
export async function eventually<T>(
  check: () => T | Promise<T>,
  ms = 15_000,
  what = 'condition',
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value as Exclude<T, false | null | undefined | 0 | ''>;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
