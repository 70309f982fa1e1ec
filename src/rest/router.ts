// The DiamanteDesk REST adapter: a route table over the GraphQL schema. Every route is served
// under /api/rest/{latest|v1}/desk and the customer portal's /api/diamante/rest/{latest|v1}/desk,
// with an optional .json/.xml suffix; the same gate (credentials, rate limit) as GraphQL.
import type { IncomingMessage, ServerResponse } from 'node:http';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { Context, Viewer } from '../context.ts';
import { isServiceUnavailable, RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE_MESSAGE } from '../domain/errors.ts';
import { type CorsPolicy, CROSS_SITE_MESSAGE, crossSiteWriteRefused } from '../http/browser-safety.ts';
import { AUTHENTICATION_REQUIRED, type Gate, type Refusal, unauthorized } from '../http/gate.ts';
import { headersOf } from '../http/node-io.ts';
import type { Logger } from '../logger.ts';
import {
  badText,
  checkParams,
  type Format,
  MAX_PARAMETERS,
  negotiateFormat,
  PhpQuery,
  RestError,
  readBody,
  send,
} from './format.ts';
import { attachmentRoutes } from './routes/attachments.ts';
import { branchRoutes } from './routes/branches.ts';
import { commentRoutes } from './routes/comments.ts';
import { oroUserRoutes } from './routes/oro-users.ts';
import { ticketRoutes } from './routes/tickets.ts';
import { userRoutes } from './routes/users.ts';

export interface RouteRequest {
  ctx: Context;
  params: Record<string, string>;
  /** The query string as PHP reads it (bracket lists, last of repeated keys). */
  query: PhpQuery;
  /** Parsed body with camelCase keys (read on demand). */
  body: () => Promise<Record<string, unknown>>;
  /** Base of this request's API (for Location and Link headers), e.g. http://host/api/rest/latest/desk. */
  base: string;
  url: URL;
  portal: boolean;
  logger: Logger;
  /** Largest page a list serves (HELPDESK_REST_MAX_PAGE_SIZE); larger `limit`s are clamped to it. */
  maxPageSize: number;
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

/**
 * `/api/rest/{v}/desk/...` (staff) and `/api/diamante/rest/{v}/desk/...` (portal), plus the
 * OroPlatform user API beside the desk on the staff prefix (`/api/rest/{v}/users`, `/user/filter`).
 */
export const REST_PREFIX = /^\/api\/(rest|diamante\/rest)\/(latest|v1)(\/.*)?$/;

/** Where a path under the prefix is routed: the desk API, or (staff prefix only) Oro's user API. */
function areaOf(rest: string, portal: boolean): { area: 'desk' | 'oro'; path: string } | null {
  const desk = /^\/desk(?=[/.]|$)/.exec(rest);
  if (desk) return { area: 'desk', path: rest.slice(desk[0].length) || '/' };
  return portal ? null : { area: 'oro', path: rest || '/' };
}

export interface RestDeps {
  gate: Gate;
  makeContext: (viewer: Viewer) => Context;
  logger: Logger;
  /** Base of absolute links (Location, Link); from configuration, never from the Host header. */
  baseUrl: () => string;
  cors: CorsPolicy;
  maxPageSize: number;
}

/** The path with percent-encoding undone once; a 400 for encoding that is not UTF-8 or for NUL. */
export function decodePath(raw: string): string {
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    throw new RestError(400, 'The request path has invalid percent-encoding.');
  }
  const problem = badText(path);
  if (problem) throw new RestError(400, `The request path ${problem}.`);
  return path;
}

export function checkQuery(query: URLSearchParams) {
  let count = 0;
  for (const [name, value] of query) {
    if (++count > MAX_PARAMETERS)
      throw new RestError(400, `The query string has more than ${MAX_PARAMETERS} parameters.`);
    const problem = badText(name) ?? badText(value);
    if (problem) throw new RestError(400, `Query parameter "${badText(name) ? '?' : name}" ${problem}.`);
  }
}

export function createRestHandler({ gate, makeContext, logger, baseUrl, cors, maxPageSize }: RestDeps) {
  const routers = {
    desk: FindMyWay({ ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 320 }),
    oro: FindMyWay({ ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 320 }),
  };
  const routes: Route[] = [...branchRoutes, ...ticketRoutes, ...attachmentRoutes, ...commentRoutes, ...userRoutes];
  // find-my-way wants a handler; we look routes up with find() and keep the route in the store.
  for (const route of routes) routers.desk.on(route.method, route.path, () => {}, { route });
  for (const route of oroUserRoutes) routers.oro.on(route.method, route.path, () => {}, { route });

  return async function handleRest(req: IncomingMessage, res: ServerResponse) {
    const origin = baseUrl();
    const url = new URL(`${origin}${req.url ?? '/'}`);
    const pathname = url.pathname.slice(new URL(origin).pathname.replace(/\/$/, '').length);
    const match = REST_PREFIX.exec(pathname)!;
    const portal = match[1] !== 'rest';
    let fmt: Format = negotiateFormat(match[3] ?? '/', req).format;
    try {
      const { path: full, format } = negotiateFormat(decodePath(match[3] ?? '/'), req);
      fmt = format;
      checkQuery(url.searchParams);
      const query = new PhpQuery(url.search);
      const target = areaOf(full, portal);
      // find-my-way decodes parameters itself: hand it the decoded path with `%` (and the
      // characters it would cut at) encoded again, so that `%2500` is the id "%00", not NUL.
      const found = target
        ? routers[target.area].find(req.method as HTTPMethod, target.path.replace(/[%?#;]/g, encodeURIComponent))
        : null;
      const route = (found?.store as { route?: Route } | undefined)?.route;
      if (!found || !route || (route.portalOnly && !portal))
        throw new RestError(404, `No route for ${req.method} ${pathname}.`);
      const params = checkParams(found.params as Record<string, string>);

      const request = new Request(url, { headers: headersOf(req) });
      // Same-origin is judged against the Origin the browser saw, i.e. the Host it connected to.
      const seenAt = URL.parse(`http://${req.headers.host ?? 'localhost'}`) ?? new URL(url.origin);
      if (crossSiteWriteRefused(cors, req.method ?? 'GET', request.headers.get('origin'), seenAt)) {
        throw new RestError(403, CROSS_SITE_MESSAGE);
      }
      const gated = await gate(request, req.socket.remoteAddress);
      // Refusals (401, 429, 503) in the format asked for, with their own headers only.
      const refuse = ({ status, message, headers }: Refusal) => send(res, fmt, status, { error: message }, headers);
      if ('refused' in gated) return refuse(gated.refused);
      if (!gated.viewer) return refuse(unauthorized(AUTHENTICATION_REQUIRED, gated.headers));
      const result = await route.handle({
        ctx: makeContext(gated.viewer),
        params,
        query,
        body: () => readBody(req),
        base: `${url.origin}${url.pathname.slice(0, url.pathname.length - (match[3] ?? '').length)}${target!.area === 'desk' ? '/desk' : ''}`,
        url,
        portal,
        logger,
        maxPageSize,
      });
      send(res, fmt, result.status, result.body, { ...gated.headers, ...result.headers });
    } catch (error) {
      // Answered already: the body was cut off at its cap (413) and reading it failed for that.
      if (res.headersSent) return;
      if (error instanceof RestError) return send(res, fmt, error.status, { error: error.message }, error.headers);
      if (isServiceUnavailable(error)) {
        logger.warn({ err: error }, 'database too slow or too busy: answered 503');
        return send(
          res,
          fmt,
          503,
          { error: SERVICE_UNAVAILABLE_MESSAGE },
          { 'Retry-After': String(RETRY_AFTER_SECONDS) },
        );
      }
      logger.error({ err: error }, 'REST request failed');
      send(res, fmt, 500, { error: 'Internal server error.' });
    }
  };
}
