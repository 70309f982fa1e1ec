// Checks every argument value of an operation, inline or from variables, before it is coerced or
// reaches a resolver: string lengths (the bounds declared in src/schema/input-limits.ts), list
// sizes, nesting, and text PostgreSQL cannot store (NUL, lone UTF-16 surrogates). A refused value
// is a BAD_USER_INPUT naming the argument, answered in milliseconds instead of a slow query or an
// "Unexpected error." from the database.
import {
  type ArgumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  Kind,
  TypeInfo,
  type ValueNode,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import {
  DEFAULT_MAX_ITEMS,
  type InputLimitExtensions,
  JSON_LIMITS,
  MAX_INPUT_DEPTH,
  SCALAR_MAX_LENGTH,
  STRING_SAFETY_NET,
} from '../schema/input-limits.ts';

export interface InputLimitOptions {
  /** Longest base64 file content accepted, in characters. */
  maxFileChars: number;
}

// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Why a string cannot be stored as text, or null. */
export function unstorableText(value: string, nulAllowed = false): string | null {
  if (!nulAllowed && NUL.test(value)) return 'contains a NUL character (\\u0000)';
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate (not valid Unicode)';
  return null;
}

class Checker {
  readonly errors: GraphQLError[] = [];
  private readonly options: InputLimitOptions;
  private readonly variables: Record<string, unknown>;
  private readonly where: string;
  private readonly node: ArgumentNode;

  constructor(options: InputLimitOptions, variables: Record<string, unknown>, where: string, node: ArgumentNode) {
    this.options = options;
    this.variables = variables;
    this.where = where;
    this.node = node;
  }

  private fail(path: string, problem: string) {
    if (this.errors.length >= 10) return;
    this.errors.push(
      new GraphQLError(`Argument "${path}" of "${this.where}" ${problem}.`, {
        nodes: [this.node],
        extensions: { code: 'BAD_USER_INPUT', argument: path },
      }),
    );
  }

  private maxLengthOf(type: GraphQLInputType, limits: InputLimitExtensions): number {
    if (limits.maxLength === 'files') return this.options.maxFileChars;
    if (typeof limits.maxLength === 'number') return limits.maxLength;
    return SCALAR_MAX_LENGTH[getNamedType(type).name] ?? STRING_SAFETY_NET;
  }

  private string(value: string, max: number, path: string, nulAllowed = false) {
    if (value.length > max) {
      this.fail(path, `is too long: ${value.length} characters, at most ${max}`);
      return;
    }
    const problem = unstorableText(value, nulAllowed);
    if (problem) this.fail(path, problem);
  }

  /** A JSON scalar value: any shape, but bounded in depth, size and string length. */
  private json(value: unknown, path: string, depth: number): void {
    if (typeof value === 'string') return this.string(value, JSON_LIMITS.maxStringLength, path);
    if (value === null || typeof value !== 'object') return;
    if (depth >= JSON_LIMITS.maxDepth)
      return this.fail(path, `is nested too deeply (at most ${JSON_LIMITS.maxDepth} levels)`);
    if (Array.isArray(value)) {
      if (value.length > JSON_LIMITS.maxItems)
        return this.fail(path, `has ${value.length} items, at most ${JSON_LIMITS.maxItems}`);
      for (const [i, item] of value.entries()) this.json(item, `${path}[${i}]`, depth + 1);
      return;
    }
    const keys = Object.keys(value);
    if (keys.length > JSON_LIMITS.maxKeys)
      return this.fail(path, `has ${keys.length} keys, at most ${JSON_LIMITS.maxKeys}`);
    for (const key of keys) {
      if (key.length > JSON_LIMITS.maxKeyLength) {
        this.fail(path, `has a key of ${key.length} characters, at most ${JSON_LIMITS.maxKeyLength}`);
        continue;
      }
      const problem = unstorableText(key);
      if (problem) this.fail(path, `has a key that ${problem}`);
      else this.json((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    }
  }

  /** A value from the variables (plain JSON), checked against the type expected where it is used. */
  value(value: unknown, type: GraphQLInputType, limits: InputLimitExtensions, path: string, depth: number): void {
    if (value === null || value === undefined) return;
    if (isNonNullType(type)) return this.value(value, type.ofType, limits, path, depth);
    if (depth > MAX_INPUT_DEPTH) return this.fail(path, `is nested too deeply (at most ${MAX_INPUT_DEPTH} levels)`);
    if (isListType(type)) {
      if (!Array.isArray(value)) return this.value(value, type.ofType, limits, path, depth + 1);
      const max = limits.maxItems === undefined ? DEFAULT_MAX_ITEMS : limits.maxItems;
      if (max !== null && value.length > max) return this.fail(path, `has ${value.length} items, at most ${max}`);
      for (const [i, item] of value.entries())
        this.value(item, type.ofType, { maxLength: limits.maxLength }, `${path}[${i}]`, depth + 1);
      return;
    }
    if (isInputObjectType(type)) {
      if (typeof value !== 'object' || Array.isArray(value)) return this.shape(value, path, depth);
      const fields = type.getFields();
      const entries = Object.entries(value as Record<string, unknown>);
      // Unknown fields are refused here, not left to coercion: graphql-js prints the whole value
      // into the error of each unknown field, so 10,000 of them took a minute of CPU.
      const unknown = entries.filter(([key]) => !Object.hasOwn(fields, key));
      if (unknown.length > 0) {
        const named = unknown
          .slice(0, 3)
          .map(([key]) => JSON.stringify(key.slice(0, 50)))
          .join(', ');
        const more = unknown.length > 3 ? ` and ${unknown.length - 3} more` : '';
        return this.fail(path, `has fields ${type.name} does not define: ${named}${more}`);
      }
      for (const [key, item] of entries) {
        const field = fields[key]!;
        this.value(item, field.type, field.extensions as InputLimitExtensions, `${path}.${key}`, depth + 1);
      }
      return;
    }
    const name = getNamedType(type).name;
    if (isScalarType(type) && (name === 'JSON' || name === 'JSONObject')) return this.json(value, path, 0);
    if (typeof value === 'string') {
      return this.string(
        value,
        isEnumType(type) ? 100 : this.maxLengthOf(type, limits),
        path,
        limits.controlCharactersRemoved,
      );
    }
    this.shape(value, path, depth);
  }

  /** A value of the wrong type is refused by coercion later; only its size matters here. */
  private shape(value: unknown, path: string, depth: number): void {
    if (value === null || typeof value !== 'object') {
      if (typeof value === 'string') this.string(value, STRING_SAFETY_NET, path);
      return;
    }
    // Only what JSON can hold: a File placed by the multipart request is bounded by its own limits.
    if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return;
    if (depth > MAX_INPUT_DEPTH) return this.fail(path, `is nested too deeply (at most ${MAX_INPUT_DEPTH} levels)`);
    const items = Array.isArray(value) ? value : Object.values(value);
    if (items.length > DEFAULT_MAX_ITEMS)
      return this.fail(path, `has ${items.length} items, at most ${DEFAULT_MAX_ITEMS}`);
    for (const item of items) this.shape(item, path, depth + 1);
  }

  /** A literal in the document; variables inside it are looked up and checked as values. */
  literal(node: ValueNode, type: GraphQLInputType, limits: InputLimitExtensions, path: string, depth: number): void {
    if (node.kind === Kind.VARIABLE) return this.value(this.variables[node.name.value], type, limits, path, depth);
    if (node.kind === Kind.NULL) return;
    if (isNonNullType(type)) return this.literal(node, type.ofType, limits, path, depth);
    if (depth > MAX_INPUT_DEPTH) return this.fail(path, `is nested too deeply (at most ${MAX_INPUT_DEPTH} levels)`);
    if (isListType(type)) {
      if (node.kind !== Kind.LIST) return this.literal(node, type.ofType, limits, path, depth + 1);
      const max = limits.maxItems === undefined ? DEFAULT_MAX_ITEMS : limits.maxItems;
      if (max !== null && node.values.length > max)
        return this.fail(path, `has ${node.values.length} items, at most ${max}`);
      for (const [i, item] of node.values.entries())
        this.literal(item, type.ofType, { maxLength: limits.maxLength }, `${path}[${i}]`, depth + 1);
      return;
    }
    if (isInputObjectType(type) && node.kind === Kind.OBJECT) {
      const fields = type.getFields();
      for (const field of node.fields) {
        const definition = Object.hasOwn(fields, field.name.value) ? fields[field.name.value] : undefined;
        if (definition) {
          this.literal(
            field.value,
            definition.type,
            definition.extensions as InputLimitExtensions,
            `${path}.${field.name.value}`,
            depth + 1,
          );
        }
      }
      return;
    }
    const name = getNamedType(type).name;
    if (isScalarType(type) && (name === 'JSON' || name === 'JSONObject')) return this.jsonLiteral(node, path, 0);
    if (node.kind === Kind.STRING) {
      this.string(
        node.value,
        isEnumType(type) ? 100 : this.maxLengthOf(type, limits),
        path,
        limits.controlCharactersRemoved,
      );
    }
  }

  private jsonLiteral(node: ValueNode, path: string, depth: number): void {
    if (node.kind === Kind.VARIABLE) return this.json(this.variables[node.name.value], path, depth);
    if (node.kind === Kind.STRING) return this.string(node.value, JSON_LIMITS.maxStringLength, path);
    if (node.kind !== Kind.LIST && node.kind !== Kind.OBJECT) return;
    if (depth >= JSON_LIMITS.maxDepth)
      return this.fail(path, `is nested too deeply (at most ${JSON_LIMITS.maxDepth} levels)`);
    if (node.kind === Kind.LIST) {
      if (node.values.length > JSON_LIMITS.maxItems)
        return this.fail(path, `has ${node.values.length} items, at most ${JSON_LIMITS.maxItems}`);
      for (const [i, item] of node.values.entries()) this.jsonLiteral(item, `${path}[${i}]`, depth + 1);
      return;
    }
    if (node.fields.length > JSON_LIMITS.maxKeys)
      return this.fail(path, `has ${node.fields.length} keys, at most ${JSON_LIMITS.maxKeys}`);
    for (const field of node.fields) this.jsonLiteral(field.value, `${path}.${field.name.value}`, depth + 1);
  }
}

/** Every problem with the argument values of the operation (at most 10 per argument). */
export function inputLimitErrors(args: ExecutionArgs, options: InputLimitOptions): GraphQLError[] {
  const variables = (args.variableValues ?? {}) as Record<string, unknown>;
  const errors: GraphQLError[] = [];
  const typeInfo = new TypeInfo(args.schema);
  const operations = args.document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  const selected =
    operations.length <= 1 ? operations[0] : operations.find((d) => d.name?.value === args.operationName);
  for (const definition of args.document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION && definition !== selected) continue;
    visit(
      definition,
      visitWithTypeInfo(typeInfo, {
        Argument(node) {
          const argument = typeInfo.getArgument();
          const type = typeInfo.getInputType();
          if (!argument || !type) return false;
          const directive = typeInfo.getDirective();
          const where = directive
            ? `@${directive.name}`
            : `${typeInfo.getParentType()?.name}.${typeInfo.getFieldDef()?.name}`;
          const checker = new Checker(options, variables, where, node);
          checker.literal(node.value, type, argument.extensions as InputLimitExtensions, argument.name, 0);
          errors.push(...checker.errors);
          return false;
        },
      }),
    );
  }
  return errors;
}

/** A plugin that runs `check` on each operation before execution and answers its errors instead. */
export function refuseBeforeExecution(check: (args: ExecutionArgs) => readonly GraphQLError[]): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = check(args);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}

export const inputLimits = (options: InputLimitOptions) =>
  refuseBeforeExecution((args) => inputLimitErrors(args, options));
