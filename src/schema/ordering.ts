// `orderBy: {field, direction}` for every list: one enum of sortable fields per list, mapped to
// columns, with the id as tie-breaker so cursor pagination stays stable when values repeat.
import { GraphQLError } from 'graphql';
import { builder } from '../builder.ts';

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
  findFirst(args: object): Promise<{ id: number } | null>;
}

/**
 * One page of a list, honouring `offset`. A deep offset is turned into a cursor: the id at that
 * position is found with an index-only query first, because skipping rows in the main query makes
 * the database build every skipped row's joined relations (page 400 took 1.3 s that way).
 */
export async function findPage<T>(
  delegate: PageableDelegate<T>,
  query: { skip?: number; cursor?: unknown },
  where: object,
  orderBy: object | object[],
  offset: number | null | undefined,
): Promise<T[]> {
  const paged = withOffset(query, offset);
  if (!offset || query.cursor) return delegate.findMany({ ...paged, where, orderBy });
  const anchor = await delegate.findFirst({ where, orderBy, skip: offset, select: { id: true } });
  if (!anchor) return [];
  return delegate.findMany({ ...query, cursor: { id: anchor.id }, skip: 0, where, orderBy });
}

/** `after` (inclusive) to `before` (exclusive) as a Prisma filter; undefined when neither is given. */
export function timeRange(after: Date | null | undefined, before: Date | null | undefined) {
  return after || before ? { gte: after ?? undefined, lt: before ?? undefined } : undefined;
}
