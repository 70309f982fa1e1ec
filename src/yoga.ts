// The GraphQL endpoint, built without a socket so tests can call `yoga.fetch` directly.
import { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { AuthenticationError, authenticate } from './auth/authenticate.ts';
import { MAX_PAGE_SIZE } from './builder.ts';
import type { Context } from './context.ts';
import type { Database } from './db/database.ts';
import { pageSizeLimit } from './http/page-size-limit.ts';
import type { Logger } from './logger.ts';
import { schema } from './schema/index.ts';

export interface YogaDeps {
  db: Database;
  logger: Logger;
}

export type HelpdeskYoga = YogaServerInstance<Record<string, unknown>, Context>;

export const authenticateHeader = 'WSSE realm="helpdesk", profile="UsernameToken", Basic realm="helpdesk"';

export function createHelpdeskYoga({ db, logger }: YogaDeps): HelpdeskYoga {
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    landingPage: false,
    graphiql: { title: 'Helpdesk API' },
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
        if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) return error;
        if (original && (original as Error).name === 'PothosValidationError') {
          return new GraphQLError((original as Error).message, { extensions: { code: 'BAD_USER_INPUT' } });
        }
        logger.error({ err: original ?? error }, 'unexpected error in a resolver');
        return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      },
    },
    plugins: [pageSizeLimit(MAX_PAGE_SIZE)],
    context: async ({ request }) => {
      try {
        return { db, prisma: db.prisma, viewer: await authenticate(db.prisma, request) };
      } catch (error) {
        if (!(error instanceof AuthenticationError)) throw error;
        throw new GraphQLError(error.message, {
          extensions: {
            code: 'UNAUTHENTICATED',
            http: { status: 401, headers: { 'WWW-Authenticate': authenticateHeader } },
          },
        });
      }
    },
  });
}
