// Introspection answers without credentials, so its size must not depend on how the query is
// written: `__schema { types { fields { type { fields { ... } } } } }` or a few aliases multiplied
// the full schema (15 MB answered to a 26 KB request). The standard introspection query (GraphiQL's,
// `getIntrospectionQuery()`) nests at most three lists (types > fields > args) and uses no alias;
// these limits keep that and refuse the rest, for every caller, before execution.
import {
  type ExecutionArgs,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  Kind,
  SchemaMetaFieldDef,
  type SelectionSetNode,
  TypeMetaFieldDef,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';

export const INTROSPECTION_LIMITS = {
  /** `__schema` selections per operation (aliases included). */
  maxSchemaFields: 1,
  /** `__type(name:)` selections per operation (aliases included). */
  maxTypeFields: 10,
  /** Lists nested in one another below `__schema`/`__type`. */
  maxListNesting: 3,
  /** Aliases below `__schema`/`__type`. */
  maxAliases: 5,
  /** Selections visited with fragments expanded (stops exponential fragment reuse). */
  maxSelections: 20_000,
};

function refuse(message: string) {
  return new GraphQLError(message, { extensions: { code: 'QUERY_TOO_COMPLEX' } });
}

export function introspectionLimitError(args: ExecutionArgs, limits = INTROSPECTION_LIMITS): GraphQLError | null {
  const schema: GraphQLSchema = args.schema;
  const operations = args.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const operation =
    operations.length <= 1 ? operations[0] : operations.find((d) => d.name?.value === args.operationName);
  if (operation?.operation !== 'query') return null;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of args.document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  let schemaFields = 0;
  let typeFields = 0;
  let aliases = 0;
  let visited = 0;
  let error: GraphQLError | null = null;

  /** Walks a selection set of introspection type `typeName`, `lists` lists deep, fragments expanded. */
  const walk = (set: SelectionSetNode, typeName: string, lists: number, seen: string[]) => {
    for (const selection of set.selections) {
      if (error) return;
      if (++visited > limits.maxSelections) {
        error = refuse(
          `The introspection query selects more than ${limits.maxSelections} fields with its fragments expanded.`,
        );
        return;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.includes(fragment.name.value))
          walk(fragment.selectionSet, typeName, lists, [...seen, fragment.name.value]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, selection.typeCondition?.name.value ?? typeName, lists, seen);
      } else {
        if (selection.alias) aliases++;
        if (aliases > limits.maxAliases) {
          error = refuse(`Introspection takes at most ${limits.maxAliases} aliases.`);
          return;
        }
        const parent = schema.getType(typeName);
        const field = isObjectType(parent) ? parent.getFields()[selection.name.value] : undefined;
        if (!field || !selection.selectionSet) continue;
        const nested = lists + (isListType(getNullableType(field.type)) ? 1 : 0);
        if (nested > limits.maxListNesting) {
          error = refuse(
            `Introspection lists may nest at most ${limits.maxListNesting} deep (as in types { fields { args } }); "${selection.name.value}" is nested deeper.`,
          );
          return;
        }
        walk(selection.selectionSet, getNamedType(field.type).name, nested, seen);
      }
    }
  };

  /** Finds the introspection fields at the root, through fragments. */
  const root = (set: SelectionSetNode, seen: string[]) => {
    for (const selection of set.selections) {
      if (error) return;
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.includes(fragment.name.value))
          root(fragment.selectionSet, [...seen, fragment.name.value]);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        root(selection.selectionSet, seen);
      } else if (selection.selectionSet && (selection.name.value === '__schema' || selection.name.value === '__type')) {
        const isSchema = selection.name.value === '__schema';
        if (isSchema ? ++schemaFields > limits.maxSchemaFields : ++typeFields > limits.maxTypeFields) {
          error = refuse(
            `An operation takes at most ${isSchema ? limits.maxSchemaFields : limits.maxTypeFields} "${selection.name.value}" field(s).`,
          );
          return;
        }
        if (selection.alias) aliases++;
        const type = isSchema ? SchemaMetaFieldDef.type : TypeMetaFieldDef.type;
        walk(selection.selectionSet, getNamedType(type).name, 0, seen);
      }
    }
  };

  root(operation.selectionSet, []);
  return error;
}

export function introspectionLimits(limits = INTROSPECTION_LIMITS): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = introspectionLimitError(args, limits);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
