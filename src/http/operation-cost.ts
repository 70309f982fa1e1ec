// Depth and cost limits, checked before execution, with the cost of every request reported in
// `extensions.cost` so clients can see how close they are. Costs come from
// @pothos/plugin-complexity's calculation over the schema (lists multiply their children).
import { complexityFromQuery } from '@pothos/plugin-complexity';
import { type DocumentNode, type ExecutionArgs, GraphQLError, Kind } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { costingContext } from '../schema/id-errors.ts';

export interface CostLimits {
  maxComplexity: number;
  maxDepth: number;
  maxBreadth: number;
}

/** The chosen operation with the fragments it may use, as complexityFromQuery expects one operation. */
function selectedOperation(document: DocumentNode, operationName?: string | null): DocumentNode {
  const operations = document.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length <= 1) return document;
  return {
    ...document,
    definitions: document.definitions.filter(
      (d) => d.kind !== Kind.OPERATION_DEFINITION || d.name?.value === operationName,
    ),
  };
}

export function operationCost(args: ExecutionArgs) {
  return complexityFromQuery(selectedOperation(args.document, args.operationName), {
    schema: args.schema,
    variables: (args.variableValues ?? {}) as Record<string, unknown>,
    // Costing needs page sizes only; a bad id is reported by its field when it executes.
    ctx: costingContext(args.contextValue as object),
  });
}

export function costLimits(limits: CostLimits): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const cost = operationCost(args);
      const over =
        cost.depth > limits.maxDepth
          ? `Query is too deep: depth ${cost.depth}, at most ${limits.maxDepth}.`
          : cost.breadth > limits.maxBreadth
            ? `Query selects too many fields: breadth ${cost.breadth}, at most ${limits.maxBreadth}.`
            : cost.complexity > limits.maxComplexity
              ? `Query is too expensive: cost ${cost.complexity}, at most ${limits.maxComplexity}. Ask for smaller pages or fewer nested lists.`
              : null;
      const report = { ...cost, limit: limits.maxComplexity };
      if (over) {
        setResultAndStopExecution({
          errors: [new GraphQLError(over, { extensions: { code: 'QUERY_TOO_COMPLEX', cost: report } })],
          extensions: { cost: report },
        });
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (result && 'data' in result) setResult({ ...result, extensions: { ...result.extensions, cost: report } });
        },
      };
    },
  };
}
