// The front door every endpoint shares (GraphQL, REST, downloads): who is calling, and whether
// they still have budget. Answers 401, 429 or 503 itself; otherwise hands back the caller.
// It never throws: an unexpected failure (database down...) is logged and answered with a clean
// 503, never a stack trace, a source path or SQL.

import { type Authenticate, AuthenticationError } from '../auth/authenticate.ts';
import type { Viewer } from '../context.ts';
import { isServiceUnavailable, RETRY_AFTER_SECONDS, SERVICE_UNAVAILABLE_MESSAGE } from '../domain/errors.ts';
import type { Logger } from '../logger.ts';
import { addressKey, personKey, type RateLimits } from './rate-limit.ts';

/**
 * The challenge on every 401. Basic is accepted when sent but never offered: a Basic challenge makes
 * browsers prompt and then send what the user typed to this host from any page (see browser-safety.ts).
 */
export const WWW_AUTHENTICATE = 'WSSE realm="helpdesk", profile="UsernameToken"';

export type GateResult = { viewer: Viewer | null; headers: Record<string, string> } | { response: Response };

export interface GateDeps {
  authenticate: Authenticate;
  limits: RateLimits;
  logger: Logger;
}

export function createGate({ authenticate, limits, logger }: GateDeps) {
  /**
   * `authenticateWith` replaces the request's headers as the credentials (the downloads' signed
   * `?token=`); it throws AuthenticationError when they are wrong, like the headers would.
   */
  async function admit(
    request: Request,
    clientAddress: string | undefined,
    authenticateWith?: () => Promise<Viewer>,
  ): Promise<GateResult> {
    const address = addressKey(clientAddress);
    const hasCredentials = !!authenticateWith || request.headers.has('x-wsse') || request.headers.has('authorization');
    if (hasCredentials) {
      // Checked before the credentials, so an address past its failures learns nothing more.
      const wait = await limits.failureBlockSeconds(address);
      if (wait > 0) return { response: tooManyFailures(wait) };
    }
    let viewer: Viewer | null;
    try {
      viewer = authenticateWith ? await authenticateWith() : await authenticate(request.headers);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      await limits.recordFailure(address);
      return { response: unauthorized(error.message) };
    }
    if (!limits.request) return { viewer, headers: {} };
    const decision = await limits.request(viewer ? personKey(viewer) : `addr:${address}`);
    if (!decision.allowed) {
      const message = `Rate limit exceeded: retry in ${decision.headers['Retry-After']} s.`;
      return {
        response: Response.json(
          { error: message, errors: [{ message, extensions: { code: 'RATE_LIMITED' } }] },
          { status: 429, headers: decision.headers },
        ),
      };
    }
    return { viewer, headers: decision.headers };
  }

  return async function gate(
    request: Request,
    clientAddress?: string,
    authenticateWith?: () => Promise<Viewer>,
  ): Promise<GateResult> {
    try {
      return await admit(request, clientAddress, authenticateWith);
    } catch (error) {
      // A slow or busy database is expected under load (a warning); anything else is a bug.
      const busy = isServiceUnavailable(error);
      if (busy) logger.warn({ err: error }, 'database too slow or too busy to check credentials');
      else logger.error({ err: error }, 'could not check credentials');
      return { response: unavailable(busy) };
    }
  };
}

export type Gate = ReturnType<typeof createGate>;

/** 401 in the shape both GraphQL and REST clients read: `error` plus a GraphQL `errors` list. */
export function unauthorized(message: string): Response {
  return Response.json(
    { error: message, errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] },
    { status: 401, headers: { 'WWW-Authenticate': WWW_AUTHENTICATE } },
  );
}

function tooManyFailures(seconds: number): Response {
  const message = `Too many failed authentications from your address: retry in ${seconds} s.`;
  return Response.json(
    { error: message, errors: [{ message, extensions: { code: 'TOO_MANY_FAILED_AUTHENTICATIONS' } }] },
    { status: 429, headers: { 'Retry-After': String(seconds) } },
  );
}

function unavailable(busy: boolean): Response {
  const message = busy
    ? SERVICE_UNAVAILABLE_MESSAGE
    : 'Service temporarily unavailable: could not check credentials. Retry shortly.';
  return Response.json(
    { error: message, errors: [{ message, extensions: { code: 'SERVICE_UNAVAILABLE' } }] },
    { status: 503, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } },
  );
}
