// A real server for REST tests, and a WSSE client (the npm `wsse` package) to call it with
// (both now live in helpers.ts: startServer, callRest).
import { callRest, type RestCallOptions, startServer, TEST_ADMIN } from './helpers.ts';

export const ADMIN_EMAIL = TEST_ADMIN.email;
export const ADMIN_KEY = TEST_ADMIN.key;

/** The real server with the admin above and no rate limit; `call` speaks WSSE as that admin by default. */
export async function startRestServer() {
  const server = await startServer({ env: { HELPDESK_RATE_LIMIT: '0' } });
  const { app, origin } = server;

  /** Calls the API as DiamanteDesk clients do: a fresh WSSE token per request. */
  const call = (method: string, pathname: string, options: RestCallOptions = {}) =>
    callRest(origin, method, pathname, {
      ...options,
      email: options.email ?? ADMIN_EMAIL,
      key: options.key ?? ADMIN_KEY,
    });

  return { app, origin, call, server, close: () => server.close() };
}
