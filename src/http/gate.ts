// The front door every endpoint shares (GraphQL, REST, downloads): who is calling, and whether
// they still have budget. Turns the request away (401, 429 or 503) or hands back the caller.
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

/**
 * A request the gate turned away. Each endpoint answers it in its own shape: GraphQL as a GraphQL
 * response (`errors` only, negotiated like any other), REST and downloads as `{"error": ...}` in the
 * format asked for; status and headers the same everywhere.
 */
export interface Refusal {
  status: 401 | 429 | 503;
  message: string;
  code: 'UNAUTHENTICATED' | 'RATE_LIMITED' | 'TOO_MANY_FAILED_AUTHENTICATIONS' | 'SERVICE_UNAVAILABLE';
  headers: Record<string, string>;
}

export type GateResult = { viewer: Viewer | null; headers: Record<string, string> } | { refused: Refusal };

/** Ends every 401: where a key comes from (README, "Your first API key"). */
export const HOW_TO_GET_A_KEY =
  'No key yet? See "Your first API key" in the README: `npm run create-admin -- --email you@example.com` on the server prints one.';

/** The 401 for a request without credentials where they are needed. */
export const AUTHENTICATION_REQUIRED = `Authentication required: send an API key as "Authorization: Bearer <key>" (or Basic email:key, or WSSE in X-WSSE). ${HOW_TO_GET_A_KEY}`;

/** A 401 refusal; `headers` adds the rate-limit headers of the budget the request spent. */
export function unauthorized(message: string, headers: Record<string, string> = {}): Refusal {
  return {
    status: 401,
    message: message === AUTHENTICATION_REQUIRED ? message : `${message} ${HOW_TO_GET_A_KEY}`,
    code: 'UNAUTHENTICATED',
    headers: { ...headers, 'WWW-Authenticate': WWW_AUTHENTICATE },
  };
}

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
    let viewer: Viewer | null;
    try {
      viewer = authenticateWith ? await authenticateWith() : await authenticate(request.headers);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      const blocked = await limits.recordFailure(address);
      if (blocked > 0) return { refused: tooManyFailures(blocked) };
      // A failed caller is anonymous: it spends from its address's budget, and hears how much is left.
      const decision = limits.request ? await limits.request(`addr:${address}`) : undefined;
      if (decision && !decision.allowed) return { refused: rateLimited(decision.headers) };
      return { refused: unauthorized(error.message, decision?.headers) };
    }
    if (hasCredentials) {
      // Decided after the credentials, not before: attempts sent at once would all pass a check
      // made before any of them failed. A blocked address hears 429 for a right key too, so it
      // learns nothing more (a failure is counted, atomically, and refused above).
      const wait = await limits.failureBlockSeconds(address);
      if (wait > 0) return { refused: tooManyFailures(wait) };
    }
    if (!limits.request) return { viewer, headers: {} };
    const decision = await limits.request(viewer ? personKey(viewer) : `addr:${address}`);
    if (!decision.allowed) return { refused: rateLimited(decision.headers) };
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
      return { refused: unavailable(busy) };
    }
  };
}

export type Gate = ReturnType<typeof createGate>;

function rateLimited(headers: Record<string, string>): Refusal {
  const message = `Rate limit exceeded: retry in ${headers['Retry-After']} s.`;
  return { status: 429, message, code: 'RATE_LIMITED', headers };
}

function tooManyFailures(seconds: number): Refusal {
  const message = `Too many failed authentications from your address: retry in ${seconds} s.`;
  return { status: 429, message, code: 'TOO_MANY_FAILED_AUTHENTICATIONS', headers: { 'Retry-After': String(seconds) } };
}

function unavailable(busy: boolean): Refusal {
  const message = busy
    ? SERVICE_UNAVAILABLE_MESSAGE
    : 'Service temporarily unavailable: could not check credentials. Retry shortly.';
  return { status: 503, message, code: 'SERVICE_UNAVAILABLE', headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } };
}
