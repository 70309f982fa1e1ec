// The front door every endpoint shares (GraphQL, REST, downloads): who is calling, and whether
// they still have budget. Answers 401 or 429 itself; otherwise hands back the caller.
import { AuthenticationError, type Authenticate } from '../auth/authenticate.ts';
import type { Viewer } from '../context.ts';
import type { RateLimiter } from './rate-limit.ts';

/**
 * The challenge on every 401. Basic is accepted when sent but never offered: a Basic challenge makes
 * browsers prompt and then send what the user typed to this host from any page (see browser-safety.ts).
 */
export const WWW_AUTHENTICATE = 'WSSE realm="helpdesk", profile="UsernameToken"';

export type GateResult =
  | { viewer: Viewer | null; headers: Record<string, string> }
  | { response: Response };

export function createGate(authenticate: Authenticate, rateLimit: RateLimiter | null) {
  return async function gate(request: Request, clientAddress = 'unknown'): Promise<GateResult> {
    let viewer: Viewer | null;
    try {
      viewer = await authenticate(request.headers);
    } catch (error) {
      if (!(error instanceof AuthenticationError)) throw error;
      return { response: unauthorized(error.message) };
    }
    if (!rateLimit) return { viewer, headers: {} };
    const decision = await rateLimit(viewer?.keyId ? `key:${viewer.keyId}` : `addr:${clientAddress}`);
    if (!decision.allowed) {
      return {
        response: Response.json(
          { error: `Rate limit exceeded: retry in ${decision.headers['Retry-After']} s.` },
          { status: 429, headers: decision.headers },
        ),
      };
    }
    return { viewer, headers: decision.headers };
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
