// One delivery attempt: a POST to the webhook's URL that cannot be turned against us (SSRF). The
// host is resolved by the request itself and every address it resolves to is checked
// (src/domain/webhook-urls.ts) before the connection is made, so the address checked is the address
// connected to; redirects are not followed; the whole attempt has a deadline; at most 1 KiB of the
// answer is read and kept.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { literalAddress, refusedAddress } from '../../domain/webhook-urls.ts';

export const RESPONSE_EXCERPT_BYTES = 1024;

export interface SendOptions {
  timeoutMs: number;
  /** Loopback and private receivers allowed (HELPDESK_WEBHOOK_ALLOW_PRIVATE=1). */
  allowPrivate: boolean;
}

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  durationMs: number;
  /** Why it failed, for the delivery log; null on success. */
  error: string | null;
  responseExcerpt: string | null;
}

class RefusedAddressError extends Error {}

/**
 * Text a PostgreSQL text column takes. What a receiver answers is not ours: a NUL byte fails the
 * statement that records the attempt (22021), and then the attempt is never recorded and the
 * delivery is sent again and again; a lone surrogate is no character. Both become U+FFFD, as
 * invalid UTF-8 does when the answer is decoded.
 */
export function storableText(text: string): string {
  return text.replace(/[\u0000\p{Cs}]/gu, '\uFFFD');
}

// Connections are kept open between attempts to the same receiver (a TCP and TLS handshake per
// delivery was most of a delivery's cost): a kept connection was checked when it was opened, and is
// only reused for the same host and port, under the same rule (two pools: private receivers
// allowed or not).
const pool = () => ({
  'http:': new http.Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 4, timeout: 30_000 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 16, maxFreeSockets: 4, timeout: 30_000 }),
});
const agents = { publicOnly: pool(), privateAllowed: pool() };

/** dns.lookup that refuses when any address the name resolves to is not allowed. */
function checkedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = allowPrivate ? null : addresses.map((a) => refusedAddress(a.address)).find(Boolean);
      if (refused) return callback(new RefusedAddressError(`${hostname} resolves to ${refused}`), '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: SendOptions,
): Promise<AttemptResult> {
  const started = performance.now();
  const result = (partial: Omit<AttemptResult, 'durationMs'>): AttemptResult => ({
    ...partial,
    // Both carry what the receiver sent (its answer; a redirect's Location, a parser's message).
    error: partial.error === null ? null : storableText(partial.error),
    responseExcerpt: partial.responseExcerpt === null ? null : storableText(partial.responseExcerpt),
    durationMs: Math.round(performance.now() - started),
  });
  const failure = (error: string, statusCode: number | null = null, responseExcerpt: string | null = null) =>
    result({ ok: false, statusCode, error, responseExcerpt });

  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(failure('The URL is not valid.'));
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:')
    return Promise.resolve(failure('Only http and https URLs are delivered to.'));
  // Saved before port 0 was refused (src/domain/webhook-urls.ts).
  if (target.port === '0') return Promise.resolve(failure('Port 0 is not delivered to.'));
  // A literal address never reaches the lookup: it is checked here.
  const literal = literalAddress(target.hostname);
  const refused = literal && !options.allowPrivate ? refusedAddress(literal) : null;
  if (refused) return Promise.resolve(failure(`Refused: ${refused}.`));

  return new Promise((resolve) => {
    let settled = false;
    /** `reusable`: the answer was read to its end, so the connection may serve the next attempt. */
    const finish = (outcome: AttemptResult, reusable = false) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (!reusable) request.destroy();
      resolve(outcome);
    };
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        agent: agents[options.allowPrivate ? 'privateAllowed' : 'publicOnly'][target.protocol as 'http:' | 'https:'],
        lookup: checkedLookup(options.allowPrivate),
        maxHeaderSize: 16 * 1024,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        const done = (reusable: boolean) => {
          // The decoder leaves out a character the cut at RESPONSE_EXCERPT_BYTES split.
          const excerpt = new StringDecoder('utf8').write(Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES));
          if (status >= 200 && status < 300)
            finish(result({ ok: true, statusCode: status, error: null, responseExcerpt: excerpt }), reusable);
          else if (status >= 300 && status < 400)
            finish(
              failure(
                `Redirects are not followed (${status} to ${String(response.headers.location ?? '?').slice(0, 200)}).`,
                status,
                excerpt,
              ),
              reusable,
            );
          else finish(failure(`The receiver answered ${status}.`, status, excerpt), reusable);
        };
        response.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          // Enough to show; the rest is not read (and the connection not kept).
          if (size >= RESPONSE_EXCERPT_BYTES) done(false);
        });
        response.on('end', () => done(true));
        response.on('error', () => done(false));
      },
    );
    const deadline = setTimeout(() => finish(failure(`No answer within ${options.timeoutMs} ms.`)), options.timeoutMs);
    request.on('error', (error) =>
      finish(
        failure(
          error instanceof RefusedAddressError
            ? `Refused: ${error.message}.`
            : `Could not deliver: ${(error as NodeJS.ErrnoException).code ?? error.message}.`,
        ),
      ),
    );
    request.end(body);
  });
}
