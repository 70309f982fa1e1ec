// A subscription is started by envelop's onSubscribe, not onExecute: the checks every operation
// passes before execution (credentials, input and page-size limits, introspection limits, cost)
// are plugins with an onExecute hook. This runs the same hooks for subscriptions, so a
// subscription is refused exactly as a query would be, before it starts.
import type { ExecutionArgs, ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';

export function checkSubscriptionsToo(checks: Plugin[]): Plugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      for (const check of checks) {
        let refused: ExecutionResult | undefined;
        check.onExecute?.({
          args: args as ExecutionArgs,
          setResultAndStopExecution: (result: ExecutionResult) => {
            refused = result;
          },
          executeFn: () => ({}) as never,
          setExecuteFn: () => {},
          extendContext: () => {},
        } as never);
        if (refused) return setResultAndStopExecution(refused);
      }
    },
  };
}
