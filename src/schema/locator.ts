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

/**
 * A lookup's locator: `by: {id | key | email}` (an @oneOf input, like the mutations take), or
 * one of the deprecated alternative arguments it replaces (`ticket(key:)`), never both.
 */
export function locatorOf<L extends object>(
  what: string,
  args: { by?: L | null } & Record<string, unknown>,
  legacy: (keyof L & string)[],
): L {
  exactlyOne(what, args, ['by', ...legacy]);
  if (args.by) return args.by;
  const name = legacy.find((n) => args[n] != null)!;
  return { [name]: args[name] } as L;
}

export const deprecatedLookup = (argument: string) => ({
  deprecationReason: `Use \`by: {${argument}: ...}\`; this argument goes in a later release.`,
});
