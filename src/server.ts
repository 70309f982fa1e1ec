// One node:http server: GraphQL, attachment downloads, health probes (and the REST adapter).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { PassThrough } from 'node:stream';
import type { Database } from './db/database.ts';
import { RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE_MESSAGE, isServiceUnavailable } from './domain/errors.ts';
import { DOWNLOAD_PATH, type createDownloadHandler } from './http/downloads.ts';
import type { Gate } from './http/gate.ts';
import { sendJson } from './http/node-io.ts';
import { REST_PREFIX, type createRestHandler } from './rest/router.ts';
import type { Logger } from './logger.ts';
import type { HelpdeskYoga } from './yoga.ts';

export interface ServerDeps {
  yoga: HelpdeskYoga;
  /** The front door shared by every endpoint (credentials, rate limit). */
  gate: Gate;
  download: ReturnType<typeof createDownloadHandler>;
  rest: ReturnType<typeof createRestHandler>;
  maxRequestBytes: number;
  /** Serve /metrics (statement counter, RSS); off unless HELPDESK_METRICS=1. */
  exposeMetrics?: boolean;
  db: Database;
  logger: Logger;
}

async function readiness(db: Database) {
  try {
    const pending = await db.pendingMigrations();
    return pending.length === 0
      ? { status: 200, body: { status: 'ready', engine: db.engine } }
      : { status: 503, body: { status: 'migrations pending', pending } };
  } catch (error) {
    return { status: 503, body: { status: 'database unreachable', error: (error as Error).message } };
  }
}

/**
 * Caps a request body while it streams: a declared Content-Length over the cap is refused before
 * reading, and a chunked body is cut off (413) the moment it passes the cap, so a 1 GiB upload is
 * never buffered. Returns the request to hand on, or null when it has been answered.
 */
function capBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): IncomingMessage | null {
  const tooLarge = () =>
    sendJson(res, 413, { error: `Request body is larger than ${maxBytes} bytes.` }, { Connection: 'close' });
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    tooLarge();
    req.resume(); // drain politely; the connection closes after the answer
    return null;
  }
  if (req.method === 'GET' || req.method === 'HEAD') return req;
  let seen = 0;
  const counted = new PassThrough();
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > maxBytes) {
      req.unpipe(counted);
      counted.destroy(new Error('body too large'));
      if (!res.headersSent) tooLarge();
      req.destroy();
    }
  });
  req.pipe(counted);
  // The consumer reads the counted stream but sees the original request's metadata.
  return Object.assign(counted, {
    headers: req.headers,
    method: req.method,
    url: req.url,
    socket: req.socket,
    httpVersion: req.httpVersion,
    rawHeaders: req.rawHeaders,
    aborted: false,
    complete: false,
  }) as unknown as IncomingMessage;
}

export function createHttpServer({ yoga, download, rest, maxRequestBytes, exposeMetrics = false, db, logger }: ServerDeps): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/graphql') {
      const body = capBody(req, res, maxRequestBytes);
      if (body) await yoga.handle(body, res);
      return;
    }
    if (REST_PREFIX.test(url.pathname)) {
      const body = capBody(req, res, maxRequestBytes);
      if (body) await rest(body, res);
      return;
    }
    const downloadMatch = DOWNLOAD_PATH.exec(url.pathname);
    if (downloadMatch) return download(req, res, downloadMatch[1] as 'file' | 'thumbnail', downloadMatch[2]!);
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/metrics' && exposeMetrics) {
      // Prometheus text format; the benchmark reads statements per request from it.
      const text = [
        '# HELP helpdesk_sql_statements_total SQL statements sent to the database.',
        '# TYPE helpdesk_sql_statements_total counter',
        `helpdesk_sql_statements_total ${db.statements}`,
        '# HELP process_resident_memory_bytes Resident set size.',
        '# TYPE process_resident_memory_bytes gauge',
        `process_resident_memory_bytes ${process.memoryUsage.rss()}`,
        '',
      ].join('\n');
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Length': Buffer.byteLength(text) });
      return res.end(text);
    }
    if (url.pathname === '/readyz') {
      const { status, body } = await readiness(db);
      return sendJson(res, status, body);
    }
    if (url.pathname === '/') {
      res.writeHead(302, { Location: '/graphql' });
      return res.end();
    }
    sendJson(res, 404, { error: `No route for ${req.method} ${url.pathname}` });
  };

  return createServer((req, res) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      logger.info(
        {
          method: req.method,
          path: req.url?.replace(/([?&]token=)[^&]+/, '$1…'),
          status: res.statusCode,
          durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        },
        'request',
      );
    });
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (isServiceUnavailable(error)) {
        logger.warn({ err: error }, 'database too slow or too busy: answered 503');
        return sendJson(res, 503, { error: SERVICE_UNAVAILABLE_MESSAGE }, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
      }
      logger.error({ err: error }, 'request failed');
      sendJson(res, 500, { error: 'Internal server error' });
    });
  });
}
