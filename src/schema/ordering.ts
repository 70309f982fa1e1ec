// `orderBy: {field, direction}` for every list: one enum of sortable fields per list, mapped to
// columns, with the id as tie-breaker so cursor pagination stays stable when values repeat.
import { GraphQLError } from 'graphql';
import { builder } from '../builder.ts';

export const OrderDirection = builder.enumType('OrderDirection', {
  description: 'Sort direction.',
  values: { ASC: { description: 'Ascending.' }, DESC: { description: 'Descending.' } } as const,
});

type Direction = 'asc' | 'desc';

export function orderInput<const Fields extends Record<string, { column: string; description: string }>>(
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
    const column = fields[chosen.field]!.column;
    return column === 'id' ? [{ id: direction }] : [{ [column]: direction }, { id: direction }];
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
    throw new GraphQLError('Argument "offset" must be a non-negative integer.', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return { ...query, skip: (query.skip ?? 0) + offset };
}

export const offsetArgDescription = 'Skip this many items first (page-number pagination); prefer cursors.';
