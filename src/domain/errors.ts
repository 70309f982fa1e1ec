// Expected failures raised by domain rules. GraphQL mutations turn them into `userErrors`,
// the REST adapter into 400/404/409 responses. A database that is too slow or too busy is a 503
// (isServiceUnavailable); anything else is a bug and a 500.
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

/**
 * True when a statement named a table that does not exist: P2021 from a model query, or a raw
 * query's driver error (kind TableDoesNotExist, SQLSTATE 42P01) on either adapter.
 */
export function isMissingTable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, meta } = error as { code?: string; meta?: { driverAdapterError?: { cause?: unknown } } };
  if (code === 'P2021') return true;
  const cause = meta?.driverAdapterError?.cause as { kind?: string; originalCode?: string } | undefined;
  return code === 'P2010' && (cause?.kind === 'TableDoesNotExist' || cause?.originalCode === '42P01');
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

/**
 * The embedded database serves one statement at a time; a request that waited longer than the
 * pool timeout for it gets this instead of queueing behind a slow statement indefinitely.
 */
export class DatabaseBusyError extends Error {
  constructor(waitedMs: number) {
    super(`The database connection stayed busy for more than ${waitedMs} ms.`);
    this.name = 'DatabaseBusyError';
  }
}

/** What clients read when the database is too slow or too busy: no SQL, no driver text. */
export const SERVICE_UNAVAILABLE_MESSAGE =
  'The service is busy: a database operation took too long. Try again shortly.';
/** Seconds a client is asked to wait (`Retry-After`) after a 503. */
export const RETRY_AFTER_SECONDS = 5;

// PostgreSQL SQLSTATEs of an overloaded or unavailable server: query_canceled (statement_timeout),
// lock_not_available (lock_timeout), admin/crash shutdown, cannot_connect_now, too_many_connections,
// configuration_limit_exceeded.
const busyStates = new Set(['57014', '55P03', '57P01', '57P02', '57P03', '53300', '53400']);
// Driver adapter error kinds with the same meaning.
const busyKinds = new Set(['TooManyConnections', 'SocketTimeout', 'DatabaseNotReachable', 'ConnectionClosed']);
// Prisma: transaction could not start in time or expired (P2028), pool timeout (P2024),
// database unreachable or timed out (P1001, P1002, P1008, P1017).
const busyPrismaCodes = new Set(['P2028', 'P2024', 'P1001', 'P1002', 'P1008', 'P1017']);
// node-postgres: no pooled connection within connectionTimeoutMillis, or a connect that timed out.
const busyMessages = /timeout exceeded when trying to connect|Connection terminated due to connection timeout/;

function driverCauseIsBusy(cause: unknown): boolean {
  if (typeof cause !== 'object' || cause === null) return false;
  const { kind, code, originalCode } = cause as { kind?: string; code?: string; originalCode?: string };
  return (kind !== undefined && busyKinds.has(kind)) || busyStates.has(String(originalCode ?? code ?? ''));
}

/**
 * True when an error means "the database is too slow or too busy right now" (a statement
 * timeout, no connection within the pool timeout, a transaction that could not start or
 * expired), whichever layer wrapped it (Prisma, the driver adapter, GraphQL). Those failures
 * are a 503 with SERVICE_UNAVAILABLE_MESSAGE, not a 500.
 */
export function isServiceUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === 'object' && current !== null; depth++) {
    const e = current as {
      name?: string;
      code?: unknown;
      message?: unknown;
      meta?: { driverAdapterError?: { cause?: unknown } };
      cause?: unknown;
      originalError?: unknown;
    };
    if (e.name === 'DatabaseBusyError') return true;
    if (typeof e.code === 'string' && busyPrismaCodes.has(e.code)) return true;
    if (driverCauseIsBusy(e.meta?.driverAdapterError?.cause)) return true;
    if (e.name === 'DriverAdapterError' && driverCauseIsBusy(e.cause)) return true;
    if (typeof e.code === 'string' && busyStates.has(e.code) && typeof e.message === 'string') return true;
    if (typeof e.message === 'string' && busyMessages.test(e.message)) return true;
    current = e.originalError ?? e.cause;
  }
  return false;
}
