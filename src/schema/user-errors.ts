// The mutation contract: `input` in, payload out, expected failures as `userErrors`.
import { builder } from '../builder.ts';
import { DomainError, type UserErrorShape } from '../domain/errors.ts';

export const UserErrorCode = builder.enumType('UserErrorCode', {
  description: 'Machine-readable reason for a `UserError`.',
  values: {
    INVALID: { description: 'The value is malformed or breaks a rule.' },
    REQUIRED: { description: 'A required value is missing.' },
    TOO_LONG: { description: 'The value is longer than allowed.' },
    NOT_FOUND: { description: 'A referenced object does not exist or is not visible to you.' },
    CONFLICT: {
      description: 'The change conflicts with the current state (for example a branch that still has tickets).',
    },
    FORBIDDEN: { description: 'You may not make this change.' },
    TAKEN: { description: 'The value must be unique and is already used.' },
    LIMIT_REACHED: { description: 'A quota is used up (for example a part-time agent’s monthly tickets).' },
  } as const,
});

export const UserError = builder.objectRef<UserErrorShape>('UserError').implement({
  description: 'An expected failure of a mutation: bad input or a rule of the helpdesk. Nothing was changed.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What went wrong, for a person to read.' }),
    field: t.exposeStringList('field', {
      nullable: true,
      description: 'Path to the input field at fault, starting below `input` (for example `["subject"]`).',
    }),
    code: t.field({ type: UserErrorCode, description: 'Machine-readable reason.', resolve: (e) => e.code }),
  }),
});

/** What a mutation resolver returns: the ids it affected, or the user errors that stopped it. */
export interface PayloadShape<T> {
  result: T | null;
  userErrors: UserErrorShape[];
}

/** Runs a domain operation; a DomainError becomes userErrors, anything else stays a real error. */
export async function asPayload<T>(operation: () => Promise<T>): Promise<PayloadShape<T>> {
  try {
    return { result: await operation(), userErrors: [] };
  } catch (error) {
    if (error instanceof DomainError) return { result: null, userErrors: error.errors };
    throw error;
  }
}

/**
 * Mutation options that let only callers with `scope` in; others get a FORBIDDEN user error
 * (not a top-level error: being refused is an expected outcome of a mutation).
 */
export function onlyFor(scope: 'staff' | 'admin', message: string) {
  return {
    authScopes: { [scope]: true } as { staff?: boolean; admin?: boolean },
    unauthorizedResolver: (): PayloadShape<never> => ({
      result: null,
      userErrors: [{ code: 'FORBIDDEN', message, field: null }],
    }),
  };
}
