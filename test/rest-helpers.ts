// A real server for REST tests, and a WSSE client (the npm `wsse` package) to call it with
// (both now live in helpers.ts: startServer, callRest).
import { callRest, type RestCallOptions, startServer, TEST_ADMIN } from './helpers.ts';

export const ADMIN_EMAIL = TEST_ADMIN.email;
export const ADMIN_KEY = TEST_ADMIN.key;

/** The real server with the admin above and no rate limit; `extraEnv` adds or overrides configuration. */
export async function startRestServer(extraEnv: Record<string, string> = {}) {
  const server = await startServer({ env: { HELPDESK_RATE_LIMIT: '0', ...extraEnv } });
  const { app, origin } = server;

  /** Calls the API as DiamanteDesk clients do: a fresh WSSE token per request. */
  const call = (method: string, pathname: string, options: RestCallOptions = {}) =>
    callRest(origin, method, pathname, {
      ...options,
      email: options.email ?? ADMIN_EMAIL,
      key: options.key ?? ADMIN_KEY,
    });

  /** GraphQL as the admin (Bearer), for set-up the REST paths do not offer; errors fail the test. */
  async function graphql(query: string, variables: Record<string, unknown> = {}) {
    const response = await fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    const result = (await response.json()) as { data?: any; errors?: { message: string }[] };
    if (result.errors?.length) throw new Error(`GraphQL failed: ${result.errors.map((e) => e.message).join('; ')}`);
    return result.data;
  }

  return { app, origin, call, graphql, server, close: () => server.close() };
}
