// Configures Pothos and its plugins; defines no types (those live in src/schema/<type>.ts).
import SchemaBuilder from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { decodeGlobalID } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import { GraphQLError, type GraphQLField, GraphQLScalarType } from 'graphql';
import {
  DateTimeResolver,
  EmailAddressResolver,
  JSONObjectResolver,
  JSONResolver,
  LocaleResolver,
  URLResolver,
} from 'graphql-scalars';
import type { Context } from './context.ts';
import { scopesOf } from './domain/permissions.ts';
import type PrismaTypes from './generated/pothos-types.ts';
import { getDatamodel } from './generated/pothos-types.ts';
import CursorCheckPlugin from './pothos/cursor-check.ts';
import LoadedColumnsPlugin from './pothos/loaded-columns.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * A connection costs its page size times what each item selects (`first: 100` of something with
 * 5 comments each is 100 x 5, not the plugin's flat list multiplier), and `nodes(ids:)` its number
 * of ids; other fields cost 1.
 */
function connectionAwareComplexity(
  args: Record<string, unknown>,
  _ctx: Context,
  field: GraphQLField<unknown, Context>,
) {
  // `nodes(ids:)` loads one object per id: it costs what a page of that many items costs.
  if (field.name === 'nodes' && Array.isArray(args.ids)) return { field: 1, multiplier: Math.max(1, args.ids.length) };
  if (!field.args.some((arg) => arg.name === 'first')) return { field: 1, multiplier: 1 };
  const size = (args.first ?? args.last ?? DEFAULT_PAGE_SIZE) as number;
  return { field: 1, multiplier: Math.max(1, size) };
}

export const INT4_MIN = -2_147_483_648;
export const INT4_MAX = 2_147_483_647;
export const INT8_MAX = 9_223_372_036_854_775_807n;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Every node is keyed by a positive int4. Anything else in the id part ("1.5", "0x2", "abc",
 * 99999999999) is refused here, once, instead of being coerced by Number() into another row.
 */
export function decodeDatabaseGlobalID(globalID: string) {
  const invalid = () =>
    new GraphQLError(`"${globalID}" is not a valid id.`, { extensions: { code: 'BAD_USER_INPUT' } });
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalID(globalID);
  } catch {
    throw invalid();
  }
  // Events are numbered by an int8 sequence (the event log outgrows int4), webhook deliveries by
  // the UUID their receivers see; everything else by int4.
  if (decoded.typename === 'WebhookDelivery') {
    if (!UUID.test(decoded.id)) throw invalid();
  } else if (decoded.typename === 'Event') {
    if (!/^[1-9][0-9]{0,18}$/.test(decoded.id) || BigInt(decoded.id) > INT8_MAX) throw invalid();
  } else if (!/^[1-9][0-9]{0,9}$/.test(decoded.id) || Number(decoded.id) > INT4_MAX) throw invalid();
  return decoded;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  AuthScopes: {
    /** Any agent (admin or not). */
    staff: boolean;
    admin: boolean;
    customer: boolean;
  };
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    EmailAddress: { Input: string; Output: string };
    URL: { Input: URL | string; Output: URL | string };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
    JSON: { Input: unknown; Output: unknown };
    Locale: { Input: string; Output: string };
    File: { Input: File; Output: never };
  };
}>({
  // Outermost first: permissions, then the exposed-column shortcut, then cursors checked before
  // prisma's loading decodes them.
  plugins: [ScopeAuthPlugin, ComplexityPlugin, RelayPlugin, LoadedColumnsPlugin, CursorCheckPlugin, PrismaPlugin],
  scopeAuth: {
    // Anonymous callers never get this far (src/yoga.ts answers 401), so these see a viewer.
    authScopes: (ctx) => scopesOf(ctx.viewer),
    unauthorizedError: (_parent, _ctx, info) =>
      new GraphQLError(`You are not allowed to use "${info.parentType.name}.${info.fieldName}".`, {
        extensions: { code: 'FORBIDDEN' },
      }),
  },
  // Costs only: limits are checked and reported by src/http/operation-cost.ts.
  complexity: { fieldComplexity: connectionAwareComplexity },
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    decodeGlobalID: decodeDatabaseGlobalID,
    cursorType: 'String',
    nodesOnConnection: true,
    brandLoadedObjects: true,
    nodeTypeOptions: { description: 'An object with a global id, fetchable with `node(id:)`.' },
    idFieldOptions: { description: 'Opaque global id; use `internalId` for the database id.' },
    nodeQueryOptions: { description: 'Any object by its global id; null when missing or not visible to you.' },
    nodesQueryOptions: { description: 'Several objects by global id, in the order given; null for each missing one.' },
    pageInfoTypeOptions: { description: 'Where a page sits in the whole list (Relay cursor pagination).' },
    hasNextPageFieldOptions: { description: 'More items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'Items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first item of the page.' },
    endCursorFieldOptions: {
      description: 'Cursor of the last item of the page; pass it as `after` for the next page.',
    },
    cursorFieldOptions: { description: 'Opaque position of this item, for `after`/`before`.' },
    // Non-null items in `edges` and `nodes`: a page never holds a missing item.
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    edgesFieldOptions: { nullable: false, description: 'The items of this page with their cursors.' },
    nodesFieldOptions: { description: 'The items of this page.' },
    pageInfoFieldOptions: { description: 'Pagination state of this page.' },
    firstArgOptions: {
      description: `Return the first n items (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
    },
    lastArgOptions: { description: `Return the last n items (at most ${MAX_PAGE_SIZE}).` },
    afterArgOptions: { description: 'Return items after this cursor.' },
    beforeArgOptions: { description: 'Return items before this cursor.' },
    defaultConnectionTypeOptions: { description: 'A page of a list, with cursors and the total count.' },
    defaultEdgeTypeOptions: { description: 'An item of a list with its cursor.' },
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
    maxConnectionSize: MAX_PAGE_SIZE,
    // Payloads of failed mutations skip their query on purpose; the warning would be noise.
    onUnusedQuery: null,
  },
});

/**
 * Some graphql-scalars parsers throw plain errors for bad input (`URL` given 1.5 throws Node's
 * TypeError "Invalid URL"), which yoga answers with a 500. Bad input is the client's: rethrown as
 * a GraphQLError with code BAD_USER_INPUT.
 */
function withClientErrors(scalar: GraphQLScalarType): GraphQLScalarType {
  const config = scalar.toConfig();
  const wrap =
    <A extends unknown[], R>(parse: (...args: A) => R) =>
    (...args: A): R => {
      try {
        return parse(...args);
      } catch (error) {
        if (error instanceof GraphQLError) throw error;
        throw new GraphQLError(`${scalar.name} cannot represent this value: ${(error as Error).message}`, {
          extensions: { code: 'BAD_USER_INPUT' },
        });
      }
    };
  return new GraphQLScalarType({
    ...config,
    parseValue: wrap(config.parseValue),
    parseLiteral: wrap(config.parseLiteral),
  });
}

/** graphql-scalars' Locale lets a variable's `true` through unchanged; a locale is a string. */
function stringsOnly(scalar: GraphQLScalarType): GraphQLScalarType {
  const config = scalar.toConfig();
  return new GraphQLScalarType({
    ...config,
    parseValue: (value) => {
      if (typeof value !== 'string') {
        throw new GraphQLError(`${scalar.name} must be a string.`, { extensions: { code: 'BAD_USER_INPUT' } });
      }
      return config.parseValue(value);
    },
  });
}

/** The first and last instants a DateTime input may name, in UTC. */
const EARLIEST_DATE_TIME = '0001-01-01T00:00:00.000Z';
const LATEST_DATE_TIME = '9999-12-31T23:59:59.999Z';
const DATE_TIME_RANGE = [Date.parse(EARLIEST_DATE_TIME), Date.parse(LATEST_DATE_TIME)] as const;

/** Whether a date is one the database takes (see storableDates). */
const isStorableDate = (date: Date) => date.getTime() >= DATE_TIME_RANGE[0] && date.getTime() <= DATE_TIME_RANGE[1];

/**
 * graphql-scalars reads any four-digit year, 0000 included, but Prisma's PostgreSQL adapters
 * write a date's year without an era, so year 0 (1 BC) and any instant before year 1 in UTC
 * (`0001-01-01T00:30+01:00`) reach PostgreSQL as a value it refuses: a 500 from a filter. The
 * accepted range is years 1 to 9999 in UTC, the same as a client can write in UTC, whatever offset
 * it writes in.
 */
function storableDates(scalar: GraphQLScalarType): GraphQLScalarType {
  const config = scalar.toConfig();
  const checked = (value: unknown) => {
    if (value instanceof Date && !isStorableDate(value)) {
      throw new GraphQLError(
        `${scalar.name} must be between ${EARLIEST_DATE_TIME} and ${LATEST_DATE_TIME} (UTC); ${value.toISOString()} is not.`,
        { extensions: { code: 'BAD_USER_INPUT' } },
      );
    }
    return value;
  };
  return new GraphQLScalarType({
    ...config,
    parseValue: (value) => checked(config.parseValue(value)),
    parseLiteral: (ast, variables) => checked(config.parseLiteral(ast, variables)),
  });
}

builder.addScalarType('DateTime', withClientErrors(storableDates(DateTimeResolver)));
builder.addScalarType('EmailAddress', withClientErrors(EmailAddressResolver));
builder.addScalarType('URL', withClientErrors(URLResolver));
builder.addScalarType('JSONObject', withClientErrors(JSONObjectResolver));
builder.addScalarType('JSON', withClientErrors(JSONResolver));
builder.addScalarType('Locale', withClientErrors(stringsOnly(LocaleResolver)));

builder.queryType({ description: 'Read access to the helpdesk.' });
builder.mutationType({ description: 'Changes to the helpdesk. Expected failures come back as `userErrors`.' });

/** The `t` of an input type's `fields`, for helpers that declare fields several input types share. */
export type InputFieldBuilder = Parameters<Parameters<typeof builder.inputType>[1]['fields']>[0];
