// What a REST dialect is: another product's API served from this one's rules. A dialect is a route
// table plus its wire conventions (request parsing, envelopes, date format, error shape,
// pagination); every route runs one in-process GraphQL operation (runGraphQL), so permissions,
// validation and business rules stay in the schema and the domain, never in a dialect.
//
// The host (host.ts) does what every dialect shares: path decoding, bounded query strings,
// routing, the cross-site check, the gate (credentials, rate limit) and error mapping. Deskie and
// Teamwork Desk are dialects; DiamanteDesk's routes (src/rest/routes) are meant to move into this
// shape too: its prefix and .json/.xml suffix become `match`, its portal prefix a `variant`.
import type { HTTPMethod } from 'find-my-way';
import type { Context } from '../../context.ts';
import type { UserErrorShape } from '../../domain/errors.ts';
import { RestError } from '../format.ts';

/** Where a request landed in a dialect: the path its routes see, and what the prefix told. */
export interface DialectMatch {
  /** Path inside the dialect, e.g. `/users/200` for `/api/users/200.json`. */
  path: string;
  /** The URL of the dialect's root, for Location and paging links (`http://host/api`). */
  base: string;
  /** A sub-API chosen by the prefix (DiamanteDesk's customer portal), when the dialect has them. */
  variant?: string;
}

export interface DialectRequest {
  ctx: Context;
  params: Record<string, string>;
  /** The query string as sent. */
  query: URLSearchParams;
  /** The query string parsed as PHP does: `custom_fields[cf_20]=x` is `{custom_fields: {cf_20: 'x'}}`. */
  queryObject: Record<string, unknown>;
  /** The body as an object (JSON, form or XML; top-level keys camelCased), read on demand. */
  body: () => Promise<Record<string, unknown>>;
  match: DialectMatch;
  url: URL;
}

export interface DialectResult {
  status: number;
  /** JSON body; undefined sends none. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface DialectRoute {
  method: HTTPMethod | HTTPMethod[];
  path: string;
  handle(request: DialectRequest): Promise<DialectResult>;
  /** Only under these variants of the dialect's prefix. */
  variants?: string[];
}

export interface Dialect {
  name: string;
  /** Whether a path is this dialect's, and what its routes see of it; null when it is not. */
  match(pathname: string, origin: string): DialectMatch | null;
  routes: DialectRoute[];
  /** The dialect's error envelope for a failure (any status). */
  errorBody(error: DialectError): unknown;
}

/**
 * A failure with the user errors behind it, so that dialects whose error shape names fields
 * (Teamwork's validator `{"errors": {"email": ["must be set"]}}`) can show them.
 */
export class DialectError extends RestError {
  readonly fields: Record<string, string[]>;
  constructor(
    status: number,
    message: string,
    fields: Record<string, string[]> = {},
    headers?: Record<string, string>,
  ) {
    super(status, message, headers);
    this.fields = fields;
    this.name = 'DialectError';
  }

  static from(error: RestError) {
    return error instanceof DialectError ? error : new DialectError(error.status, error.message, {}, error.headers);
  }

  /** A mutation payload's user errors, keyed by the dialect's own field names. */
  static fromUserErrors(
    status: number,
    message: string,
    errors: UserErrorShape[],
    fieldName: (path: string[]) => string,
  ) {
    const fields: Record<string, string[]> = {};
    for (const error of errors) {
      const name = error.field?.length ? fieldName(error.field) : 'base';
      fields[name] = [...(fields[name] ?? []), error.message];
    }
    return new DialectError(status, message, fields);
  }
}
