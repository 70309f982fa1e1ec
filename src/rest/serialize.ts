// DiamanteDesk's JSON: snake_case keys, `2015-07-17T11:25:21+0000` dates, null fields left out.

/** `2015-07-17T11:25:21+0000`. */
export function restDate(value: string | Date | null | undefined): string | undefined {
  if (value == null) return undefined;
  return new Date(value).toISOString().replace(/\.\d{3}Z$/, '+0000');
}

/** Drops null and undefined fields, as the original serializer did. */
export function compact<T extends Record<string, unknown>>(object: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(object).filter(([, value]) => value !== null && value !== undefined),
  ) as Partial<T>;
}

/** Parses `oro_5` / `diamante_7` into a GraphQL typename and database id. */
export function parsePersonId(value: unknown): { typename: 'Agent' | 'Customer'; id: number } | null {
  const match = /^(oro|diamante)_(\d{1,10})$/.exec(String(value ?? '').trim());
  if (!match) return null;
  return { typename: match[1] === 'oro' ? 'Agent' : 'Customer', id: Number(match[2]) };
}
