// GraphQL over HTTP: with `Accept: application/graphql-response+json`, a response without `data`
// (the request never executed: too complex, a page over the limit, variables that do not coerce)
// must have a 4xx or 5xx status. Yoga derives the status from `extensions.http` of the errors; the
// errors our own checks raise before execution carry none, so they are marked here. `spec: true`
// keeps 200 for `application/json` clients, as the spec asks for that legacy media type.
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

type HttpExtension = { status?: number; spec?: boolean; headers?: Record<string, string> };

function withStatus(error: GraphQLError): GraphQLError {
  const http = error.extensions?.http as HttpExtension | undefined;
  if (http?.status) return error;
  const status = error.extensions?.code === 'INTERNAL_SERVER_ERROR' ? 500 : 400;
  // A new object: the old `extensions` may be shared with other errors.
  (error as { extensions: GraphQLError['extensions'] }).extensions = {
    ...error.extensions,
    http: { ...http, spec: true, status },
  };
  return error;
}

export function statusWithoutData(): Plugin {
  return {
    onResultProcess({ result }) {
      if (Array.isArray(result) || !result || typeof result !== 'object' || Symbol.asyncIterator in result) return;
      const single = result as { data?: unknown; errors?: readonly GraphQLError[] };
      if (single.data !== undefined || !single.errors?.length) return;
      for (const error of single.errors) withStatus(error);
    },
  };
}
