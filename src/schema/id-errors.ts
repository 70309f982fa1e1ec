// Bad global ids in arguments, answered where a client can handle them.
//
// Pothos decodes global-id arguments in an argument mapper. Left alone, one malformed or
// wrong-type id fails the whole operation: the complexity plugin maps the arguments of every
// field while it costs the operation, before execution, so the error has no path and `data` is
// missing. Here the cost calculation maps leniently (it needs only page sizes), and each field
// with id arguments checks them itself first:
// - queries: that field is null, with a BAD_USER_INPUT error naming the argument (and a path);
// - `nodes(ids:)`: null (and an error at its index) for each bad id, the other ids still load;
// - mutations: a NOT_FOUND user error on the input field, like an id that names no row.
import {
  defaultFieldResolver,
  type GraphQLArgument,
  GraphQLError,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLInputField,
  type GraphQLInputType,
  type GraphQLSchema,
  getNullableType,
  isInputObjectType,
  isListType,
  isObjectType,
} from 'graphql';
import { decodeDatabaseGlobalID } from '../builder.ts';
import type { PayloadShape } from './user-errors.ts';

interface IdExtensions {
  isRelayGlobalID?: boolean;
  relayGlobalIDFor?: { typename: string }[] | null;
}

interface IdProblem {
  /** Argument name, then input field names and list indexes. */
  path: (string | number)[];
  message: string;
}

/** Why `value` is not a usable global id here, or null when it is one. */
function idProblem(schema: GraphQLSchema, value: unknown, ext: IdExtensions): string | null {
  let typename: string;
  try {
    typename = decodeDatabaseGlobalID(String(value)).typename;
  } catch {
    return `"${value}" is not a valid id.`;
  }
  const expected = ext.relayGlobalIDFor?.map((t) => t.typename);
  if (expected?.length) {
    return expected.includes(typename) ? null : `"${value}" is not the id of a ${expected.join(' or ')}.`;
  }
  const type = schema.getType(typename);
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node')
    ? null
    : `"${value}" is not the id of any object.`;
}

function findIdProblem(
  schema: GraphQLSchema,
  value: unknown,
  type: GraphQLInputType,
  ext: IdExtensions,
  path: (string | number)[],
): IdProblem | null {
  if (value == null) return null;
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    if (!Array.isArray(value)) return findIdProblem(schema, value, nullable.ofType, ext, path);
    for (const [index, item] of value.entries()) {
      const problem = findIdProblem(schema, item, nullable.ofType, ext, [...path, index]);
      if (problem) return problem;
    }
    return null;
  }
  if (isInputObjectType(nullable)) {
    for (const field of Object.values(nullable.getFields())) {
      const problem = findIdProblem(
        schema,
        (value as Record<string, unknown>)[field.name],
        field.type,
        field.extensions as IdExtensions,
        [...path, field.name],
      );
      if (problem) return problem;
    }
    return null;
  }
  if (!ext.isRelayGlobalID) return null;
  const message = idProblem(schema, value, ext);
  return message ? { path, message } : null;
}

/** Whether a value of this type can hold a global id (input types may nest). */
function holdsIds(type: GraphQLInputType, ext: IdExtensions, seen = new Set<string>()): boolean {
  if (ext.isRelayGlobalID) return true;
  const nullable = getNullableType(type);
  if (isListType(nullable)) return holdsIds(nullable.ofType, ext, seen);
  if (!isInputObjectType(nullable) || seen.has(nullable.name)) return false;
  seen.add(nullable.name);
  return Object.values(nullable.getFields()).some((f: GraphQLInputField) =>
    holdsIds(f.type, f.extensions as IdExtensions, seen),
  );
}

function argumentsProblem(schema: GraphQLSchema, args: readonly GraphQLArgument[], values: Record<string, unknown>) {
  for (const arg of args) {
    const problem = findIdProblem(schema, values[arg.name], arg.type, arg.extensions as IdExtensions, [arg.name]);
    if (problem) return problem;
  }
  return null;
}

const badInput = (message: string, argument?: string) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...(argument ? { argument } : {}) } });

type Resolver = GraphQLFieldResolver<unknown, unknown>;

function checkQueryField(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>, resolve: Resolver): Resolver {
  return (root, args, ctx, info) => {
    const problem = argumentsProblem(schema, field.args, args);
    if (problem) {
      const argument = problem.path.join('.');
      throw badInput(`Argument "${argument}" of "${field.name}": ${problem.message}`, argument);
    }
    return resolve(root, args, ctx, info);
  };
}

function checkMutationField(schema: GraphQLSchema, field: GraphQLField<unknown, unknown>, resolve: Resolver): Resolver {
  return (root, args, ctx, info) => {
    const problem = argumentsProblem(schema, field.args, args);
    if (!problem) return resolve(root, args, ctx, info);
    // UserError.field starts below `input`.
    const below = problem.path[0] === 'input' ? problem.path.slice(1) : problem.path;
    const payload: PayloadShape<never> = {
      result: null,
      userErrors: [{ code: 'NOT_FOUND', message: problem.message, field: below.map(String) }],
    };
    return payload;
  };
}

/** `nodes(ids:)`: the good ids load as usual; each bad one is null with its own located error. */
function checkNodesField(schema: GraphQLSchema, resolve: Resolver): Resolver {
  return async (root, args, ctx, info) => {
    const ids = args.ids as string[];
    const problems = ids.map((id) => idProblem(schema, id, {}));
    const good = ids.filter((_, i) => !problems[i]);
    const loaded = good.length ? ((await resolve(root, { ...args, ids: good }, ctx, info)) as unknown[]) : [];
    let next = 0;
    // An Error as a list item makes that item null and reports it at its index.
    return ids.map((_, i) => (problems[i] ? badInput(problems[i]!, `ids.${i}`) : loaded[next++]));
  };
}

/** Cost calculations in progress: their argument mapping must not fail on a bad id. */
const costing = new WeakSet<object>();

/** A context for costing an operation: argument mappers skip what they cannot decode. */
export function costingContext<T extends object>(ctx: T): T {
  const derived = Object.create(ctx) as T;
  costing.add(derived);
  return derived;
}

type ArgMapper = (args: Record<string, unknown>, ctx: object, info: unknown) => unknown;

function lenientWhileCosting(mapper: ArgMapper): ArgMapper {
  return (args, ctx, info) => {
    if (!costing.has(ctx)) return mapper(args, ctx, info);
    try {
      return mapper(args, ctx, info);
    } catch {
      return args;
    }
  };
}

export function withIdErrors(schema: GraphQLSchema): GraphQLSchema {
  const mutation = schema.getMutationType();
  const query = schema.getQueryType();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const extensions = field.extensions as { pothosArgMappers?: ArgMapper[] };
      if (extensions.pothosArgMappers?.length) {
        extensions.pothosArgMappers = extensions.pothosArgMappers.map(lenientWhileCosting);
      }
      if (!field.args.some((arg) => holdsIds(arg.type, arg.extensions as IdExtensions))) continue;
      const resolve = (field.resolve ?? defaultFieldResolver) as Resolver;
      if (type === query && field.name === 'nodes') field.resolve = checkNodesField(schema, resolve);
      else if (type === mutation) field.resolve = checkMutationField(schema, field, resolve);
      else field.resolve = checkQueryField(schema, field, resolve);
    }
  }
  return schema;
}
