// GraphQL over HTTP conformance of the real server (graphql-http's audits), and the statuses a
// client reads when its request never executed.
import { type Audit, serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';

const adminKey = 'c0ffee0123456789abcdef0123456789abcdef01';
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer({ HELPDESK_ADMIN_EMAIL: 'http-audit@example.com', HELPDESK_ADMIN_API_KEY: adminKey });
});
afterAll(() => server?.close());

/** A script client: credentials on every request, optionally the CSRF-safe preflight header. */
const clientFetch =
  (extra: Record<string, string> = {}) =>
  (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${adminKey}`);
    for (const [name, value] of Object.entries(extra)) headers.set(name, value);
    return fetch(input, { ...init, headers });
  };

const url = () => `${server.base}/graphql`;
const level = (audit: Audit) => audit.name.split(' ')[0];

describe('graphql-http server audits', () => {
  const plain = serverAudits({ url, fetchFn: clientFetch() });

  it.each(plain.filter((a) => level(a) !== 'MAY').map((a) => [`${a.id} ${a.name}`, a] as const))(
    '%s',
    async (_, audit) => {
      const result = await audit.fn();
      expect(result, 'reason' in result ? result.reason : '').toMatchObject({ status: 'ok' });
    },
  );

  // The three MAY audits that send GET requests without a header only a script can set are
  // refused by CSRF prevention (src/http/browser-safety.ts), as the spec permits: "MAY accept".
  // With the preflight header a script client sends, every MAY audit passes too.
  const preflighted = serverAudits({ url, fetchFn: clientFetch({ 'graphql-preflight': '1' }) });
  it.each(preflighted.filter((a) => level(a) === 'MAY').map((a) => [`${a.id} ${a.name}`, a] as const))(
    'with GraphQL-Preflight: %s',
    async (_, audit) => {
      const result = await audit.fn();
      expect(result, 'reason' in result ? result.reason : '').toMatchObject({ status: 'ok' });
    },
  );
});

describe('responses without data', () => {
  const post = (accept: string, query: string, variables?: Record<string, unknown>) =>
    clientFetch()(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept },
      body: JSON.stringify({ query, variables }),
    });

  const refused = [
    ['a page size over 100', '{ tickets(first: 1000) { totalCount } }', undefined, 'BAD_USER_INPUT'],
    [
      'a query too expensive',
      '{ branches(first: 100) { nodes { tickets(first: 100) { nodes { comments(first: 100) { nodes { id } } } } } } }',
      undefined,
      'QUERY_TOO_COMPLEX',
    ],
    [
      'variables that do not coerce',
      'query($n: Int) { tickets(first: $n) { totalCount } }',
      { n: 'ten' },
      'BAD_USER_INPUT',
    ],
    ['a document that does not validate', '{ nope }', undefined, 'GRAPHQL_VALIDATION_FAILED'],
  ] as const;

  it.each(refused)('%s is a 400 for application/graphql-response+json', async (_, query, variables, code) => {
    const response = await post('application/graphql-response+json', query, variables);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    const body = (await response.json()) as { data?: unknown; errors: { extensions: Record<string, unknown> }[] };
    expect(body.data).toBeUndefined();
    expect(body.errors[0]!.extensions.code).toBe(code);
    // The status is for HTTP; it is not repeated in the body.
    expect(body.errors[0]!.extensions.http).toBeUndefined();
  });

  it.each(refused)('%s stays a 200 for legacy application/json clients', async (_, query, variables) => {
    const response = await post('application/json', query, variables);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
  });

  it('a response with data and a field error is a 200', async () => {
    const response = await post('application/graphql-response+json', '{ ticket(id: "x") { key } viewer { name } }');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: unknown; errors: unknown[] };
    expect(body.data).toEqual({ ticket: null, viewer: { name: expect.any(String) } });
    expect(body.errors).toHaveLength(1);
  });
});
