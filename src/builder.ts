// Configures Pothos and its plugins; defines no types (those live in src/schema/<type>.ts).
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import { DateTimeResolver, EmailAddressResolver, JSONObjectResolver, URLResolver } from 'graphql-scalars';
import type { Context } from './context.ts';
import type PrismaTypes from './generated/pothos-types.ts';
import { getDatamodel } from './generated/pothos-types.ts';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    EmailAddress: { Input: string; Output: string };
    URL: { Input: URL | string; Output: URL | string };
    JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  };
}>({
  plugins: [RelayPlugin, PrismaPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
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
    endCursorFieldOptions: { description: 'Cursor of the last item of the page; pass it as `after` for the next page.' },
    cursorFieldOptions: { description: 'Opaque position of this item, for `after`/`before`.' },
    nodeFieldOptions: { description: 'The item.' },
    edgesFieldOptions: { nullable: false, description: 'The items of this page with their cursors.' },
    nodesFieldOptions: { description: 'The items of this page.' },
    pageInfoFieldOptions: { description: 'Pagination state of this page.' },
    firstArgOptions: { description: `Return the first n items (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).` },
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
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'warn',
  },
});

builder.addScalarType('DateTime', DateTimeResolver);
builder.addScalarType('EmailAddress', EmailAddressResolver);
builder.addScalarType('URL', URLResolver);
builder.addScalarType('JSONObject', JSONObjectResolver);

builder.queryType({ description: 'Read access to the helpdesk.' });
builder.mutationType({ description: 'Changes to the helpdesk. Expected failures come back as `userErrors`.' });
