// DiamanteDesk list conventions: page/limit, X-Total, a Link header (first, last, next, prev)
// that keeps every filter, sort/order, and created/updated Before/After.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { MAX_PAGE_SIZE } from '../builder.ts';
import type { Context } from '../context.ts';
import { runGraphQL } from './execute.ts';
import { RestError } from './format.ts';
import { numericId } from './people.ts';
import type { RouteRequest } from './router.ts';

export const DEFAULT_LIMIT = 25;
/**
 * Items per GraphQL execution: a large page is read in batches of GraphQL's own maximum page, so
 * raising that maximum makes REST pages cheaper, never refused.
 */
export const LIST_BATCH = MAX_PAGE_SIZE;

interface Query {
  get(name: string): string | null;
}

function positiveInt(query: Query, name: string, fallback: number) {
  const raw = query.get(name)?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new RestError(400, `"${name}" must be a positive integer.`);
  return Number(raw);
}

/**
 * `page` and `limit`; a limit above the maximum is served as the maximum (the original had none,
 * and shops ask for 300, 1000 or 999999 to fill a dropdown), and X-Total/Link say what was served.
 */
export function pageOf(request: Pick<RouteRequest, 'query' | 'maxPageSize'>, fallback = DEFAULT_LIMIT) {
  const page = positiveInt(request.query, 'page', 1);
  const limit = Math.min(positiveInt(request.query, 'limit', fallback), request.maxPageSize);
  // Page numbers past any real list stay in range of the database's integers.
  const offset = Math.min((page - 1) * limit, 2 ** 31 - 1);
  return { page, limit, offset };
}

/**
 * `sort` (a property, snake or camel case) and `order` mapped to a GraphQL orderBy; `fields`
 * maps REST property names (camelCase) to the GraphQL sort field.
 */
export function orderOf(query: Query, fields: Record<string, string>) {
  const raw = query.get('sort')?.trim() || 'id';
  const sort = raw.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const field = Object.hasOwn(fields, sort) ? fields[sort] : undefined;
  if (!field) throw new RestError(400, `Cannot sort by "${raw}"; use one of ${Object.keys(fields).join(', ')}.`);
  const order = (query.get('order') ?? 'asc').trim().toLowerCase() || 'asc';
  if (order !== 'asc' && order !== 'desc') throw new RestError(400, '"order" must be asc or desc.');
  return { field, direction: order.toUpperCase() as 'ASC' | 'DESC' };
}

function dateParam(query: Query, name: string) {
  const raw = query.get(name)?.trim();
  if (!raw) return undefined;
  // An unencoded `+` of `2015-07-17T11:25:21+0000` arrives as a space (curl passes the URL as is).
  let text = raw.replace(/(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$/, '$1+$2');
  // A time without an offset is UTC (JavaScript would read it in the server's time zone).
  const local = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(text);
  if (local) text = `${local[1]}T${local[2]}Z`;
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new RestError(400, `"${name}" is not a date.`);
  return new Date(time).toISOString();
}

/** createdAfter/Before, updatedAfter/Before (after: at or after; before: strictly before; UTC). */
export function dateFilters(query: Query) {
  return {
    createdAfter: dateParam(query, 'createdAfter'),
    createdBefore: dateParam(query, 'createdBefore'),
    updatedAfter: dateParam(query, 'updatedAfter'),
    updatedBefore: dateParam(query, 'updatedBefore'),
  };
}

/** A text filter parameter: its value when given and not blank. */
export function textParam(query: Query, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = query.get(name)?.trim();
    if (value) return value;
  }
  return undefined;
}

/** X-Total and Link headers; the Link URLs keep every query parameter but the page. */
export function listHeaders(request: RouteRequest, total: number, page: number, limit: number) {
  const last = Math.max(1, Math.ceil(total / limit));
  const link = (target: number, rel: string) => {
    const url = new URL(request.url);
    url.searchParams.set('page', String(target));
    url.searchParams.set('limit', String(limit));
    return `<${url.toString()}>; rel="${rel}"`;
  };
  const links = [link(1, 'first'), link(last, 'last')];
  if (page < last) links.push(link(page + 1, 'next'));
  if (page > 1) links.push(link(Math.min(page - 1, last), 'prev previous'));
  return { 'X-Total': String(total), Link: links.join(', ') };
}

/**
 * The operation `readPage` runs: `field` of Query with the page variables, the given extra
 * variables (`{filter: 'TicketFilter'}` declares `$filter: TicketFilter` and passes it on) and
 * `selection` for each node.
 */
export function listOperation(field: string, selection: string, variables: Record<string, string> = {}) {
  const declared = Object.entries(variables)
    .map(([name, type]) => `, $${name}: ${type}`)
    .join('');
  const passed = Object.keys(variables)
    .map((name) => `, ${name}: $${name}`)
    .join('');
  return `query($first: Int, $offset: Int, $after: String, $withTotal: Boolean!${declared}) {
  ${field}(first: $first, offset: $offset, after: $after${passed}) {
    totalCount @include(if: $withTotal) nodes { ${selection} } pageInfo { hasNextPage endCursor }
  }
}`;
}

/** `id=5` or `id[]=5&id[]=7` as global ids of `typename` (undefined when none is given). */
export function idsParam(query: { all(name: string): string[] }, typename: string, name = 'id') {
  const ids = query
    .all(name)
    .map((id) => id.trim())
    .filter(Boolean);
  return ids.length ? ids.map((id) => numericId(id, name, typename)!) : undefined;
}

interface Connection<T> {
  totalCount?: number;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/**
 * One REST page read through a connection field, in batches of LIST_BATCH: the operation runs
 * once per batch (the first with `offset`, the next ones after the previous batch's cursor, so
 * rows inserted meanwhile neither repeat nor vanish) and the event loop is free between batches,
 * so a 1,000-item page does not hold other requests up. The operation declares `$first: Int`,
 * `$offset: Int`, `$after: String` and `$withTotal: Boolean!` and selects, on `field`,
 * `totalCount @include(if: $withTotal) nodes {...} pageInfo { hasNextPage endCursor }`.
 */
export async function readPage<T>(
  ctx: Context,
  operation: string,
  field: string,
  variables: Record<string, unknown>,
  { limit, offset }: { limit: number; offset: number },
): Promise<{ nodes: T[]; total: number }> {
  const nodes: T[] = [];
  let total = 0;
  let after: string | null = null;
  for (;;) {
    const first = Math.min(LIST_BATCH, limit - nodes.length);
    const data: Record<string, Connection<T>> = await runGraphQL(ctx, operation, {
      ...variables,
      first,
      offset: after ? null : offset,
      after,
      withTotal: after === null,
    });
    const connection: Connection<T> = data[field]!;
    if (after === null) total = connection.totalCount ?? 0;
    nodes.push(...connection.nodes);
    if (nodes.length >= limit || !connection.pageInfo.hasNextPage || connection.nodes.length < first) break;
    after = connection.pageInfo.endCursor;
    await yieldToEventLoop();
  }
  return { nodes, total };
}

/**
 * The REST list answer: `page`/`limit` read first (their errors win), then the operation's
 * variables (sort and filters), one page through readPage, each node mapped, X-Total and Link.
 */
export async function listResponse<T>(
  request: RouteRequest,
  operation: string,
  field: string,
  variables: (query: RouteRequest['query']) => Record<string, unknown>,
  map: (node: T) => unknown,
  defaultLimit = DEFAULT_LIMIT,
) {
  const { page, limit, offset } = pageOf(request, defaultLimit);
  const { nodes, total } = await readPage<T>(request.ctx, operation, field, variables(request.query), {
    limit,
    offset,
  });
  return {
    status: 200,
    body: await mapInBatches(nodes, map),
    headers: listHeaders(request, total, page, limit),
  };
}

/** Maps items in slices, yielding to the event loop between slices (large pages). */
export async function mapInBatches<T, R>(items: T[], map: (item: T) => R): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += LIST_BATCH) {
    if (i > 0) await yieldToEventLoop();
    for (const item of items.slice(i, i + LIST_BATCH)) out.push(map(item));
  }
  return out;
}
