// One node:http server: GraphQL, attachment downloads, health probes (and the REST adapter).
import { createServer, type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Database } from './db/database.ts';
import { isServiceUnavailable, RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE_MESSAGE } from './domain/errors.ts';
import { capBody, isMultipart } from './http/body-cap.ts';
import { type createDownloadHandler, DOWNLOAD_PATH } from './http/downloads.ts';
import type { Gate } from './http/gate.ts';
import { sendJson } from './http/node-io.ts';
import { requestPath, SECURITY_HEADERS, validHost } from './http/request-target.ts';
import type { Logger } from './logger.ts';
import type { DialectHost } from './rest/dialects/host.ts';
import { negotiateFormat, send } from './rest/format.ts';
import { type createRestHandler, REST_PREFIX } from './rest/router.ts';
import type { HelpdeskYoga } from './yoga.ts';

export interface ServerDeps {
  yoga: HelpdeskYoga;
  /** The front door shared by every endpoint (credentials, rate limit). */
  gate: Gate;
  download: ReturnType<typeof createDownloadHandler>;
  rest: ReturnType<typeof createRestHandler>;
  /** Deskie's and Teamwork Desk's REST APIs (src/rest/dialects). */
  dialects?: DialectHost;
  /** Cap on multipart bodies (GraphQL uploads). */
  maxRequestBytes: number;
  /** Cap on every other body (JSON, XML, form, text); defaults to maxRequestBytes. */
  maxJsonBytes?: number;
  /** Slow-client limits (Node's headersTimeout, requestTimeout, maxConnections). */
  connections?: ConnectionLimits;
  /** Serve /metrics (statement counter, RSS); off unless HELPDESK_METRICS=1. */
  exposeMetrics?: boolean;
  /** What /metrics reports; this process's own by default (a cluster worker reports the cluster's). */
  metrics?: () => Promise<ProcessMetrics>;
  db: Database;
  logger: Logger;
}

export interface ProcessMetrics {
  statements: number;
  rss: number;
}

export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 15_000,
  requestTimeoutMs: 120_000,
  maxConnections: 1000,
};

async function readiness(db: Database, logger: Logger) {
  try {
    const pending = await db.pendingMigrations();
    return pending.length === 0
      ? { status: 200, body: { status: 'ready', engine: db.engine } }
      : { status: 503, body: { status: 'migrations pending', pending } };
  } catch (error) {
    // The driver's message can name hosts, ports or SQL: the log gets it, the (anonymous) probe does not.
    logger.error({ err: error }, 'readiness check: database unreachable');
    return { status: 503, body: { status: 'database unreachable' } };
  }
}

export function createHttpServer({
  yoga,
  download,
  rest,
  dialects,
  maxRequestBytes,
  maxJsonBytes = maxRequestBytes,
  connections = DEFAULT_CONNECTION_LIMITS,
  exposeMetrics = false,
  db,
  metrics = async () => ({ statements: db.statements, rss: process.memoryUsage.rss() }),
  logger,
}: ServerDeps): Server {
  /** An error answer: in the REST format asked for (JSON or XML) under the REST prefix, else JSON. */
  const fail = (
    req: IncomingMessage,
    res: ServerResponse,
    pathname: string,
    status: number,
    error: string,
    headers: Record<string, string> = {},
  ) => {
    if (REST_PREFIX.test(pathname)) return send(res, negotiateFormat(pathname, req).format, status, { error }, headers);
    if (dialects?.fail(res, pathname, status, error, headers)) return;
    sendJson(res, status, { error }, headers);
  };
  const tooLarge = (req: IncomingMessage, res: ServerResponse, pathname: string, multipart: boolean) => () =>
    fail(
      req,
      res,
      pathname,
      413,
      multipart
        ? `Request body is larger than ${maxRequestBytes} bytes (HELPDESK_MAX_REQUEST_SIZE).`
        : `Request body is larger than ${maxJsonBytes} bytes, the limit for JSON, XML, form and text bodies (HELPDESK_MAX_JSON_SIZE); send large files as multipart uploads to /graphql.`,
      { Connection: 'close' },
    );

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = requestPath(req.url);
    if (!url) return sendJson(res, 400, { error: 'Bad request target: expected a path such as /graphql.' });
    if (!validHost(req.headers.host)) return fail(req, res, url.pathname, 400, 'Invalid Host header.');
    // Absolute-form targets are served as their path; nothing downstream sees another host.
    req.url = `${url.pathname}${url.search}`;
    if (url.pathname === '/graphql') {
      const multipart = isMultipart(req);
      const body = capBody(
        req,
        res,
        multipart ? maxRequestBytes : maxJsonBytes,
        tooLarge(req, res, url.pathname, multipart),
      );
      if (body) await yoga.handle(body, res);
      return;
    }
    if (REST_PREFIX.test(url.pathname)) {
      // REST takes JSON, XML and form bodies only (base64 files inside them): one cap for all.
      const body = capBody(req, res, maxJsonBytes, tooLarge(req, res, url.pathname, false));
      if (body) await rest(body, res);
      return;
    }
    if (dialects?.matches(url.pathname)) {
      const body = capBody(req, res, maxJsonBytes, tooLarge(req, res, url.pathname, false));
      if (body) await dialects.handle(body, res);
      return;
    }
    const downloadMatch = DOWNLOAD_PATH.exec(url.pathname);
    if (downloadMatch) return download(req, res, downloadMatch[1] as 'file' | 'thumbnail', downloadMatch[2]!);
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
    if (url.pathname === '/metrics' && exposeMetrics) {
      // Prometheus text format; the benchmark reads statements per request from it.
      const { statements, rss } = await metrics();
      const text = [
        '# HELP helpdesk_sql_statements_total SQL statements sent to the database.',
        '# TYPE helpdesk_sql_statements_total counter',
        `helpdesk_sql_statements_total ${statements}`,
        '# HELP process_resident_memory_bytes Resident set size.',
        '# TYPE process_resident_memory_bytes gauge',
        `process_resident_memory_bytes ${rss}`,
        '',
      ].join('\n');
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4', 'Content-Length': Buffer.byteLength(text) });
      return res.end(text);
    }
    if (url.pathname === '/readyz') {
      const { status, body } = await readiness(db, logger);
      return sendJson(res, status, body);
    }
    if (url.pathname === '/') {
      res.writeHead(302, { Location: '/graphql' });
      return res.end();
    }
    sendJson(res, 404, { error: `No route for ${req.method} ${url.pathname}` });
  };

  const server = createServer(
    {
      headersTimeout: connections.headersTimeoutMs,
      requestTimeout: connections.requestTimeoutMs,
      // How often Node looks for connections past those timeouts (30 s by default, which let a
      // slow client hold a connection for up to 30 s more than the timeout).
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(connections.headersTimeoutMs / 4))),
    },
    (req, res) => {
      const started = process.hrtime.bigint();
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
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
        // Never the error itself: it goes to the log, the client gets a fixed message.
        if (res.headersSent) {
          logger.error({ err: error }, 'request failed');
          res.destroy();
          return;
        }
        if (isServiceUnavailable(error)) {
          logger.warn({ err: error }, 'database too slow or too busy: answered 503');
          return sendJson(
            res,
            503,
            { error: SERVICE_UNAVAILABLE_MESSAGE },
            { 'Retry-After': String(RETRY_AFTER_SECONDS) },
          );
        }
        logger.error({ err: error }, 'request failed');
        sendJson(res, 500, { error: 'Internal server error' });
      });
    },
  );
  server.maxConnections = connections.maxConnections;
  // Errors Node answers before a request exists (malformed request, headers too large, timeouts):
  // the same security headers and a JSON body, then the connection closes.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const inFlight = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage;
    if (!socket.writable || inFlight?.headersSent || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const [status, message] =
      error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'The request took too long to arrive.']
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request headers are too large.']
          : [400, 'Malformed HTTP request.'];
    const body = JSON.stringify({ error: message });
    const headers = {
      ...SECURITY_HEADERS,
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      Connection: 'close',
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head}\r\n${body}`);
    // A client that never closes its side does not keep the socket.
    setTimeout(() => socket.destroy(), 1000).unref();
  });
  return server;
}
