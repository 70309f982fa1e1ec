import { GraphQLError } from 'graphql';

/** Lookups such as `ticket(id:, key:)` take exactly one of their alternative arguments. */
export function exactlyOne(what: string, args: Record<string, unknown>, names: string[]) {
  const given = names.filter((name) => args[name] != null);
  if (given.length !== 1) {
    throw new GraphQLError(`Give exactly one of ${names.map((n) => `"${n}"`).join(' or ')} to find a ${what}.`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
}
