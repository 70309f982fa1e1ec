// The DiamanteDesk guide's branch examples, through the REST adapter, authenticated by WSSE.
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRestServer } from './rest-helpers.ts';

const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;

describe('REST /branches', () => {
  let server: Awaited<ReturnType<typeof startRestServer>>;
  beforeAll(async () => {
    server = await startRestServer();
  });
  afterAll(() => server?.close());

  it('walks the guide: create, read, update by PUT and PATCH, list, delete, then 404', async () => {
    const created = await server.call('POST', '/api/rest/latest/desk/branches', {
      body: { name: 'Test Branch', description: 'Test Description', tags: ['Test Tag'], key: 'BRANCHTEST' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.any(Number),
      key: 'BRANCHTEST',
      name: 'Test Branch',
      description: 'Test Description',
      tags: ['Test Tag'],
      created_at: expect.stringMatching(date),
      updated_at: expect.stringMatching(date),
    });
    const id = created.json.id;
    expect(created.headers.get('location')).toBe(`${server.origin}/api/rest/latest/desk/branches/${id}`);

    const read = await server.call('GET', `/api/rest/v1/desk/branches/${id}`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);

    const put = await server.call('PUT', `/api/rest/latest/desk/branches/${id}`, {
      body: { name: 'Test Branch PUT', description: 'Test Description', tags: ['Test Tag'] },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ id, key: 'BRANCHTEST', name: 'Test Branch PUT', tags: ['Test Tag'] });

    const patch = await server.call('PATCH', `/api/rest/latest/desk/branches/${id}.json`, {
      body: { description: 'Patched' },
    });
    expect(patch.status).toBe(200);
    expect(patch.json).toMatchObject({ name: 'Test Branch PUT', description: 'Patched' });

    // Filtered to this branch: other tests' branches share the server.
    const list = await server.call('GET', '/api/rest/latest/desk/branches?name=Test%20Branch%20PUT');
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total')).toBe('1');
    expect(list.json).toEqual([patch.json]);

    const removed = await server.call('DELETE', `/api/rest/latest/desk/branches/${id}`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    const gone = await server.call('GET', `/api/rest/latest/desk/branches/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ error: 'Branch loading failed. Branch not found.' });
  });

  it('answers in XML on .xml and on Accept, errors included', async () => {
    await server.call('POST', '/api/rest/latest/desk/branches', { body: { name: 'Xml Branch', key: 'XMLB' } });
    const parser = new XMLParser();
    const suffix = await server.call('GET', '/api/rest/latest/desk/branches.xml?name=Xml%20Branch');
    expect(suffix.headers.get('content-type')).toMatch(/application\/xml/);
    const doc = parser.parse(suffix.text);
    expect(doc.result.item).toMatchObject({ key: 'XMLB', name: 'Xml Branch' });
    const accept = await server.call('GET', '/api/rest/latest/desk/branches/999999', {
      headers: { Accept: 'application/xml' },
    });
    expect(accept.status).toBe(404);
    expect(parser.parse(accept.text)).toEqual({
      '?xml': '',
      result: { error: 'Branch loading failed. Branch not found.' },
    });
  });

  it('takes form-encoded and snake_case bodies, and refuses unknown properties', async () => {
    const form = await server.call('POST', '/api/rest/latest/desk/branches', {
      form: 'name=Form+Branch&tags%5B%5D=a&tags%5B%5D=b',
    });
    expect(form.status).toBe(201);
    expect(form.json).toMatchObject({ key: 'FB', tags: ['a', 'b'] });
    const unknown = await server.call('PATCH', `/api/rest/latest/desk/branches/${form.json.id}`, {
      body: { colour: 'red' },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ error: 'Branch does not have "colour" property.' });
  });

  it('reports validation as 400, a taken key as 409 (not 404), a branch with tickets as 409', async () => {
    const bad = await server.call('POST', '/api/rest/latest/desk/branches', { body: { name: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/at least 2 characters/);
    await server.call('POST', '/api/rest/latest/desk/branches', { body: { name: 'Taken', key: 'TAKEN' } });
    const taken = await server.call('POST', '/api/rest/latest/desk/branches', {
      body: { name: 'Taken again', key: 'TAKEN' },
    });
    expect(taken.status).toBe(409);
    expect(taken.json.error).toMatch(/already exists/);
  });

  it('pages with page/limit, X-Total and a Link header that keeps the filters; sort/order; a huge limit is clamped', async () => {
    for (const name of ['Alpha desk', 'Beta desk', 'Gamma desk']) {
      await server.call('POST', '/api/rest/latest/desk/branches', {
        body: { name, key: `${name.slice(0, 3).toUpperCase()}DK` },
      });
    }
    const page = await server.call(
      'GET',
      '/api/rest/latest/desk/branches?name=desk&limit=2&page=1&sort=name&order=desc',
    );
    expect(page.status).toBe(200);
    expect(page.headers.get('x-total')).toBe('3');
    expect(page.json.map((b: any) => b.name)).toEqual(['Gamma desk', 'Beta desk']);
    const link = page.headers.get('link')!;
    expect(link).toContain('rel="next"');
    expect(link).toContain('name=desk');
    expect(link).toContain('sort=name');
    const next = link.match(/<([^>]+)>; rel="next"/)![1]!;
    const second = await server.call('GET', new URL(next).pathname + new URL(next).search);
    expect(second.json.map((b: any) => b.name)).toEqual(['Alpha desk']);
    expect(second.headers.get('link')).toContain('rel="prev previous"');
    const huge = await server.call('GET', '/api/rest/latest/desk/branches?name=desk&limit=999999');
    expect(huge.status).toBe(200);
    expect(huge.json).toHaveLength(3);
    expect(huge.headers.get('link')).toContain('limit=1000');
    expect((await server.call('GET', '/api/rest/latest/desk/branches?sort=colour')).status).toBe(400);
  });

  it('needs credentials: 401 with WWW-Authenticate, replayed WSSE refused', async () => {
    const anonymous = await fetch(`${server.origin}/api/rest/latest/desk/branches`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/WSSE/);
    const wrong = await server.call('GET', '/api/rest/latest/desk/branches', { key: 'f'.repeat(40) });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatch(/unknown user or wrong password digest/);
  });

  it('answers unknown resources with a 404 in the requested format', async () => {
    const missing = await server.call('GET', '/api/rest/latest/desk/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatch(/No route/);
  });
});
