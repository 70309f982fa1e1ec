// Every 401, as a client reads it off the wire: GraphQL (no credentials, a wrong key, a broken WSSE
// header), REST (JSON and XML) and downloads. Each says how to get a key; on /graphql it is a GraphQL
// response (`errors` only) in the negotiated format; each has one Content-Type that matches its body,
// the reason phrase, WWW-Authenticate and the rate-limit headers.
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from './helpers.ts';

interface Answer {
  status: number;
  reason: string;
  /** Header name (lower case) to every value sent under it. */
  headers: Map<string, string[]>;
  body: string;
}

function send(base: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { method: body ? 'POST' : 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const map = new Map<string, string[]>();
        for (let i = 0; i < res.rawHeaders.length; i += 2) {
          const name = res.rawHeaders[i]!.toLowerCase();
          map.set(name, [...(map.get(name) ?? []), res.rawHeaders[i + 1]!]);
        }
        resolve({
          status: res.statusCode!,
          reason: res.statusMessage ?? '',
          headers: map,
          body: Buffer.concat(chunks).toString('utf8'),
        });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function expectCommon401(answer: Answer, contentType: RegExp) {
  expect(answer.status).toBe(401);
  expect(answer.reason).toBe('Unauthorized');
  expect(answer.headers.get('content-type'), 'exactly one Content-Type').toHaveLength(1);
  expect(answer.headers.get('content-type')![0]).toMatch(contentType);
  expect(answer.headers.get('www-authenticate')).toEqual(['WSSE realm="helpdesk", profile="UsernameToken"']);
  expect(answer.headers.get('ratelimit-limit')).toEqual(['600']);
  expect(Number(answer.headers.get('ratelimit-remaining')![0])).toBeLessThan(600);
  expect(answer.body).toContain('Your first API key');
  expect(answer.body).toContain('npm run create-admin');
}

describe('401 answers', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ HELPDESK_AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(() => server?.close());

  const query = JSON.stringify({ query: '{ viewer { __typename } }' });
  const credentials = {
    anonymous: {},
    'a wrong key': { authorization: `Bearer ${'f'.repeat(40)}` },
    'a broken WSSE header': { 'x-wsse': 'UsernameToken garbage' },
  };

  for (const [who, headers] of Object.entries(credentials)) {
    for (const [accept, type] of [
      ['application/graphql-response+json', /^application\/graphql-response\+json/],
      ['application/json', /^application\/json/],
    ] as const) {
      it(`GraphQL, ${who}, Accept ${accept}: a GraphQL response with errors only`, async () => {
        const answer = await send(
          server.base,
          '/graphql',
          { ...headers, 'content-type': 'application/json', accept },
          query,
        );
        expectCommon401(answer, type);
        const body = JSON.parse(answer.body);
        expect(Object.keys(body)).toEqual(['errors']);
        expect(body.errors).toHaveLength(1);
        expect(body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
      });
    }
  }

  for (const [who, headers] of Object.entries(credentials)) {
    it(`REST, ${who}: JSON and XML, each labelled as what it is`, async () => {
      const json = await send(server.base, '/api/rest/latest/desk/branches', headers);
      expectCommon401(json, /^application\/json/);
      expect(Object.keys(JSON.parse(json.body))).toEqual(['error']);
      const xml = await send(server.base, '/api/rest/latest/desk/branches.xml', headers);
      expectCommon401(xml, /^application\/xml/);
      expect(xml.body).toMatch(/^<\?xml[\s\S]*<error>[\s\S]*Your first API key[\s\S]*<\/error>/);
      expect(Number(xml.headers.get('content-length')![0])).toBe(Buffer.byteLength(xml.body));
    });
  }

  it('downloads: without credentials, with a wrong key, with a bad token', async () => {
    const file = `/desk/attachments/download/file/${'0'.repeat(64)}`;
    for (const [path, headers] of [
      [file, {}],
      [file, credentials['a wrong key']],
      [`${file}?token=not-a-token`, {}],
    ] as const) {
      const answer = await send(server.base, path, headers);
      expectCommon401(answer, /^application\/json/);
      expect(Object.keys(JSON.parse(answer.body))).toEqual(['error']);
    }
  });
});
