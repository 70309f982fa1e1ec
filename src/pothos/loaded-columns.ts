// A Pothos plugin that answers an exposed column (`t.exposeString('key')` on a type in select mode)
// straight from the row when the row was loaded with it.
//
// In select mode plugin-prisma wraps every exposed column in its loader-mapping check, which looks
// up the plan the row was loaded by (a response-path string and map lookups per field per row) so
// that a row loaded without that column can be reloaded. A row that has the column needs none of
// it: its value is the column's, whichever plan loaded it. A list of 50 tickets with 5 comments
// each resolves about 700 such fields; the check was 12% of the server's CPU on that list.
//
// Placed between scope-auth and prisma (builder.ts), so field permissions still run first, and a
// row without the column still goes through prisma's check and its fallback load.
import SchemaBuilder, { BasePlugin, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import type { GraphQLFieldResolver } from 'graphql';

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      loadedColumns: LoadedColumnsPlugin<Types>;
    }
  }
}

export class LoadedColumnsPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const extensions = fieldConfig.extensions ?? {};
    const column = extensions.pothosPrismaVariant;
    const select = extensions.pothosPrismaSelect as Record<string, unknown> | false | undefined;
    // Only plain exposes: the variant names the column, and the column is all the field selects.
    if (fieldConfig.kind !== 'PrismaObject' || typeof column !== 'string' || !select) return resolver;
    if (Object.keys(select).length !== 1 || select[column] !== true) return resolver;
    return (parent, args, context, info) => {
      if (parent !== null && typeof parent === 'object' && column in parent) {
        return (parent as Record<string, unknown>)[column];
      }
      return resolver(parent, args, context, info);
    };
  }
}

const pluginName = 'loadedColumns' as const;
export default pluginName;

SchemaBuilder.registerPlugin(pluginName, LoadedColumnsPlugin);
