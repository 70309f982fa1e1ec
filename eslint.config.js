// ESLint checks the GraphQL schema only (Biome lints and formats the TypeScript): graphql-eslint's
// `schema-recommended` and `relay` rule sets against the committed schema.graphql, in `npm test`.
import graphql from '@graphql-eslint/eslint-plugin';

export default [
  {
    files: ['schema.graphql'],
    languageOptions: {
      parser: graphql.parser,
      parserOptions: { graphQLConfig: { schema: 'schema.graphql' } },
    },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      ...graphql.configs['flat/schema-recommended'].rules,
      ...graphql.configs['flat/schema-relay'].rules,
      // Adjusted, not off: every object has `id: ID!` except the ones that are not entities
      // (pages, edges, mutation payloads, the page info, the user errors and an event's field
      // changes describe a result; refetching them by id means nothing).
      '@graphql-eslint/strict-id-in-types': [
        'error',
        {
          acceptedIdNames: ['id'],
          acceptedIdTypes: ['ID'],
          exceptions: {
            types: ['PageInfo', 'UserError', 'FieldChange'],
            suffixes: ['Connection', 'Edge', 'Payload'],
          },
        },
      ],
      // Adjusted, not off: edges are named *Edge and hold a Node (the rule's other checks stay),
      // but plain lists are allowed where a list is small and bounded and never paginated (a
      // ticket's tags and watchers, a payload's userErrors, the custom field definitions), and for
      // the `nodes` shortcut every connection carries beside `edges` (as GitHub's API does).
      '@graphql-eslint/relay-edge-types': [
        'error',
        { withEdgeSuffix: true, shouldImplementNode: true, listTypeCanWrapOnlyEdgeType: false },
      ],
    },
  },
];
