// Runs a route's GraphQL operation in-process against the same schema and context as /graphql,
// and turns GraphQL failures into DiamanteDesk's HTTP statuses.
import { type DocumentNode, execute, GraphQLError, parse, validate } from 'graphql';
import type { Context } from '../context.ts';
import {
  isServiceUnavailable,
  RETRY_AFTER_SECONDS,
  SERVICE_UNAVAILABLE_MESSAGE,
  type UserErrorShape,
} from '../domain/errors.ts';
import { schema } from '../schema/index.ts';
import { RestError } from './format.ts';
import type { Route, RouteRequest } from './router.ts';

const parsed = new Map<string, DocumentNode>();

/** Parses and validates once per distinct operation text (the route table's constants). */
function documentFor(source: string): DocumentNode {
  let document = parsed.get(source);
  if (!document) {
    document = parse(source);
    const errors = validate(schema, document);
    if (errors.length) throw new Error(`Invalid REST operation: ${errors.map((e) => e.message).join('; ')}`);
    parsed.set(source, document);
  }
  return document;
}

const statusFor: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  BAD_USER_INPUT: 400,
  GRAPHQL_VALIDATION_FAILED: 400,
  SERVICE_UNAVAILABLE: 503,
};

// biome-ignore lint/suspicious/noExplicitAny: each route reads the fields its own document selects
export async function runGraphQL<T = any>(
  ctx: Context,
  source: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const result = await execute({ schema, document: documentFor(source), contextValue: ctx, variableValues: variables });
  if (result.errors?.length) {
    const error = result.errors[0]!;
    // A slow statement or an exhausted pool: 503 with a generic message (no SQL, no driver text).
    if (isServiceUnavailable(error.originalError)) {
      throw new RestError(503, SERVICE_UNAVAILABLE_MESSAGE, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
    const code = String(error.extensions?.code ?? '');
    const status = statusFor[code] ?? (error.originalError instanceof GraphQLError || !error.originalError ? 400 : 500);
    if (status === 500) throw error.originalError ?? error;
    throw new RestError(status, error.message);
  }
  return result.data as T;
}

const userErrorStatus: Record<string, number> = {
  INVALID: 400,
  REQUIRED: 400,
  TOO_LONG: 400,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TAKEN: 409,
  FORBIDDEN: 403,
  LIMIT_REACHED: 429,
};

/**
 * Runs a mutation and answers with its payload (`field`), its user errors thrown as the matching
 * HTTP status: every REST write goes through the GraphQL mutation and reports alike.
 */
// biome-ignore lint/suspicious/noExplicitAny: each route reads the fields its own document selects
export async function runMutation<P = any>(
  ctx: Context,
  field: string,
  source: string,
  variables: Record<string, unknown>,
): Promise<P> {
  const data = await runGraphQL<Record<string, P & { userErrors: UserErrorShape[] }>>(ctx, source, variables);
  const payload = data[field]!;
  throwUserErrors(payload);
  return payload;
}

/** `DELETE path`: the mutation `field` with the variables the request names, then 204 No Content. */
export const deleteRoute = (
  path: string,
  field: string,
  source: string,
  variables: (request: RouteRequest) => Record<string, unknown> | Promise<Record<string, unknown>>,
  options: Pick<Route, 'portalOnly'> = {},
): Route => ({
  method: 'DELETE',
  path,
  ...options,
  async handle(request) {
    await runMutation(request.ctx, field, source, await variables(request));
    return { status: 204 };
  },
});

/** A mutation payload's first user error as the matching HTTP status. */
export function throwUserErrors(payload: { userErrors: UserErrorShape[] }) {
  const first = payload.userErrors[0];
  if (!first) return;
  throw new RestError(userErrorStatus[first.code] ?? 400, payload.userErrors.map((e) => e.message).join(' '));
}
