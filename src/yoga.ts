// The GraphQL endpoint, built without a socket so tests can call `yoga.fetch` directly.

import { createFetch } from '@whatwg-node/fetch';
import { type ExecutionArgs, GraphQLError, Kind } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { MAX_PAGE_SIZE } from './builder.ts';
import type { FilesConfig, RequestContext, Viewer } from './context.ts';
import { isServiceUnavailable, RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE_MESSAGE } from './domain/errors.ts';
import { type CorsPolicy, csrfPrevention, yogaCors } from './http/browser-safety.ts';
import { documentLimits } from './http/document-limits.ts';
import { AUTHENTICATION_REQUIRED, type Gate, type Refusal, unauthorized } from './http/gate.ts';
import { graphiqlOptions, graphiqlSecurityHeaders, renderOfflineGraphiQL } from './http/graphiql.ts';
import { inputLimits } from './http/input-limits.ts';
import { introspectionLimits } from './http/introspection-limits.ts';
import { type CostLimits, costLimits } from './http/operation-cost.ts';
import { pageSizeLimit } from './http/page-size-limit.ts';
import { requestParsing } from './http/request-parsing.ts';
import { statusWithoutData } from './http/response-status.ts';
import { checkSubscriptionsToo } from './http/subscription-checks.ts';
import type { Logger } from './logger.ts';
import { schema } from './schema/index.ts';

export interface YogaDeps {
  gate: Gate;
  logger: Logger;
  limits: CostLimits;
  files: FilesConfig;
  maxRequestBytes: number;
  /** The per-request context, shared with the REST adapter so both see the same world. */
  makeContext: (viewer: Viewer | null) => RequestContext;
  cors: CorsPolicy;
}

type ServerContext = { req?: { socket?: { remoteAddress?: string } } };
export type HelpdeskYoga = YogaServerInstance<ServerContext, RequestContext>;

/** A refusal of the gate as a GraphQL error: yoga answers it like any other (status, headers, format). */
export function refusalError(refused: Refusal) {
  return new GraphQLError(refused.message, {
    extensions: { code: refused.code, http: { status: refused.status, headers: refused.headers } },
  });
}

/**
 * Authenticates and rate-limits each HTTP request once, before GraphQL parses anything. A refusal is
 * raised when yoga starts reading the request, so the answer is a GraphQL response (`errors` only)
 * in the format the client accepts, with its status, reason phrase and headers.
 */
function gatePlugin(
  gate: Gate,
  viewers: WeakMap<Request, { viewer: Viewer | null; headers: Record<string, string> }>,
): Plugin<RequestContext> {
  const refusals = new WeakMap<Request, Refusal>();
  return {
    async onRequest({ request, serverContext }) {
      const address = (serverContext as ServerContext | undefined)?.req?.socket?.remoteAddress;
      // The gate never throws: a busy database is its own 503 refusal.
      const result = await gate(request, address);
      if ('refused' in result) refusals.set(request, result.refused);
      else viewers.set(request, result);
    },
    onRequestParse({ request }) {
      const refused = refusals.get(request);
      if (refused) throw refusalError(refused);
    },
    onResponse({ request, response }) {
      for (const [name, value] of Object.entries(viewers.get(request)?.headers ?? {}))
        response.headers.set(name, value);
    },
  };
}

/** A slow statement, an exhausted pool or a busy embedded database: this request fails alone. */
function serviceUnavailable() {
  return new GraphQLError(SERVICE_UNAVAILABLE_MESSAGE, {
    extensions: {
      code: 'SERVICE_UNAVAILABLE',
      http: { status: 503, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } },
    },
  });
}

const introspectionFields = new Set(['__typename', '__schema', '__type']);

/** Without credentials only `__typename` and introspection answer; anything else is a 401. */
function requireCredentials(): Plugin<RequestContext> {
  const onlyIntrospection = (args: ExecutionArgs) =>
    args.document.definitions.every(
      (d) =>
        d.kind !== Kind.OPERATION_DEFINITION ||
        (args.operationName != null && d.name?.value !== args.operationName) ||
        d.selectionSet.selections.every((s) => s.kind === Kind.FIELD && introspectionFields.has(s.name.value)),
    );
  return {
    onExecute({ args, setResultAndStopExecution }) {
      if ((args.contextValue as RequestContext).viewer || onlyIntrospection(args)) return;
      setResultAndStopExecution({ errors: [refusalError(unauthorized(AUTHENTICATION_REQUIRED))] });
    },
  };
}

/**
 * Every client error has a code. graphql-js's variable coercion ("Variable "$x" got invalid value")
 * and Pothos's argument checks ("ID: ... is not of type: Customer") come without one: the input
 * was bad, so BAD_USER_INPUT (BAD_REQUEST for HTTP-level refusals that carry a 4xx status).
 */
function withCode(error: GraphQLError): GraphQLError {
  if (error.extensions?.code) return error;
  const status = (error.extensions?.http as { status?: number } | undefined)?.status;
  const code = status && status >= 400 && status < 500 ? 'BAD_REQUEST' : 'BAD_USER_INPUT';
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

/** Characters of the base64 text of a file of `bytes` bytes, with room for line breaks every 76. */
const base64Length = (bytes: number) => Math.ceil(bytes / 3) * 4 + Math.ceil(bytes / 57) * 2 + 16;

export function createHelpdeskYoga({
  gate,
  logger,
  limits,
  files,
  maxRequestBytes,
  makeContext,
  cors,
}: YogaDeps): HelpdeskYoga {
  const viewers = new WeakMap<Request, { viewer: Viewer | null; headers: Record<string, string> }>();
  // Checked before every operation; subscriptions included (they start in onSubscribe).
  const checks = [
    requireCredentials(),
    introspectionLimits(),
    inputLimits({ maxFileChars: base64Length(files.limits.maxFileSize) }),
    pageSizeLimit(MAX_PAGE_SIZE),
    costLimits(limits),
  ] as Plugin[];
  return createYoga<ServerContext, RequestContext>({
    schema,
    graphqlEndpoint: '/graphql',
    // Multipart uploads are parsed with limits: a file over the size, or too many files, stops the
    // parse (and the request) before the rest is read.
    fetchAPI: createFetch({
      formDataLimits: { fileSize: files.limits.maxFileSize, files: files.limits.maxFiles, fieldSize: maxRequestBytes },
    }),
    landingPage: false,
    cors: yogaCors(cors),
    graphiql: graphiqlOptions,
    renderGraphiQL: renderOfflineGraphiQL,
    logging: {
      debug: (...args) => logger.debug(args),
      info: (...args) => logger.info(args),
      warn: (...args) => logger.warn(args),
      error: (...args) => logger.error(args),
    },
    // Unexpected errors reach the client as "Unexpected error." and the log with their stack.
    maskedErrors: {
      maskError(error, message) {
        const original = error instanceof GraphQLError ? error.originalError : error;
        if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return withCode(error);
        // Multipart limits from the form-data parser (file size is already a 413 in yoga).
        if (original && /^(Files|Fields|Parts) limit exceeded/.test((original as Error).message)) {
          return new GraphQLError((original as Error).message, {
            extensions: { code: 'PAYLOAD_TOO_LARGE', http: { status: 413 } },
          });
        }
        if (original && (original as Error).name === 'PothosValidationError') {
          return new GraphQLError((original as Error).message, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        if (isServiceUnavailable(original ?? error)) {
          logger.warn({ err: original ?? error }, 'database too slow or too busy: answered 503');
          return serviceUnavailable();
        }
        logger.error({ err: original ?? error }, 'unexpected error in a resolver');
        return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    plugins: [
      graphiqlSecurityHeaders(),
      csrfPrevention(),
      gatePlugin(gate, viewers),
      requestParsing(),
      documentLimits(),
      ...checks,
      checkSubscriptionsToo(checks),
      statusWithoutData(),
    ],
    context: ({ request }) => makeContext(viewers.get(request)?.viewer ?? null),
  });
}
