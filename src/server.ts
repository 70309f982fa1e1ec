// One node:http server: GraphQL, health probes, and (in later work) REST and downloads.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Database } from './db/database.ts';
import type { Gate } from './http/gate.ts';
import type { Logger } from './logger.ts';
import type { HelpdeskYoga } from './yoga.ts';

export interface ServerDeps {
  yoga: HelpdeskYoga;
  /** Later routes (REST, downloads) pass requests through the same gate as GraphQL. */
  gate: Gate;
  db: Database;
  logger: Logger;
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
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

export function createHttpServer({ yoga, db, logger }: ServerDeps): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/graphql') return yoga.handle(req, res);
    if (url.pathname === '/healthz') return sendJson(res, 200, { status: 'ok' });
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
          path: req.url,
          status: res.statusCode,
          durationMs: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        },
        'request',
      );
    });
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error' });
      else res.destroy();
    });
  });
}
