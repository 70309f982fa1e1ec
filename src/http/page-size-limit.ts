// Pothos clamps `first`/`last` silently to the maximum; a client asking for 500 rows deserves to
// hear it got at most 100. This checks every connection field of an operation before execution,
// with variables resolved, so no connection can forget the rule.
import {
  type ExecutionArgs,
  GraphQLError,
  getNamedType,
  Kind,
  TypeInfo,
  type ValueNode,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { refuseBeforeExecution } from './input-limits.ts';

function argumentValue(node: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) return variables?.[node.name.value];
  return undefined;
}

export function pageSizeErrors(args: ExecutionArgs, max: number): GraphQLError[] {
  const errors: GraphQLError[] = [];
  const typeInfo = new TypeInfo(args.schema);
  visit(
    args.document,
    visitWithTypeInfo(typeInfo, {
      Field(field) {
        const type = typeInfo.getType();
        if (!type || !getNamedType(type).name.endsWith('Connection')) return;
        for (const arg of field.arguments ?? []) {
          if (arg.name.value !== 'first' && arg.name.value !== 'last') continue;
          const value = argumentValue(arg.value, args.variableValues);
          if (typeof value === 'number' && (value < 0 || value > max)) {
            errors.push(
              new GraphQLError(
                `Argument "${arg.name.value}" of "${field.name.value}" must be between 0 and ${max} (got ${value}).`,
                { nodes: [arg], extensions: { code: 'BAD_USER_INPUT' } },
              ),
            );
          }
        }
      },
    }),
  );
  return errors;
}

export const pageSizeLimit = (max: number) => refuseBeforeExecution((args) => pageSizeErrors(args, max));
