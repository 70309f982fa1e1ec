// What stops a web page the user happens to visit from using this API with the user's
// credentials. The API authenticates by headers (WSSE, Bearer, Basic), which a page can only set
// after a CORS preflight, with one exception: Basic credentials a browser remembered. So:
// - 401 answers never challenge with Basic (src/http/gate.ts), so browsers do not offer to store it;
// - CORS answers only origins listed in HELPDESK_CORS_ORIGINS, and never with credentials;
// - GraphQL refuses requests a browser sends without a preflight (the rule of Apollo Server's and
//   graphql-yoga's CSRF prevention), and every endpoint refuses a state-changing request whose
//   Origin is another site that is not on the list.
import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Content types a page can send in a form or `fetch` without triggering a preflight. */
const SIMPLE_CONTENT_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * Headers that only a script can set, and only after a preflight. `Apollo-Require-Preflight` and
 * `X-Apollo-Operation-Name` are what Apollo Client and apollo-upload-client send; `GraphQL-Preflight`
 * is the GraphQL over HTTP working group's proposal; `X-GraphQL-Yoga-CSRF` is yoga's.
 */
export const PREFLIGHT_HEADERS = [
  'x-graphql-yoga-csrf',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'graphql-preflight',
];

function needsPreflightHeader(request: Request): boolean {
  const type = request.headers.get('content-type')?.toLowerCase().trim();
  const simple = !type || SIMPLE_CONTENT_TYPES.some((simpleType) => type.startsWith(simpleType));
  return simple && !PREFLIGHT_HEADERS.some((name) => request.headers.has(name));
}

export function csrfPrevention(): Plugin {
  return {
    onRequestParse({ request }) {
      if (!needsPreflightHeader(request)) return;
      throw new GraphQLError(
        'This request could come from any web page (a GET, or a form, multipart or text/plain body), so it is ' +
          'refused. Send the body as Content-Type: application/json, or add the header "GraphQL-Preflight: 1" ' +
          '(multipart uploads: "Apollo-Require-Preflight: true").',
        { extensions: { code: 'CSRF_PREVENTED', http: { status: 403 } } },
      );
    },
  };
}

export interface CorsPolicy {
  /** Exact origins (scheme://host[:port]) allowed to call the API from a browser; `*` for any. */
  origins: string[];
}

/** Whether a browser page at `origin` may use the API: same origin, or on the list. */
export function originAllowed(policy: CorsPolicy, origin: string | null, requestUrl: URL): boolean {
  if (origin === null) return true;
  if (policy.origins.includes('*') || policy.origins.includes(origin)) return true;
  return origin === requestUrl.origin;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * A state-changing request sent by a page on another site carries that site's Origin; servers and
 * scripts (curl, PHP, shop modules) send none. Refusing those closes form posts to the REST
 * dialects, which must keep accepting form bodies from PHP clients.
 */
export function crossSiteWriteRefused(policy: CorsPolicy, method: string, origin: string | null, requestUrl: URL) {
  return UNSAFE_METHODS.has(method.toUpperCase()) && !originAllowed(policy, origin, requestUrl);
}

export const CROSS_SITE_MESSAGE =
  'Cross-site request refused: this Origin is not in HELPDESK_CORS_ORIGINS. Browser integrations must be ' +
  'served from an allowed origin.';

/** graphql-yoga's `cors` option: no CORS headers at all unless the origin is on the list. */
export function yogaCors(policy: CorsPolicy) {
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!origin || policy.origins.length === 0 || !originAllowed(policy, origin, new URL(request.url))) {
      return false as const; // careful: yoga reads an empty origin list as "any origin"
    }
    return {
      origin: policy.origins.includes('*') ? '*' : origin,
      // Credentials are headers here, never cookies: no page needs the browser's ambient credentials.
      credentials: false,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['content-type', 'authorization', 'x-wsse', 'accept', ...PREFLIGHT_HEADERS],
      exposedHeaders: ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset', 'ratelimit-policy', 'retry-after'],
      maxAge: 600,
    };
  };
}
