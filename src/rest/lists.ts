// DiamanteDesk list conventions: page/limit, X-Total, a Link header (first, last, next, prev)
// that keeps every filter, sort/order, and created/updated Before/After.
import { RestError } from './format.ts';
import type { RouteRequest } from './router.ts';

export const DEFAULT_LIMIT = 25;
export const MAX_LIMIT = 100;

function positiveInt(query: URLSearchParams, name: string, fallback: number) {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new RestError(400, `"${name}" must be a positive integer.`);
  return Number(raw);
}

export function pageOf(query: URLSearchParams) {
  const page = positiveInt(query, 'page', 1);
  const limit = positiveInt(query, 'limit', DEFAULT_LIMIT);
  if (limit > MAX_LIMIT) throw new RestError(400, `"limit" must be at most ${MAX_LIMIT}.`);
  return { page, limit, first: limit, offset: (page - 1) * limit };
}

/** `sort` (a property, snake or camel case) and `order` mapped to a GraphQL orderBy. */
export function orderOf(query: URLSearchParams, fields: Record<string, string>, fallback: string) {
  const sort = (query.get('sort') ?? 'id').replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  const field = fields[sort];
  if (!field)
    throw new RestError(400, `Cannot sort by "${query.get('sort')}"; use one of ${Object.keys(fields).join(', ')}.`);
  const order = (query.get('order') ?? 'asc').toLowerCase();
  if (order !== 'asc' && order !== 'desc') throw new RestError(400, '"order" must be asc or desc.');
  return { field: field ?? fallback, direction: order.toUpperCase() as 'ASC' | 'DESC' };
}

function dateParam(query: URLSearchParams, name: string) {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const time = Date.parse(raw.replace(' ', '+'));
  if (Number.isNaN(time)) throw new RestError(400, `"${name}" is not a date.`);
  return new Date(time).toISOString();
}

/** createdAfter/Before, updatedAfter/Before (after: at or after; before: strictly before; UTC). */
export function dateFilters(query: URLSearchParams) {
  return {
    createdAfter: dateParam(query, 'createdAfter'),
    createdBefore: dateParam(query, 'createdBefore'),
    updatedAfter: dateParam(query, 'updatedAfter'),
    updatedBefore: dateParam(query, 'updatedBefore'),
  };
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
