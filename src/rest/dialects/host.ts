// Serves every dialect (dialect.ts) from one handler: decodes and bounds the request, finds the
// route, checks cross-site writes, passes the gate (same credentials as GraphQL: Basic
// email:key, Bearer key, WSSE), runs the route and answers in the dialect's own error shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import FindMyWay, { type HTTPMethod } from 'find-my-way';
import qs from 'qs';
import type { Context } from '../../context.ts';
import {
  isServiceUnavailable,
  RETRY_AFTER_SECONDS,
  SERVICE_UNAVAILABLE_MESSAGE,
  type UserErrorShape,
} from '../../domain/errors.ts';
import { CROSS_SITE_MESSAGE, crossSiteWriteRefused } from '../../http/browser-safety.ts';
import { AUTHENTICATION_REQUIRED, unauthorized } from '../../http/gate.ts';
import { headersOf } from '../../http/node-io.ts';
import { runGraphQL, throwUserErrors } from '../execute.ts';
import { checkParams, MAX_PARAMETERS, RestError, readBody, send } from '../format.ts';
import { checkQuery, decodePath, type RestDeps } from '../router.ts';
import { type Dialect, DialectError, type DialectMatch, type DialectRequest, type DialectRoute } from './dialect.ts';

/** What DiamanteDesk's router gets (gate, context, logger, links, CORS), and the dialects to serve. */
export interface DialectHostDeps extends Omit<RestDeps, 'maxPageSize'> {
  dialects: Dialect[];
}

/** `a[b][c]` nesting in query strings (`custom_fields[cf_20]=x`). */
const MAX_QUERY_DEPTH = 3;

/** The query string as PHP reads it (checked first as DiamanteDesk's routes check theirs). */
function parseQuery(url: URL): Record<string, unknown> {
  checkQuery(url.searchParams);
  try {
    return qs.parse(url.search.slice(1), {
      depth: MAX_QUERY_DEPTH,
      strictDepth: true,
      parameterLimit: MAX_PARAMETERS,
      arrayLimit: 100,
      throwOnLimitExceeded: true,
      plainObjects: true,
    }) as Record<string, unknown>;
  } catch {
    throw new RestError(400, `The query string nests brackets more than ${MAX_QUERY_DEPTH} levels deep.`);
  }
}

export function createDialectHost({ gate, makeContext, logger, baseUrl, cors, dialects }: DialectHostDeps) {
  const routers = new Map<Dialect, ReturnType<typeof FindMyWay>>();
  for (const dialect of dialects) {
    const router = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: false, maxParamLength: 320 });
    for (const route of dialect.routes) router.on(route.method, route.path, () => {}, { route });
    routers.set(dialect, router);
  }

  const relative = (pathname: string) => pathname.slice(new URL(baseUrl()).pathname.replace(/\/$/, '').length);
  const find = (pathname: string) => {
    const origin = baseUrl();
    for (const dialect of dialects) {
      const match = dialect.match(relative(pathname), origin);
      if (match) return { dialect, match };
    }
    return null;
  };

  function fail(res: ServerResponse, dialect: Dialect, error: RestError) {
    const failure = DialectError.from(error);
    send(res, 'json', failure.status, dialect.errorBody(failure), failure.headers);
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    dialect: Dialect,
    match: DialectMatch,
    url: URL,
  ): Promise<void> {
    const queryObject = parseQuery(url);
    const path = decodePath(match.path);
    // find-my-way decodes parameters itself: `%` and the characters it cuts at are encoded again.
    const found = routers.get(dialect)!.find(req.method as HTTPMethod, path.replace(/[%?#;]/g, encodeURIComponent));
    const route = (found?.store as { route?: DialectRoute } | undefined)?.route;
    if (!found || !route || (route.variants && !route.variants.includes(match.variant ?? '')))
      throw new RestError(404, `No route for ${req.method} ${url.pathname}.`);
    const params = checkParams(found.params as Record<string, string>);
    const request = new Request(url, { headers: headersOf(req) });
    const seenAt = URL.parse(`http://${req.headers.host ?? 'localhost'}`) ?? new URL(url.origin);
    if (crossSiteWriteRefused(cors, req.method ?? 'GET', request.headers.get('origin'), seenAt))
      throw new RestError(403, CROSS_SITE_MESSAGE);
    const gated = await gate(request, req.socket.remoteAddress);
    // Refusals (401, 429, 503) in the dialect's error shape, with their own headers.
    if ('refused' in gated) throw new RestError(gated.refused.status, gated.refused.message, gated.refused.headers);
    if (!gated.viewer) {
      const refusal = unauthorized(AUTHENTICATION_REQUIRED, gated.headers);
      throw new RestError(refusal.status, refusal.message, refusal.headers);
    }
    const dialectRequest: DialectRequest = {
      ctx: makeContext(gated.viewer),
      params,
      query: url.searchParams,
      queryObject,
      body: () => readBody(req),
      match,
      url,
    };
    const result = await route.handle(dialectRequest);
    send(res, 'json', result.status, result.body, { ...gated.headers, ...result.headers });
  }

  return {
    /** Whether the path belongs to one of the dialects. */
    matches: (pathname: string) => find(pathname) !== null,

    /** An error the server itself answers (413, bad Host) on a dialect's path, in its shape. */
    fail(res: ServerResponse, pathname: string, status: number, message: string, headers: Record<string, string> = {}) {
      const found = find(pathname);
      if (!found) return false;
      fail(res, found.dialect, new RestError(status, message, headers));
      return true;
    },

    async handle(req: IncomingMessage, res: ServerResponse) {
      const url = new URL(`${baseUrl()}${req.url ?? '/'}`);
      const found = find(url.pathname)!;
      try {
        await serve(req, res, found.dialect, found.match, url);
      } catch (error) {
        // Answered already: the body was cut off at its cap (413) and reading it failed for that.
        if (res.headersSent) return;
        if (error instanceof RestError) return fail(res, found.dialect, error);
        if (isServiceUnavailable(error)) {
          logger.warn({ err: error }, 'database too slow or too busy: answered 503');
          return fail(
            res,
            found.dialect,
            new RestError(503, SERVICE_UNAVAILABLE_MESSAGE, { 'Retry-After': String(RETRY_AFTER_SECONDS) }),
          );
        }
        logger.error({ err: error }, `${found.dialect.name} request failed`);
        fail(res, found.dialect, new RestError(500, 'Internal server error.'));
      }
    },
  };
}

export type DialectHost = ReturnType<typeof createDialectHost>;

/**
 * A value the schema refused (`Variable "$input" got invalid value "x" at "input.email"; Value is
 * not a valid email address`) as a field error in the dialect's names, without GraphQL's wording.
 */
function inputError(error: unknown, fieldName: (path: string[]) => string) {
  if (!(error instanceof RestError) || error.status !== 400) return error;
  const match = /^Variable "\$\w+" got invalid value .* at "\w+\.([\w.]+)"; (.*)$/s.exec(error.message);
  if (!match) return error;
  const field = fieldName(match[1]!.split('.'));
  return new DialectError(400, `${field}: ${match[2]}`, { [field]: [match[2]!] });
}

/**
 * Runs a mutation and returns its payload (`data[root]`); user errors become a DialectError with
 * the status throwUserErrors gives them and the fields named as the dialect names them.
 */
// biome-ignore lint/suspicious/noExplicitAny: each route reads the fields its own document selects
export async function mutate<T = any>(
  ctx: Context,
  source: string,
  variables: Record<string, unknown>,
  root: string,
  fieldName: (path: string[]) => string = (path) => path.join('.'),
): Promise<T> {
  let data: Record<string, { userErrors: UserErrorShape[] }>;
  try {
    data = await runGraphQL(ctx, source, variables);
  } catch (error) {
    throw inputError(error, fieldName);
  }
  const payload = data[root]!;
  try {
    throwUserErrors(payload);
  } catch (error) {
    if (error instanceof RestError)
      throw DialectError.fromUserErrors(error.status, error.message, payload.userErrors, fieldName);
    throw error;
  }
  return payload as T;
}
