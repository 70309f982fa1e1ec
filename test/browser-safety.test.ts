// What a web page the user visits can do with this API, sent as a browser sends it: CORS answers,
// preflight-free ("simple") requests, remembered Basic credentials and cross-site form posts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startTestServer } from './helpers.ts';

const adminKey = 'abcdef0123456789abcdef0123456789abcdef01';
const adminEmail = 'browser-admin@example.com';
const basic = `Basic ${Buffer.from(`${adminEmail}:${adminKey}`).toString('base64')}`;
const createKey = 'mutation { createApiKey(input: { name: "stolen" }) { secret } }';

const startServer = (extra: Record<string, string>) =>
  startTestServer({ HELPDESK_ADMIN_EMAIL: adminEmail, HELPDESK_ADMIN_API_KEY: adminKey, ...extra });

describe('browser safety with the default configuration (no CORS origins)', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({});
  });
  afterAll(() => server?.close());

  const keyCount = async () => {
    const response = await fetch(`${server.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic },
      body: JSON.stringify({ query: '{ viewer { ... on Agent { apiKeys { id } } } }' }),
    });
    const body = (await response.json()) as { data?: { viewer: { apiKeys: unknown[] } } };
    return body.data?.viewer.apiKeys.length;
  };

  it('answers no CORS headers to another origin, nor to Origin: null', async () => {
    for (const origin of ['https://evil.example', 'null']) {
      const preflight = await fetch(`${server.base}/graphql`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
      const post = await fetch(`${server.base}/graphql`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
      expect(post.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('never challenges with Basic on GraphQL, REST or downloads, and Basic still works when sent', async () => {
    const answers = await Promise.all([
      fetch(`${server.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ viewer { __typename } }"}',
      }),
      fetch(`${server.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${'f'.repeat(40)}` },
        body: '{"query":"{ __typename }"}',
      }),
      fetch(`${server.base}/api/rest/latest/desk/branches.json`),
      fetch(`${server.base}/api/rest/latest/desk/branches.json`, {
        headers: { authorization: `Basic ${Buffer.from('x@example.com:nope').toString('base64')}` },
      }),
      fetch(`${server.base}/desk/attachments/download/file/${'a'.repeat(64)}`),
      fetch(`${server.base}/desk/attachments/download/file/${'a'.repeat(64)}?token=forged`),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      const challenge = answer.headers.get('www-authenticate') ?? '';
      expect(challenge).toMatch(/^WSSE realm="helpdesk"/);
      expect(challenge).not.toMatch(/basic/i);
    }
    const withBasic = await fetch(`${server.base}/api/rest/latest/desk/branches.json`, {
      headers: { authorization: basic },
    });
    expect(withBasic.status).toBe(200);
  });

  it('refuses GraphQL requests a page can send without a preflight, even with remembered Basic credentials', async () => {
    const before = await keyCount();
    const form = new URLSearchParams({ query: createKey });
    const multipart = new FormData();
    multipart.append('operations', JSON.stringify({ query: createKey }));
    multipart.append('map', '{}');
    const simple: { headers: Record<string, string>; body: BodyInit }[] = [
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() },
      { headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: createKey }) },
      { headers: { 'content-type': 'text/plain;charset=UTF-8' }, body: JSON.stringify({ query: createKey }) },
      { headers: {}, body: multipart },
    ];
    for (const { body, headers } of simple) {
      const response = await fetch(`${server.base}/graphql`, {
        method: 'POST',
        headers: { ...headers, authorization: basic, origin: 'https://evil.example' },
        body,
      });
      expect(response.status).toBe(403);
      const answer = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
      expect(answer.errors[0]!.extensions.code).toBe('CSRF_PREVENTED');
      expect(answer.errors[0]!.message).toMatch(/application\/json/);
    }
    // A GET carries no body type at all: it needs the header too.
    const get = await fetch(`${server.base}/graphql?query=${encodeURIComponent('{ viewer { __typename } }')}`, {
      headers: { authorization: basic, accept: 'application/json' },
    });
    expect(get.status).toBe(403);
    expect(await keyCount()).toBe(before);
  });

  it('lets through what a real client sends: JSON bodies, GET with a preflight header, multipart with Apollo-Require-Preflight', async () => {
    const json = await fetch(`${server.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: basic },
      body: JSON.stringify({ query: '{ viewer { __typename } }' }),
    });
    expect(await json.json()).toMatchObject({ data: { viewer: { __typename: 'Agent' } } });
    const get = await fetch(`${server.base}/graphql?query=${encodeURIComponent('{ viewer { __typename } }')}`, {
      headers: { authorization: basic, accept: 'application/json', 'graphql-preflight': '1' },
    });
    expect(get.status).toBe(200);
    await get.body?.cancel();
    const multipart = new FormData();
    multipart.append('operations', JSON.stringify({ query: '{ viewer { __typename } }' }));
    multipart.append('map', '{}');
    const upload = await fetch(`${server.base}/graphql`, {
      method: 'POST',
      headers: { authorization: basic, 'apollo-require-preflight': 'true' },
      body: multipart,
    });
    expect(await upload.json()).toMatchObject({ data: { viewer: { __typename: 'Agent' } } });
    // GraphiQL still opens in a browser.
    const page = await fetch(`${server.base}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    // Read to the end: an unread page keeps its connection busy, and closing the server waits for it.
    await page.text();
  });

  it('refuses a cross-site form post to REST, but takes the same form from a server-side client', async () => {
    const form = new URLSearchParams({ name: 'Planted', key: 'PLNT' }).toString();
    const crossSite = await fetch(`${server.base}/api/rest/latest/desk/branches.json`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basic,
        origin: 'https://evil.example',
      },
      body: form,
    });
    expect(crossSite.status).toBe(403);
    expect(((await crossSite.json()) as { error: string }).error).toMatch(/HELPDESK_CORS_ORIGINS/);
    const shop = await fetch(`${server.base}/api/rest/latest/desk/branches.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: form,
    });
    expect(shop.status).toBe(201);
  });
});

describe('browser safety with HELPDESK_CORS_ORIGINS', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({ HELPDESK_CORS_ORIGINS: 'https://app.example.com, http://localhost:5173' });
  });
  afterAll(() => server?.close());

  it('answers CORS for listed origins only, never with credentials', async () => {
    const preflight = await fetch(`${server.base}/graphql`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const post = await fetch(`${server.base}/graphql`, {
      method: 'POST',
      headers: {
        origin: 'http://localhost:5173',
        'content-type': 'application/json',
        authorization: `Bearer ${adminKey}`,
      },
      body: JSON.stringify({ query: '{ viewer { __typename } }' }),
    });
    expect(post.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(post.headers.get('access-control-allow-credentials')).toBeNull();
    expect(await post.json()).toMatchObject({ data: { viewer: { __typename: 'Agent' } } });
    const other = await fetch(`${server.base}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://app.example.com.evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('takes REST writes from a listed origin', async () => {
    const response = await fetch(`${server.base}/api/rest/latest/desk/branches.json`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${adminKey}`,
        origin: 'https://app.example.com',
      },
      body: JSON.stringify({ name: 'Allowed', key: 'ALWD' }),
    });
    expect(response.status).toBe(201);
  });

  it('refuses a bad HELPDESK_CORS_ORIGINS value at start, and never pairs * with credentials', async () => {
    expect(() => loadConfig({ HELPDESK_CORS_ORIGINS: 'app.example.com' })).toThrow(/HELPDESK_CORS_ORIGINS/);
    const star = await startServer({ HELPDESK_CORS_ORIGINS: '*' });
    try {
      const response = await fetch(`${star.base}/graphql`, {
        method: 'POST',
        headers: { origin: 'https://anywhere.example', 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      // yoga answers `*` by echoing the origin; harmless without credentials.
      expect(response.headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    } finally {
      await star.close();
    }
  });
});
