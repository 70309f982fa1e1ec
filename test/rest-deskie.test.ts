// The Deskie dialect beyond its document's examples: credentials and permissions (the same as
// GraphQL's), search anchors and filters, PHP form bodies, read-only and unknown fields, and every
// bad input a 4xx in Deskie's error shape.
import { encodeGlobalID } from '@pothos/plugin-relay';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_KEY, startRestServer } from './rest-helpers.ts';

type Server = Awaited<ReturnType<typeof startRestServer>>;
const basicFor = (email: string, key: string) => `Basic ${Buffer.from(`${email}:${key}`).toString('base64')}`;

describe('Deskie dialect', () => {
  let server: Server;
  let agentKey: string;
  const admin = basicFor(ADMIN_EMAIL, ADMIN_KEY);

  async function call(method: string, path: string, options: { body?: unknown; form?: string; auth?: string } = {}) {
    const headers: Record<string, string> = {};
    if (options.auth !== '') headers.Authorization = options.auth ?? admin;
    let body: string | undefined;
    if (options.form !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = options.form;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    }
    const response = await fetch(`${server.origin}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined, headers: response.headers };
  }
  const create = async (user: Record<string, unknown>) => {
    const created = await call('POST', '/api/users.json', { body: { user } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    return created.json.user;
  };
  const graphql = (query: string, variables: Record<string, unknown> = {}) => server.graphql(query, variables);

  beforeAll(async () => {
    server = await startRestServer();
    await graphql(
      'mutation { createCustomFieldDefinition(input: {name: "Plan", type: STRING, key: "cf_20"}) { userErrors { message } } }',
    );
    const agent = await graphql(
      'mutation { createAgent(input: {email: "agent@example.com", firstName: "Ann"}) { agent { id } } }',
    );
    agentKey = (
      await graphql('mutation($owner: ID!) { createApiKey(input: {owner: $owner}) { secret } }', {
        owner: agent.createAgent.agent.id,
      })
    ).createApiKey.secret;
  });
  afterAll(() => server?.close());

  it('asks for credentials in its own error shape; Basic, Bearer and WSSE all work', async () => {
    const anonymous = await call('GET', '/api/users.json', { auth: '' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json).toEqual({ error: 'unauthorized', description: expect.stringMatching(/Basic/) });
    const wrong = await call('GET', '/api/users.json', { auth: basicFor(ADMIN_EMAIL, 'f'.repeat(40)) });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe('unauthorized');
    expect((await call('GET', '/api/users.json', { auth: `Bearer ${ADMIN_KEY}` })).status).toBe(200);
    expect((await server.call('GET', '/api/users.json')).status).toBe(200);
  });

  it("permissions are GraphQL's: agents manage users, only admins delete them permanently; customers none", async () => {
    const user = await create({ user_email: 'perm@example.com', user_full_name: 'Perm Anent' });
    const agent = basicFor('agent@example.com', agentKey);
    expect((await call('PUT', `/api/users/${user.user_id}/block.json`, { auth: agent })).status).toBe(200);
    const refused = await call('DELETE', `/api/users/${user.user_id}.json`, { auth: agent });
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({ error: 'access_denied', description: expect.any(String) });
    expect((await call('GET', `/api/users/${user.user_id}.json`)).status).toBe(200);
    const customerKey = (
      await graphql('mutation($owner: ID!) { createApiKey(input: {owner: $owner}) { secret } }', {
        owner: encodeGlobalID('Customer', String(user.user_id)),
      })
    ).createApiKey.secret;
    await call('PUT', `/api/users/${user.user_id}/restore.json`);
    const customer = basicFor('perm@example.com', customerKey);
    expect((await call('GET', '/api/users.json', { auth: customer })).status).toBe(403);
    expect((await call('GET', `/api/users/${user.user_id}.json`, { auth: customer })).status).toBe(403);
    expect((await call('DELETE', `/api/users/${user.user_id}.json`)).status).toBe(200);
    expect((await call('GET', `/api/users/${user.user_id}.json`)).status).toBe(404);
  });

  it('lists with the search anchors ^x, x^ and ^x^, language_id and custom_fields[cf_20]', async () => {
    await create({ user_email: 'ann.lee@anchors.test', user_full_name: 'Ann Lee', language_id: 1 });
    await create({ user_email: 'joann@anchors.test', user_full_name: 'Joann Son', custom_fields: { cf_20: 'gold' } });
    const emails = async (query: string) => {
      const listed = await call('GET', `/api/users.json?${query}`);
      expect(listed.status, JSON.stringify(listed.json)).toBe(200);
      const { total_count: total, ...items } = listed.json;
      expect(Object.keys(items)).toHaveLength(total);
      return Object.values(items)
        .map((item: any) => item.user.user_email)
        .filter((email) => email?.endsWith('@anchors.test'))
        .sort();
    };
    expect(await emails('user_full_name=^ann')).toEqual(['ann.lee@anchors.test']);
    expect(await emails('user_full_name=son^')).toEqual(['joann@anchors.test']);
    expect(await emails('user_full_name=%5Eann%20lee%5E')).toEqual(['ann.lee@anchors.test']);
    expect(await emails('user_email=ann')).toEqual(['ann.lee@anchors.test', 'joann@anchors.test']);
    expect(await emails('language_id=1')).toEqual(['ann.lee@anchors.test']);
    expect(await emails('custom_fields[cf_20]=^GOLD^')).toEqual([]);
    expect(await emails('custom_fields%5Bcf_20%5D=GOL')).toEqual(['joann@anchors.test']);
    const page = await call('GET', '/api/users.json?limit=1&page=2');
    expect(Object.keys(page.json)).toEqual(['0', 'total_count']);
  });

  it.each([
    ['limit=0', /limit/],
    ['limit=101', /limit/],
    ['page=x', /page/],
    ['language_id=9', /language_id/],
    ['amount_of_cases=true', /amount_of_cases/],
    ['user_email=a&user_phone=b', /one of/],
    ['custom_fields[cf_20][x]=1', /custom field/],
    ['custom_fields[a][b][c][d]=1', /nests/],
  ])('refuses the list query %s with a 400', async (query, message) => {
    const listed = await call('GET', `/api/users.json?${query}`);
    expect(listed.status).toBe(400);
    expect(listed.json).toEqual({ error: 'incorrect_data', description: expect.stringMatching(message) });
  });

  it('takes PHP form bodies, ignores the read-only fields a GET returns, refuses unknown ones', async () => {
    const form = await call('POST', '/api/users.json', {
      form: 'user[user_email]=form@example.com&user[user_full_name]=Form%20Body&user[language_id]=2&user[custom_fields][cf_20]=x',
    });
    expect(form.status, JSON.stringify(form.json)).toBe(201);
    expect(form.json.user).toMatchObject({
      user_email: 'form@example.com',
      user_full_name: 'Form Body',
      language_id: 2,
      custom_fields: { cf_20: 'x' },
    });
    // A read-modify-write: the whole answer sent back, with one change.
    const user = { ...form.json.user, user_full_name: 'Form Changed', user_id: 1, created_at: 'yesterday' };
    const edited = await call('PUT', `/api/users/${form.json.user.user_id}.json`, { body: { user } });
    expect(edited.status, JSON.stringify(edited.json)).toBe(200);
    expect(edited.json.user).toMatchObject({ user_id: form.json.user.user_id, user_full_name: 'Form Changed' });
    const badEmail = await call('PUT', `/api/users/${form.json.user.user_id}.json`, {
      body: { user: { user_email: 'nope' } },
    });
    expect(badEmail.json).toEqual({
      error: 'incorrect_data',
      description: expect.stringMatching(/^user_email: .*not a valid email/),
    });
    const unknown = await call('PUT', `/api/users/${form.json.user.user_id}.json`, {
      body: { user: { nickname: 'x' } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.description).toMatch(/nickname/);
  });

  it('channels: the channel id field per type, unique per channel (409)', async () => {
    const tg = await create({ telegram_id: 495582869, user_full_name: 'Tele Gram' });
    expect(tg).toMatchObject({ type: 'telegram', telegram_id: 495582869 });
    expect(tg).not.toHaveProperty('user_email');
    const copy = await call('POST', '/api/users.json', {
      body: { user: { telegram_id: 495582869, user_full_name: 'Copy' } },
    });
    expect(copy.status).toBe(409);
    expect(copy.json).toEqual({ error: 'conflict', description: expect.stringMatching(/channel id/) });
    const vk = await create({ vk_id: 495582869, user_full_name: 'V K' });
    expect(vk).toMatchObject({ type: 'vk', vk_id: 495582869 });
    const custom = await create({ user_custom_id: 'c-1', user_custom_channel: '481', user_full_name: 'Cus Tom' });
    expect(custom).toMatchObject({ type: 'custom', user_custom_id: 'c-1', user_custom_channel: '481' });
    const wa = await create({ user_whatsapp_phone: '+442034867173', user_full_name: 'Whats App' });
    expect(wa).toMatchObject({ type: 'whatsapp', user_whatsapp_phone: '+442034867173' });
  });

  it.each([
    ['POST', '/api/users.json', '{"user": ', 400, 'incorrect_data'],
    ['POST', '/api/users.json', '[]', 400, 'incorrect_data'],
    ['POST', '/api/users.json', '{"user": "x"}', 400, 'incorrect_data'],
    [
      'POST',
      '/api/users.json',
      '{"user": {"user_email": "not-an-address", "user_full_name": "X"}}',
      400,
      'incorrect_data',
    ],
    [
      'POST',
      '/api/users.json',
      '{"user": {"user_email": "a@b.test", "user_full_name": "X", "custom_fields": {"cf_99": 1}}}',
      400,
      'incorrect_data',
    ],
    [
      'POST',
      '/api/users.json',
      '{"user": {"user_email": "a@b.test", "user_full_name": {"x": 1}}}',
      400,
      'incorrect_data',
    ],
    ['GET', '/api/users/abc.json', undefined, 404, 'not_found'],
    ['GET', '/api/users/99999999999.json', undefined, 404, 'not_found'],
    ['GET', '/api/users/999999.json', undefined, 404, 'not_found'],
    ['PUT', '/api/users/999999/block.json', '', 404, 'not_found'],
    ['PUT', '/api/users/1/link.json', '{}', 400, 'incorrect_data'],
    ['PUT', '/api/users/1/unlink.json', '{"user_id": "x"}', 400, 'incorrect_data'],
    ['GET', '/api/nothing.json', undefined, 404, 'not_found'],
    ['PATCH', '/api/users.json', '{}', 404, 'not_found'],
  ])('%s %s %s: %i %s', async (method, path, body, status, code) => {
    const answer = await call(method, path, { body });
    expect(answer.status).toBe(status);
    expect(answer.json).toEqual({ error: code, description: expect.any(String) });
  });

  it('answers random bodies and queries on every route with a 2xx or a 4xx in its own shape, never a 5xx', async () => {
    const victim = await create({ user_email: 'victim@example.com', user_full_name: 'Vic Tim' });
    const paths = [
      '/api/users.json',
      `/api/users/${victim.user_id}.json`,
      '/api/users/identification.json',
      ...['disable', 'block', 'restore', 'link', 'unlink'].map((a) => `/api/users/${victim.user_id}/${a}.json`),
      '/desk/api/v2/users/1.json',
      '/desk/api/v2/users.json',
    ];
    const key = fc.oneof(
      fc.constantFrom(
        'user',
        'user_email',
        'user_id',
        'custom_fields',
        'language_id',
        'telegram_id',
        'timezoneId',
        'email',
        'role',
      ),
      fc.string({ maxLength: 12 }),
    );
    const value = fc.letrec((tie) => ({
      any: fc.oneof(
        { depthSize: 'small' },
        fc.string({ maxLength: 30 }),
        fc.integer(),
        fc.double(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('any'), { maxLength: 3 }),
        fc.dictionary(key, tie('any'), { maxKeys: 4 }),
      ),
    })).any;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'),
        fc.oneof(
          value.map((v) => JSON.stringify({ user: v })),
          value.map((v) => JSON.stringify(v)),
          fc.string(),
        ),
        fc.array(fc.tuple(key, fc.string({ maxLength: 10 })), { maxLength: 3 }),
        async (path, method, body, query) => {
          const search = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
          const url = `${server.origin}${path}${search ? `?${search}` : ''}`;
          const response = await fetch(url, {
            method,
            headers: { Authorization: admin, 'Content-Type': 'application/json' },
            body: method === 'GET' ? undefined : body,
          });
          const text = await response.text();
          expect(response.status, `${method} ${url} ${body}: ${text}`).toBeLessThan(500);
          if (response.status >= 400) {
            const json = JSON.parse(text);
            if (path.startsWith('/desk/')) expect(Object.keys(json)).toEqual(['errors']);
            else expect(Object.keys(json)).toEqual(['error', 'description']);
          }
        },
      ),
      { numRuns: 150, seed: 16 },
    );
  });

  it("the server's own refusals (body too large, bad Host) come in each dialect's shape", async () => {
    const small = await startRestServer({ HELPDESK_MAX_JSON_SIZE: '2048' });
    try {
      const big = JSON.stringify({ user: { user_full_name: 'x'.repeat(4096) } });
      const deskie = await fetch(`${small.origin}/api/users.json`, {
        method: 'POST',
        headers: { Authorization: admin, 'Content-Type': 'application/json' },
        body: big,
      });
      expect(deskie.status).toBe(413);
      expect(await deskie.json()).toEqual({ error: 'too_large', description: expect.stringMatching(/2048 bytes/) });
      const teamwork = await fetch(`${small.origin}/desk/api/v2/users/1.json`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${ADMIN_KEY}`, 'Content-Type': 'application/json' },
        body: big,
      });
      expect(teamwork.status).toBe(413);
      expect(await teamwork.json()).toEqual({ errors: { base: [expect.stringMatching(/2048 bytes/)] } });
    } finally {
      await small.close();
    }
    const { request } = await import('node:http');
    const badHost = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(`${server.origin}/api/users.json`, { headers: { Host: 'bad host' } }, (res) => {
        let body = '';
        res.on('data', (chunk) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(badHost.status).toBe(400);
    expect(JSON.parse(badHost.body)).toEqual({ error: 'incorrect_data', description: 'Invalid Host header.' });
  });
});
