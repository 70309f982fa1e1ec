// A Pothos plugin that checks a list's `after`/`before` cursor before plugin-prisma decodes it.
//
// plugin-prisma's cursors are base64 of a tagged value (`GPC:N:5`, `GPC:S:…`), and it hands
// whatever the tag decodes to (a string, NaN, Infinity, an object, an invalid Date) to Prisma as
// the id: a hand-made cursor failed in Prisma's validation or in PostgreSQL, as "Unexpected error.".
// The decoded value is checked here against what the list's rows are keyed by, which the shared
// connection type declares (`cursorValue`, src/schema/connection.ts), once for every list that
// pages through plugin-prisma, top level or nested, keyset page or Prisma's cursor.
//
// A nested list's cursor is decoded while its parent plans its query (pothosPrismaSelect), before
// the list's own resolver runs: both are checked. Placed before prisma (builder.ts), so the resolver
// check runs before prisma's fallback load too.
import SchemaBuilder, {
  BasePlugin,
  decodeBase64,
  decodeCursorChunk,
  type PothosOutputFieldConfig,
  type SchemaTypes,
} from '@pothos/core';
import { GraphQLError, type GraphQLFieldResolver } from 'graphql';

declare global {
  export namespace PothosSchemaTypes {
    interface Plugins<Types extends SchemaTypes> {
      cursorCheck: CursorCheckPlugin<Types>;
    }
  }
}

/** Whether a decoded cursor value is one a list's rows can be keyed by. */
export type CursorValueCheck = (value: unknown) => boolean;

type Args = Record<string, unknown>;

function invalidCursor(cursor: string, argument: string) {
  const shown = cursor.length > 60 ? `${cursor.slice(0, 60)}…` : cursor;
  return new GraphQLError(`Invalid cursor: ${shown}`, { extensions: { code: 'BAD_USER_INPUT', argument } });
}

function checkCursors(args: Args, fits: CursorValueCheck) {
  for (const argument of ['after', 'before']) {
    const cursor = args[argument];
    if (cursor == null) continue;
    if (typeof cursor !== 'string') throw invalidCursor(String(cursor), argument);
    let value: unknown;
    try {
      const decoded = decodeBase64(cursor);
      if (!decoded.startsWith('GPC:')) throw invalidCursor(cursor, argument);
      value = decodeCursorChunk(decoded.slice(4));
    } catch {
      throw invalidCursor(cursor, argument);
    }
    if (!fits(value)) throw invalidCursor(cursor, argument);
  }
}

export class CursorCheckPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  /** The check of a field's cursors: the one its connection type declares, if any. */
  private checkOf(fieldConfig: PothosOutputFieldConfig<Types>): CursorValueCheck | undefined {
    if (fieldConfig.type.kind !== 'Object' || !fieldConfig.args.after) return undefined;
    const connection = this.buildCache.getTypeConfig(fieldConfig.type.ref);
    return connection.extensions?.cursorValue as CursorValueCheck | undefined;
  }

  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const fits = this.checkOf(fieldConfig);
    const select = fieldConfig.extensions?.pothosPrismaSelect;
    if (!fits || typeof select !== 'function') return fieldConfig;
    return {
      ...fieldConfig,
      extensions: {
        ...fieldConfig.extensions,
        pothosPrismaSelect: (args: Args, ...rest: unknown[]) => {
          checkCursors(args, fits);
          return select(args, ...rest);
        },
      },
    };
  }

  override wrapResolve(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
    fieldConfig: PothosOutputFieldConfig<Types>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    const fits = this.checkOf(fieldConfig);
    if (!fits) return resolver;
    return (parent, args, context, info) => {
      checkCursors(args as Args, fits);
      return resolver(parent, args, context, info);
    };
  }
}

const pluginName = 'cursorCheck' as const;
export default pluginName;

SchemaBuilder.registerPlugin(pluginName, CursorCheckPlugin);
