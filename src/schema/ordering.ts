// `orderBy: {field, direction}` for every list: one enum of sortable fields per list, mapped to
// columns, with the id as tie-breaker so cursor pagination stays stable when values repeat.
import { GraphQLError } from 'graphql';
import { builder } from '../builder.ts';
import type { ReadCache } from '../db/read-cache.ts';
import { after, anchorSelect, keysetColumns } from './keyset.ts';

export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction.',
  values: { ASC: { description: 'Ascending.' }, DESC: { description: 'Descending.' } } as const,
});

type Direction = 'asc' | 'desc';

/** A sortable field: one column, or several compared in turn (a person stored in two columns). */
type SortField = { column: string; columns?: string[]; description: string };

export function orderInput<const Fields extends Record<string, SortField>>(
  name: string,
  description: string,
  fields: Fields,
  fallback: { field: keyof Fields & string; direction: 'ASC' | 'DESC' },
) {
  const values = Object.fromEntries(Object.entries(fields).map(([key, f]) => [key, { description: f.description }]));
  const FieldEnum = builder.enumType(`${name}Field`, {
    description: `What to sort by.`,
    values: values as { [K in keyof Fields]: { description: string } },
  });
  const Input = builder.inputType(name, {
    description,
    fields: (t) => ({
      field: t.field({ type: FieldEnum, required: true, description: 'What to sort by.' }),
      direction: t.field({ type: OrderDirection, required: true, description: 'Ascending or descending.' }),
    }),
  });
  const toPrisma = (order: { field: string; direction: 'ASC' | 'DESC' } | null | undefined) => {
    const chosen = order ?? fallback;
    const direction: Direction = chosen.direction === 'ASC' ? 'asc' : 'desc';
    const { column, columns = [column] } = fields[chosen.field]!;
    return column === 'id' ? [{ id: direction }] : [...columns.map((c) => ({ [c]: direction })), { id: direction }];
  };
  return { Input, toPrisma };
}

/**
 * `offset:` on lists, for page-number clients (the DiamanteDesk REST adapter's `page`):
 * skips that many items before the cursor window Pothos computes.
 */
export function withOffset<Q extends { skip?: number }>(query: Q, offset: number | null | undefined): Q {
  if (offset == null || offset === 0) return query;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new GraphQLError('Argument "offset" must be a non-negative integer.', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  return { ...query, skip: (query.skip ?? 0) + offset };
}

export const offsetArgDescription = 'Skip this many items first (page-number pagination); prefer cursors.';

interface PageableDelegate<T> {
  findMany(args: object): Promise<T[]>;
  findFirst(args: object): Promise<Record<string, unknown> | null>;
}

/**
 * One page of a list of `model`, honouring `offset`. A cursor (`after`/`before`) or a deep offset
 * becomes a keyset `where` on the sort columns when the order allows one (src/schema/keyset.ts):
 * the sort values of the anchor row are read first (an index lookup, or for an offset an
 * index-only scan), because skipping rows in the main query makes the database build every
 * skipped row's joined relations (page 400 took 1.3 s that way), and Prisma's own cursor loads
 * each relation in a statement of its own.
 */
export async function findPage<T>(
  delegate: PageableDelegate<T>,
  model: string,
  query: { skip?: number; take?: number; cursor?: Record<string, unknown> },
  where: object,
  orderBy: object | object[],
  offset: number | null | undefined,
  reads?: ReadCache,
): Promise<T[]> {
  const paged = withOffset(query, offset);
  const columns = keysetColumns(model, orderBy);
  if (!columns) return prismaCursorPage(delegate, query, paged, where, orderBy, offset);
  const { cursor, skip = 0, take, ...selection } = paged;
  if (!cursor && !offset) return delegate.findMany({ ...paged, where, orderBy });
  const backwards = take !== undefined && take < 0;
  // Prisma's cursor row is the first of the page; its skip counts from there.
  let remaining = skip;
  let anchor: Record<string, unknown> | null;
  const anchorAt = (at: number) => `anchor ${at} ${JSON.stringify(orderBy)}`;
  if (cursor) {
    anchor = await delegate.findFirst({ where: cursor, select: anchorSelect(columns) });
  } else {
    // The row at a deep offset, found by walking that many index entries: kept (src/db/read-cache.ts)
    // for the same page again, and for the next page once this one is read (below).
    const lookup = () => delegate.findFirst({ where, orderBy, skip: offset!, select: anchorSelect(columns) });
    anchor = await (reads ? reads.get(model, where, anchorAt(offset!), lookup) : lookup());
    remaining = skip - offset!;
  }
  if (!anchor) return [];
  const fromAnchor = {
    where: { AND: [where, after(columns, anchor, { backwards, inclusive: remaining === 0 })] },
    skip: Math.max(0, remaining - 1),
  };
  if (backwards) {
    // `before`: the rows just before the anchor, read in reverse and returned in the list's order.
    const reversed = (Array.isArray(orderBy) ? orderBy : [orderBy]).map((term) =>
      Object.fromEntries(Object.entries(term).map(([c, d]) => [c, d === 'asc' ? 'desc' : 'asc'])),
    );
    const rows = await delegate.findMany({ ...selection, ...fromAnchor, orderBy: reversed, take: -take! });
    return rows.reverse();
  }
  if (cursor || !reads || take === undefined || remaining !== 0) {
    return delegate.findMany({ ...selection, ...fromAnchor, orderBy, take });
  }
  // A page-number client reads the next page next: the row after this page is its anchor.
  const since = reads.stamp(model, where);
  const withSortColumns =
    'select' in selection && selection.select
      ? { ...selection, select: { ...(selection.select as object), ...anchorSelect(columns) } }
      : selection;
  const rows = await delegate.findMany({ ...withSortColumns, ...fromAnchor, orderBy, take });
  if (rows.length === take) {
    const next = rows[take - 1] as Record<string, unknown>;
    reads.remember(
      model,
      where,
      anchorAt(offset! + take - 1),
      Object.fromEntries(columns.map(([c]) => [c, next[c]])),
      since,
    );
  }
  return rows;
}

/** Orders a keyset cannot follow: Prisma's cursor, and a deep offset as an id anchor first. */
export async function prismaCursorPage<T>(
  delegate: PageableDelegate<T>,
  query: { skip?: number; cursor?: unknown },
  paged: object,
  where: object,
  orderBy: object | object[],
  offset: number | null | undefined,
): Promise<T[]> {
  if (!offset || query.cursor) return delegate.findMany({ ...paged, where, orderBy });
  const anchor = await delegate.findFirst({ where, orderBy, skip: offset, select: { id: true } });
  if (!anchor) return [];
  return delegate.findMany({ ...query, cursor: { id: anchor.id }, skip: 0, where, orderBy });
}

/** `after` (inclusive) to `before` (exclusive) as a Prisma filter; undefined when neither is given. */
export function timeRange(after: Date | null | undefined, before: Date | null | undefined) {
  return after || before ? { gte: after ?? undefined, lt: before ?? undefined } : undefined;
}
