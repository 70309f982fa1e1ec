// The DiamanteDesk REST adapter: a route table over the GraphQL schema. Every route is served
// under /api/rest/{latest|v1}/desk and the customer portal's /api/diamante/rest/{latest|v1}/desk,
// with an optional .json/.xml suffix; the same gate (credentials, rate limit) as GraphQL.
import type { IncomingMessage, ServerResponse } from 'node:http';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { Context, Viewer } from '../context.ts';
import { RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE_MESSAGE, isServiceUnavailable } from '../domain/errors.ts';
import type { Gate } from '../http/gate.ts';
import { headersOf } from '../http/node-io.ts';
import type { Logger } from '../logger.ts';
import { RestError, negotiateFormat, readBody, send, type Format } from './format.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { branchRoutes } from './routes/branches.ts';
import { commentRoutes } from './routes/comments.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { userRoutes } from './routes/users.ts';

export interface RouteRequest {
  ctx: Context;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed body with camelCase keys (read on demand). */
  body: () => Promise<Record<string, unknown>>;
  /** Base of this request's API (for Location and Link headers), e.g. http://host/api/rest/latest/desk. */
  base: string;
  url: URL;
  portal: boolean;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Route {
  method: HTTPMethod | HTTPMethod[];
  path: string;
  handle(request: RouteRequest): Promise<RouteResult>;
  /** Only under the customer-portal prefix. */
  portalOnly?: boolean;
}

export const REST_PREFIX = /^\/api\/(rest|diamante\/rest)\/(latest|v1)\/desk(\/.*)?$/;

export interface RestDeps {
  gate: Gate;
  makeContext: (viewer: Viewer | null, request: Request) => Context;
  logger: Logger;
  publicUrl?: string;
}


export function createRestHandler({ gate, makeContext, logger, publicUrl }: RestDeps) {
  const router = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 320 });
  const routes: Route[] = [...branchRoutes, ...ticketRoutes, ...attachmentRoutes, ...commentRoutes, ...userRoutes];
  for (const route of routes) {
    // find-my-way wants a handler; we look routes up with find() and keep the route in the store.
    router.on(route.method, route.path, () => {}, { route });
  }

  return async function handleRest(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = REST_PREFIX.exec(url.pathname)!;
    const portal = match[1] !== 'rest';
    const { path, format } = negotiateFormat(decodeURIComponent(match[3] ?? '/'), req);
    let fmt: Format = format;
    try {
      const found = router.find(req.method as HTTPMethod, path);
      const route = (found?.store as { route?: Route } | undefined)?.route;
      if (!found || !route || (route.portalOnly && !portal)) throw new RestError(404, `No route for ${req.method} ${url.pathname}.`);

      const origin = publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
      const request = new Request(`${origin}${req.url}`, { headers: headersOf(req) });
      const gated = await gate(request, req.socket.remoteAddress);
      if ('response' in gated) {
        const text = await gated.response.text();
        const message = (JSON.parse(text) as { error: string }).error;
        return send(res, fmt, gated.response.status, { error: message }, Object.fromEntries(gated.response.headers));
      }
      if (!gated.viewer) throw new RestError(401, 'Authentication required: send WSSE (X-WSSE), Basic or Bearer credentials.', {
        'WWW-Authenticate': 'WSSE realm="helpdesk", profile="UsernameToken", Basic realm="helpdesk"',
      });
      const result = await route.handle({
        ctx: makeContext(gated.viewer, request),
        params: found.params as Record<string, string>,
        query: url.searchParams,
        body: () => readBody(req),
        base: `${origin}${url.pathname.slice(0, url.pathname.length - (match[3] ?? '').length)}`,
        url: new URL(`${origin}${req.url}`),
        portal,
      });
      send(res, fmt, result.status, result.body, { ...gated.headers, ...result.headers });
    } catch (error) {
      if (error instanceof RestError) return send(res, fmt, error.status, { error: error.message }, error.headers);
      if (isServiceUnavailable(error)) {
        logger.warn({ err: error }, 'database too slow or too busy: answered 503');
        return send(res, fmt, 503, { error: SERVICE_UNAVAILABLE_MESSAGE }, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
      }
      logger.error({ err: error }, 'REST request failed');
      send(res, fmt, 500, { error: 'Internal server error.' });
    }
  };
}
