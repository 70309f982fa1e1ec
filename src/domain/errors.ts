// Expected failures raised by domain rules. GraphQL mutations turn them into `userErrors`,
// the REST adapter into 400/404/409 responses; anything else is a bug and a 500.
export type UserErrorCode =
  | 'INVALID'
  | 'REQUIRED'
  | 'TOO_LONG'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'FORBIDDEN'
  | 'TAKEN'
  | 'LIMIT_REACHED';

export interface UserErrorShape {
  message: string;
  field: string[] | null;
  code: UserErrorCode;
}

export class DomainError extends Error {
  readonly errors: UserErrorShape[];
  constructor(errors: UserErrorShape[]) {
    super(errors.map((e) => e.message).join(' '));
    this.errors = errors;
    this.name = 'DomainError';
  }

  static of(code: UserErrorCode, message: string, field?: string[]) {
    return new DomainError([{ code, message, field: field ?? null }]);
  }
}

/** Collects several validation problems so the caller hears about all of them at once. */
export class Problems {
  readonly list: UserErrorShape[] = [];
  add(code: UserErrorCode, message: string, field?: string[]) {
    this.list.push({ code, message, field: field ?? null });
  }
  throwIfAny() {
    if (this.list.length > 0) throw new DomainError(this.list);
  }
}

/** True for Prisma's unique-constraint violation (P2002), whichever adapter raised it. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2002';
}

/** True for Prisma's foreign-key violation (P2003). */
export function isForeignKeyViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'P2003';
}

/**
 * Whether a unique violation is about `column`. Prisma 7's driver adapters leave `meta.target`
 * empty and report the constraint differently per driver (PGlite: fields, node-postgres: index
 * name), so we look for the column name anywhere in what the error carries.
 */
export function uniqueViolationMentions(error: unknown, column: string): boolean {
  if (!isUniqueViolation(error)) return false;
  const { meta, message } = error as { meta?: unknown; message?: string };
  return JSON.stringify(meta ?? {}).includes(column) || (message ?? '').includes(column);
}
