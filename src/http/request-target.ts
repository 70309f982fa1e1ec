// What a request must look like before anything reads it: a Host that parses, a target that is a
// path, and the headers every answer carries.

/**
 * Sent with every answer. No answer but GraphiQL's page is HTML, so nothing may load, run or frame
 * anything; GraphiQL's page replaces the CSP with its own (src/http/graphiql.ts).
 */
export const SECURITY_HEADERS: Record<string, string> = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
};

/** host[:port] as RFC 3986 allows it (a reg-name or an IP literal), and as the URL parser takes it. */
export function validHost(host: string | undefined): boolean {
  if (host === undefined) return true; // HTTP/1.0; Node refuses HTTP/1.1 requests without Host
  if (!/^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(?::\d{0,5})?$/.test(host)) return false;
  try {
    new URL(`http://${host}/`);
    return true;
  } catch {
    return false;
  }
}

/**
 * The request target as a path and query: origin-form (`/path?query`) as sent, absolute-form
 * (`http://host/path`) reduced to its path; null for anything else (`*`, `//x`, garbage).
 */
export function requestPath(target: string | undefined): URL | null {
  try {
    if (target?.startsWith('/') && !target.startsWith('//')) return new URL(`http://localhost${target}`);
    if (target && /^https?:\/\//i.test(target)) {
      const absolute = new URL(target);
      return new URL(`http://localhost${absolute.pathname}${absolute.search}`);
    }
  } catch {
    // fall through
  }
  return null;
}
