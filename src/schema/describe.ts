import { type GraphQLArgument, type GraphQLSchema, isObjectType } from 'graphql';
import { MAX_NODE_IDS, maxItems } from './input-limits.ts';

/**
 * A few generated fields have no description option (plugin-prisma's `totalCount`, the relay
 * plugin's `nodes` list and `node(id)` arguments); we describe them here, and bound `nodes(ids:)`.
 */
export function describeGeneratedFields(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType()?.getFields();
  for (const arg of query?.node?.args ?? []) arg.description ??= 'Global id of the object.';
  for (const arg of query?.nodes?.args ?? []) {
    arg.description ??= `Global ids of the objects (at most ${MAX_NODE_IDS}).`;
    // src/http/input-limits.ts refuses more ids than this; the cost counts each one.
    (arg as { extensions: GraphQLArgument['extensions'] }).extensions = {
      ...arg.extensions,
      ...maxItems(MAX_NODE_IDS).extensions,
    };
  }
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    // Fields customers may not see of other people (src/schema/person.ts): null tells them so.
    for (const field of Object.values(type.getFields())) {
      const hidden = field.extensions?.hiddenFromCustomers;
      if (hidden && field.description && !field.description.includes('Null when hidden')) {
        field.description +=
          hidden === 'all'
            ? ' Null when hidden from you (customers never see it).'
            : ' Null when hidden from you (customers see other people as id and name only).';
      }
    }
    if (!type.name.endsWith('Connection')) continue;
    const totalCount = type.getFields().totalCount;
    if (totalCount && !totalCount.description) {
      totalCount.description = 'Number of items in the whole list (all pages), with the same filters.';
    }
    const nodes = type.getFields().nodes;
    if (nodes && !nodes.description) nodes.description = 'The items of this page.';
  }
  return schema;
}
