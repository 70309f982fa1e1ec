// Contract tests for the DiamanteDesk-compatible REST adapter: the guide's request/response examples
// for tickets, comments, attachments, users and the customer portal, through a real server and WSSE.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_KEY, startRestServer } from './rest-helpers.ts';

type Server = Awaited<ReturnType<typeof startRestServer>>;

const API = '/api/rest/latest/desk';
const PORTAL = '/api/diamante/rest/latest/desk';
const date = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/;
const hex32 = /^[0-9a-f]{32}$/;
const person = { id: 'oro_1', email: ADMIN_EMAIL, name: expect.any(String) };

/** GraphQL as the admin, for what REST cannot do (moving tickets, issuing keys). */
async function graphql(server: Server, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${server.origin}/graphql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json()) as { data?: any; errors?: unknown[] };
  expect(result.errors).toBeUndefined();
  return result.data;
}

async function createBranch(server: Server, name: string, key: string): Promise<number> {
  const created = await server.call('POST', `${API}/branches`, { body: { name, key } });
  expect(created.status).toBe(201);
  return created.json.id;
}

async function createTicket(server: Server, body: Record<string, unknown>, prefix = API) {
  const created = await server.call('POST', `${prefix}/tickets`, {
    body: {
      subject: 'Subject',
      description: 'Description',
      status: 'new',
      priority: 'low',
      source: 'web',
      reporter: 'oro_1',
      ...body,
    },
  });
  expect(created.status, created.text).toBe(201);
  return created.json;
}

/** Creates a customer as admin and gives it an API key; returns its id, email and key. */
async function createCustomer(server: Server, email: string, firstName: string, lastName: string) {
  const created = await server.call('POST', `${API}/users`, { body: { email, firstName, lastName } });
  expect(created.status).toBe(201);
  const data = await graphql(
    server,
    'mutation($owner: ID!) { createApiKey(input: {owner: $owner, label: "portal"}) { secret userErrors { message } } }',
    {
      owner: encodeGlobalID('Customer', String(created.json.id)),
    },
  );
  expect(data.createApiKey.userErrors).toEqual([]);
  expect(data.createApiKey.secret).toMatch(/^[0-9a-f]{40}$/);
  return { id: created.json.id as number, email, key: data.createApiKey.secret as string };
}

describe('REST /tickets', () => {
  let server: Server;
  let branchId: number;
  beforeAll(async () => {
    server = await startRestServer();
    branchId = await createBranch(server, 'Ticket Branch', 'TICKB');
  });
  afterAll(() => server?.close());

  it('creates the guide example: 201, Location, every field; GET by id and by key match', async () => {
    // A branch of its own, so that this is its ticket 1 whatever ran before.
    const branchId = await createBranch(server, 'Guide Branch', 'GUIDE');
    const created = await server.call('POST', `${API}/tickets`, {
      body: {
        branch: branchId,
        subject: 'Test Ticket from API',
        description: 'Test Description',
        status: 'open',
        priority: 'medium',
        source: 'phone',
        reporter: 'oro_1',
        assignee: 1,
        tags: ['test1', 'test2', 'test3', 'test4'],
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toEqual({
      id: expect.any(Number),
      key: 'GUIDE-1',
      subject: 'Test Ticket from API',
      description: 'Test Description',
      status: 'open',
      priority: 'medium',
      source: 'phone',
      branch: branchId,
      reporter: 'oro_1',
      assignee: 1,
      unique_id: { id: expect.stringMatching(hex32) },
      tags: ['test1', 'test2', 'test3', 'test4'],
      watcher_list: [],
      comments: [],
      attachments: [],
      created_at: expect.stringMatching(date),
      updated_at: expect.stringMatching(date),
    });
    const id = created.json.id;
    expect(created.headers.get('location')).toBe(`${server.origin}${API}/tickets/${id}`);

    const byId = await server.call('GET', `${API}/tickets/${id}`);
    expect(byId.status).toBe(200);
    expect(byId.json).toEqual(created.json);
    const byKey = await server.call('GET', `${API}/tickets/GUIDE-1`);
    expect(byKey.status).toBe(200);
    expect(byKey.json).toEqual(created.json);
    const v1 = await server.call('GET', `/api/rest/v1/desk/tickets/${id}`);
    expect(v1.json).toEqual(created.json);
    const json = await server.call('GET', `${API}/tickets/${id}.json`);
    expect(json.headers.get('content-type')).toMatch(/application\/json/);
    expect(json.json).toEqual(created.json);
    const second = await createTicket(server, { branch: branchId });
    expect(second.key).toBe('GUIDE-2');
  });

  it('lists without description, comments and attachments, with X-Total and Link; searches by q', async () => {
    const branch = await createBranch(server, 'List Branch', 'LISTB');
    const a = await createTicket(server, {
      branch,
      subject: 'Printer on fire',
      description: 'smoke everywhere',
      status: 'open',
    });
    const b = await createTicket(server, { branch, subject: 'Keyboard sticky', description: 'coffee spill' });
    const list = await server.call('GET', `${API}/tickets?branch=${branch}&limit=1`);
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total')).toBe('2');
    const link = list.headers.get('link')!;
    expect(link).toMatch(/rel="first"/);
    expect(link).toMatch(/rel="last"/);
    expect(link).toMatch(/rel="next"/);
    expect(link).toContain(`branch=${branch}`);
    expect(list.json).toHaveLength(1);
    const item = list.json[0];
    expect(item).not.toHaveProperty('description');
    expect(item).not.toHaveProperty('comments');
    expect(item).not.toHaveProperty('attachments');
    const { description: _d, comments: _c, attachments: _a, ...expected } = a;
    expect(item).toEqual(expected);

    const all = await server.call('GET', `${API}/tickets?branch=${branch}`);
    expect(all.json.map((t: any) => t.id).sort()).toEqual([a.id, b.id].sort());

    const search = await server.call('GET', `${API}/tickets/search?q=coffee`);
    expect(search.status).toBe(200);
    expect(search.json.map((t: any) => t.id)).toEqual([b.id]);
    expect(search.headers.get('x-total')).toBe('1');
    const bySubject = await server.call('GET', `${API}/tickets/search?q=Printer`);
    expect(bySubject.json.map((t: any) => t.id)).toEqual([a.id]);
  });

  it('filters the list by status, branch, reporter and dates; limit 0 and unknown sort are 400', async () => {
    const branch = await createBranch(server, 'Filter Branch', 'FILTB');
    const open = await createTicket(server, { branch, status: 'open' });
    const pending = await createTicket(server, { branch, status: 'pending' });
    const byStatus = await server.call('GET', `${API}/tickets?branch=${branch}&status=open`);
    expect(byStatus.json.map((t: any) => t.id)).toEqual([open.id]);
    expect(byStatus.json.every((t: any) => t.status === 'open')).toBe(true);
    const byBranch = await server.call('GET', `${API}/tickets?branch=${branch}`);
    expect(byBranch.headers.get('x-total')).toBe('2');
    expect(byBranch.json.every((t: any) => t.branch === branch)).toBe(true);
    const byReporter = await server.call('GET', `${API}/tickets?reporter=oro_1&branch=${branch}`);
    expect(byReporter.json.map((t: any) => t.id).sort()).toEqual([open.id, pending.id].sort());
    const someoneElse = await server.call('GET', `${API}/tickets?reporter=oro_999&branch=${branch}`);
    expect(someoneElse.json).toEqual([]);
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const after = await server.call('GET', `${API}/tickets?createdAfter=${encodeURIComponent(future)}`);
    expect(after.status).toBe(200);
    expect(after.json).toEqual([]);
    expect(after.headers.get('x-total')).toBe('0');
    const before = await server.call(
      'GET',
      `${API}/tickets?branch=${branch}&createdBefore=${encodeURIComponent(future)}`,
    );
    expect(before.headers.get('x-total')).toBe('2');
    const tooMany = await server.call('GET', `${API}/tickets?limit=0`);
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error).toMatch(/limit/);
    const badSort = await server.call('GET', `${API}/tickets?sort=unknown`);
    expect(badSort.status).toBe(400);
    expect(badSort.json.error).toMatch(/sort/i);
  });

  it('updates by PUT and PATCH (by id and by key); refuses unknown properties and bad statuses', async () => {
    const ticket = await createTicket(server, { branch: branchId, tags: ['old'] });
    const put = await server.call('PUT', `${API}/tickets/${ticket.id}`, {
      body: { subject: 'New test subject', tags: ['new test tag1', 'new test tag2'] },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({
      id: ticket.id,
      key: ticket.key,
      subject: 'New test subject',
      tags: ['new test tag1', 'new test tag2'],
      description: 'Description',
    });
    const patch = await server.call('PATCH', `${API}/tickets/${ticket.key}`, {
      body: { status: 'in_progress', priority: 'high' },
    });
    expect(patch.status).toBe(200);
    expect(patch.json).toMatchObject({
      id: ticket.id,
      subject: 'New test subject',
      status: 'in_progress',
      priority: 'high',
    });
    expect((await server.call('GET', `${API}/tickets/${ticket.id}`)).json).toMatchObject({
      status: 'in_progress',
      priority: 'high',
      subject: 'New test subject',
    });

    const unknown = await server.call('PATCH', `${API}/tickets/${ticket.id}`, { body: { x: 1 } });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ error: 'Ticket does not have "x" property.' });
    const badStatus = await server.call('PUT', `${API}/tickets/${ticket.id}`, { body: { status: 'exploded' } });
    expect(badStatus.status).toBe(400);
    expect(badStatus.json.error).toMatch(/status/);
    const badCreate = await server.call('POST', `${API}/tickets`, {
      body: {
        branch: branchId,
        subject: 's',
        description: 'd',
        status: 'exploded',
        priority: 'low',
        source: 'web',
        reporter: 'oro_1',
      },
    });
    expect(badCreate.status).toBe(400);
  });

  it('deletes with 204 and an empty body, then GET is 404 with the guide message', async () => {
    const ticket = await createTicket(server, { branch: branchId });
    const removed = await server.call('DELETE', `${API}/tickets/${ticket.id}`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    const gone = await server.call('GET', `${API}/tickets/${ticket.id}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ error: 'Ticket loading failed, ticket not found.' });
    const goneByKey = await server.call('GET', `${API}/tickets/${ticket.key}`);
    expect(goneByKey.status).toBe(404);
  });

  it('answers a moved ticket under its old key with 301, Location and X-Location', async () => {
    const target = await createBranch(server, 'Moved To', 'MOVED');
    const ticket = await createTicket(server, { branch: branchId });
    const data = await graphql(
      server,
      'mutation($input: MoveTicketInput!) { moveTicket(input: $input) { ticket { key } userErrors { message } } }',
      {
        input: {
          branch: encodeGlobalID('Branch', String(target)),
          ticket: { id: encodeGlobalID('Ticket', String(ticket.id)) },
        },
      },
    );
    expect(data.moveTicket.userErrors).toEqual([]);
    const newKey = data.moveTicket.ticket.key;
    expect(newKey).toMatch(/^MOVED-\d+$/);
    const old = await server.call('GET', `${API}/tickets/${ticket.key}`);
    expect(old.status).toBe(301);
    expect(old.headers.get('location')).toBe(`${server.origin}${API}/tickets/${newKey}`);
    expect(old.headers.get('x-location')).toBe(`${server.origin}${API}/tickets/${newKey}`);
    const current = await server.call('GET', `${API}/tickets/${newKey}`);
    expect(current.status).toBe(200);
    expect(current.json).toMatchObject({ id: ticket.id, key: newKey, branch: target });
  });

  it('serves /ticket/{id}/reporter and /ticket/{id}/assignee as person objects', async () => {
    const ticket = await createTicket(server, { branch: branchId, assignee: 1 });
    const reporter = await server.call('GET', `${API}/ticket/${ticket.id}/reporter`);
    expect(reporter.status).toBe(200);
    expect(reporter.json).toEqual(person);
    const assignee = await server.call('GET', `${API}/ticket/${ticket.id}/assignee`);
    expect(assignee.status).toBe(200);
    expect(assignee.json).toEqual(person);
    const missing = await server.call('GET', `${API}/ticket/999999/reporter`);
    expect(missing.status).toBe(404);
  });

  it('answers in XML on .xml and on Accept with the same values; errors as <error>', async () => {
    const ticket = await createTicket(server, { branch: branchId, subject: 'Xml ticket', tags: ['x1', 'x2'] });
    const parser = new XMLParser({ parseTagValue: false });
    const suffix = await server.call('GET', `${API}/tickets/${ticket.id}.xml`);
    expect(suffix.status).toBe(200);
    expect(suffix.headers.get('content-type')).toMatch(/application\/xml/);
    const doc = parser.parse(suffix.text).result;
    expect(doc).toMatchObject({
      id: String(ticket.id),
      key: ticket.key,
      subject: 'Xml ticket',
      description: 'Description',
      status: 'new',
      priority: 'low',
      source: 'web',
      branch: String(branchId),
      reporter: 'oro_1',
      unique_id: { id: ticket.unique_id.id },
      tags: { item: ['x1', 'x2'] },
      created_at: ticket.created_at,
    });
    const accept = await server.call('GET', `${API}/tickets/${ticket.id}`, { headers: { Accept: 'application/xml' } });
    expect(accept.headers.get('content-type')).toMatch(/application\/xml/);
    expect(parser.parse(accept.text).result).toEqual(doc);
    const error = await server.call('GET', `${API}/tickets/999999.xml`);
    expect(error.status).toBe(404);
    expect(parser.parse(error.text).result).toEqual({ error: 'Ticket loading failed, ticket not found.' });
  });
});

describe('REST /comments', () => {
  let server: Server;
  let ticket: any;
  beforeAll(async () => {
    server = await startRestServer();
    const branch = await createBranch(server, 'Comment Branch', 'COMB');
    ticket = await createTicket(server, { branch, status: 'open' });
  });
  afterAll(() => server?.close());

  it('walks the guide: create (changing the ticket status), read, author, update, list, delete', async () => {
    const created = await server.call('POST', `${API}/comments`, {
      body: {
        content: 'Test Comment',
        ticket: ticket.id,
        author: 'oro_1',
        private: false,
        ticketStatus: 'in_progress',
      },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toEqual({
      id: expect.any(Number),
      content: 'Test Comment',
      private: false,
      ticket: ticket.id,
      author: person,
      attachments: [],
      created_at: expect.stringMatching(date),
      updated_at: expect.stringMatching(date),
    });
    const id = created.json.id;
    expect(created.headers.get('location')).toBe(`${server.origin}${API}/comments/${id}`);
    expect((await server.call('GET', `${API}/tickets/${ticket.id}`)).json.status).toBe('in_progress');

    const read = await server.call('GET', `${API}/comments/${id}`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(created.json);
    const onTicket = await server.call('GET', `${API}/tickets/${ticket.id}`);
    expect(onTicket.json.comments).toEqual([created.json]);

    const author = await server.call('GET', `${API}/comment/${id}/author`);
    expect(author.status).toBe(200);
    expect(author.json).toEqual(person);

    const put = await server.call('PUT', `${API}/comments/${id}`, {
      body: { content: 'Test Comment Updated PUT', ticketStatus: 'closed' },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ id, content: 'Test Comment Updated PUT', ticket: ticket.id, author: person });
    expect((await server.call('GET', `${API}/tickets/${ticket.id}`)).json.status).toBe('closed');
    const patch = await server.call('PATCH', `${API}/comments/${id}`, { body: { private: true } });
    expect(patch.status).toBe(200);
    expect(patch.json).toMatchObject({ content: 'Test Comment Updated PUT', private: true });
    const unknown = await server.call('PATCH', `${API}/comments/${id}`, { body: { colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ error: 'Comment does not have "colour" property.' });

    const other = await createTicket(server, { branch: ticket.branch });
    await server.call('POST', `${API}/comments`, { body: { content: 'Elsewhere', ticket: other.id, author: 'oro_1' } });
    const list = await server.call('GET', `${API}/comments?ticket=${ticket.id}`);
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total')).toBe('1');
    expect(list.headers.get('link')).toMatch(/rel="first"/);
    expect(list.json).toEqual([patch.json]);

    const removed = await server.call('DELETE', `${API}/comments/${id}`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    const gone = await server.call('GET', `${API}/comments/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ error: 'Comment loading failed, comment not found.' });
  });

  it('refuses a comment without a ticket and with a bad ticketStatus', async () => {
    const noTicket = await server.call('POST', `${API}/comments`, { body: { content: 'x', author: 'oro_1' } });
    expect(noTicket.status).toBe(400);
    const badStatus = await server.call('POST', `${API}/comments`, {
      body: { content: 'x', ticket: ticket.id, author: 'oro_1', ticketStatus: 'gone' },
    });
    expect(badStatus.status).toBe(400);
  });
});

describe('REST attachments', () => {
  let server: Server;
  let ticket: any;
  let comment: any;
  let png: Buffer;
  beforeAll(async () => {
    server = await startRestServer();
    const branch = await createBranch(server, 'Attach Branch', 'ATTB');
    ticket = await createTicket(server, { branch });
    comment = (
      await server.call('POST', `${API}/comments`, {
        body: { content: 'With files', ticket: ticket.id, author: 'oro_1' },
      })
    ).json;
    png = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 200, g: 10, b: 10 } } })
      .png()
      .toBuffer();
  });
  afterAll(() => server?.close());

  for (const owner of ['tickets', 'comments'] as const) {
    it(`adds, lists, reads, downloads and deletes /${owner}/{id}/attachments`, async () => {
      const ownerId = owner === 'tickets' ? ticket.id : comment.id;
      const base = `${API}/${owner}/${ownerId}/attachments`;
      const text = Buffer.from(`hello from ${owner}\n`);
      const created = await server.call('POST', base, {
        body: {
          attachmentsInput: [
            { filename: 'a.txt', content: text.toString('base64') },
            { filename: 'picture.png', content: png.toString('base64') },
          ],
        },
      });
      expect(created.status, created.text).toBe(201);
      expect(created.json).toHaveLength(2);
      const [txt, img] = created.json;
      expect(txt).toEqual({
        id: expect.any(Number),
        created_at: expect.stringMatching(date),
        updated_at: expect.stringMatching(date),
        file: { url: expect.stringMatching(/^http:\/\/.+\/desk\/attachments\/download\/file\//), filename: 'a.txt' },
      });
      expect(img).toEqual({
        id: expect.any(Number),
        created_at: expect.stringMatching(date),
        updated_at: expect.stringMatching(date),
        file: { url: expect.stringMatching(/\/desk\/attachments\/download\/file\//), filename: 'picture.png' },
        thumbnails: {
          url: expect.stringMatching(/\/desk\/attachments\/download\/thumbnail\//),
          filename: expect.stringMatching(/\.png$/),
        },
      });

      const download = await fetch(txt.file.url);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer())).toEqual(text);
      const picture = await fetch(img.file.url);
      expect(Buffer.from(await picture.arrayBuffer())).toEqual(png);
      const thumb = await fetch(img.thumbnails.url);
      expect(thumb.status).toBe(200);
      const meta = await sharp(Buffer.from(await thumb.arrayBuffer())).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width!).toBeLessThanOrEqual(100);
      expect(meta.height!).toBeLessThanOrEqual(100);

      const list = await server.call('GET', base);
      expect(list.status).toBe(200);
      const strip = (a: any) => ({
        ...a,
        file: { ...a.file, url: a.file.url.split('?')[0] },
        ...(a.thumbnails ? { thumbnails: { ...a.thumbnails, url: a.thumbnails.url.split('?')[0] } } : {}),
      });
      expect(list.json.map(strip)).toEqual([txt, img].map(strip));
      const one = await server.call('GET', `${base}/${img.id}`);
      expect(one.status).toBe(200);
      expect(strip(one.json)).toEqual(strip(img));

      const removed = await server.call('DELETE', `${base}/${txt.id}`);
      expect(removed.status).toBe(204);
      expect(removed.text).toBe('');
      const gone = await server.call('GET', `${base}/${txt.id}`);
      expect(gone.status).toBe(404);
      expect(gone.json.error).toEqual(expect.any(String));
      expect((await server.call('GET', base)).json.map((a: any) => a.id)).toEqual([img.id]);
    });
  }

  it('refuses a body without attachmentsInput', async () => {
    const bad = await server.call('POST', `${API}/tickets/${ticket.id}/attachments`, { body: { files: [] } });
    expect(bad.status).toBe(400);
  });
});

describe('REST /users', () => {
  let server: Server;
  const email = '1437135532dummy-test-email-address@test-server.local';
  beforeAll(async () => {
    server = await startRestServer();
  });
  afterAll(() => server?.close());

  it('walks the guide: create, read by id and by email (also /.json), update by PUT and PATCH, list', async () => {
    const created = await server.call('POST', `${API}/users`, { body: { email, firstName: 'John', lastName: 'Dou' } });
    expect(created.status, created.text).toBe(201);
    expect(created.json).toMatchObject({ id: expect.any(Number), email, first_name: 'John', last_name: 'Dou' });
    const id = created.json.id;
    expect(created.headers.get('location')).toBe(`${server.origin}${API}/users/${id}`);

    const byId = await server.call('GET', `${API}/users/${id}`);
    expect(byId.status).toBe(200);
    expect(byId.json).toEqual(created.json);
    const byEmail = await server.call('GET', `${API}/users/${email}/`);
    expect(byEmail.status).toBe(200);
    expect(byEmail.json).toEqual(created.json);
    const magento = await server.call('GET', `${API}/users/${email}/.json`);
    expect(magento.status).toBe(200);
    expect(magento.json).toEqual(created.json);

    const put = await server.call('PUT', `${API}/users/${id}`, {
      body: { email, first_name: 'John', last_name: 'Second' },
    });
    expect(put.status).toBe(200);
    expect(put.json).toMatchObject({ id, email, first_name: 'John', last_name: 'Second' });
    const patch = await server.call('PATCH', `${API}/users/${id}`, { body: { firstName: 'Johnny' } });
    expect(patch.status).toBe(200);
    expect(patch.json).toMatchObject({ id, email, first_name: 'Johnny', last_name: 'Second' });
    expect((await server.call('GET', `${API}/users/${id}`)).json).toMatchObject({
      first_name: 'Johnny',
      last_name: 'Second',
    });
    const unknown = await server.call('PATCH', `${API}/users/${id}`, { body: { colour: 'red' } });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ error: 'User does not have "colour" property.' });

    // Searched for: other tests' users share the server.
    const list = await server.call('GET', `${API}/users?email=${encodeURIComponent(email)}`);
    expect(list.status).toBe(200);
    expect(list.headers.get('x-total')).toBe('1');
    expect(list.json).toEqual([patch.json]);
  });

  it('answers users and comments in XML with the same values as JSON', async () => {
    const created = await server.call('POST', `${API}/users.xml`, {
      body: { email: 'xml@example.com', firstName: 'Xavier', lastName: 'Ml' },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toMatch(/application\/xml/);
    const parser = new XMLParser();
    const xml = parser.parse(created.text).result;
    const json = (await server.call('GET', `${API}/users/${xml.id}`)).json;
    expect(xml).toEqual(json);

    const branchId = await createBranch(server, 'Xml desk', 'XMLD');
    const ticket = await createTicket(server, {
      branch: branchId,
      subject: 'Xml',
      description: 'd',
      reporter: 'oro_1',
    });
    const comment = await server.call('POST', `${API}/comments`, {
      body: { ticket: ticket.id, content: 'in xml', author: 'oro_1' },
    });
    const asXml = parser.parse(
      (await server.call('GET', `${API}/comments/${comment.json.id}`, { headers: { Accept: 'application/xml' } })).text,
    ).result;
    expect(asXml).toMatchObject({
      id: comment.json.id,
      content: 'in xml',
      private: false,
      ticket: ticket.id,
      author: comment.json.author,
    });
    expect(asXml.created_at).toBe(comment.json.created_at);
  });

  it('DELETE /users/{id} answers 204, and the user is then 404 by id and by email', async () => {
    const created = await server.call('POST', `${API}/users`, {
      body: { email: 'gone@example.com', firstName: 'Gone', lastName: 'Soon' },
    });
    const id = created.json.id;
    const removed = await server.call('DELETE', `${API}/users/${id}`);
    expect(removed.status).toBe(204);
    expect(removed.text).toBe('');
    const list = await server.call('GET', `${API}/users?email=gone`);
    expect(list.json).toEqual([]);
    const gone = await server.call('GET', `${API}/users/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ error: expect.any(String) });
    const goneByEmail = await server.call('GET', `${API}/users/gone@example.com/`);
    expect(goneByEmail.status).toBe(404);
  });

  it("re-creating a deleted user's email restores that user (same id)", async () => {
    const created = await server.call('POST', `${API}/users`, {
      body: { email: 'back@example.com', firstName: 'Back', lastName: 'Again' },
    });
    expect((await server.call('DELETE', `${API}/users/${created.json.id}`)).status).toBe(204);
    const again = await server.call('POST', `${API}/users`, {
      body: { email: 'back@example.com', firstName: 'Back', lastName: 'Twice' },
    });
    expect(again.status, again.text).toBe(201);
    expect(again.json).toMatchObject({ id: created.json.id, email: 'back@example.com', last_name: 'Twice' });
    const list = await server.call('GET', `${API}/users?email=back`);
    expect(list.json.map((u: any) => u.id)).toEqual([created.json.id]);
  });

  it('serializes a user with exactly the guide keys: id, email, first_name, last_name', async () => {
    const created = await server.call('POST', `${API}/users`, {
      body: { email: 'keys@example.com', firstName: 'Key', lastName: 'Set' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      id: expect.any(Number),
      email: 'keys@example.com',
      first_name: 'Key',
      last_name: 'Set',
    });
    const read = await server.call('GET', `${API}/users/${created.json.id}`);
    expect(Object.keys(read.json).sort()).toEqual(['email', 'first_name', 'id', 'last_name']);
  });

  it('takes snake_case and form-encoded bodies; a missing email is 400', async () => {
    const snake = await server.call('POST', `${API}/users`, {
      body: { email: 'snake@example.com', first_name: 'Sna', last_name: 'Ke' },
    });
    expect(snake.status).toBe(201);
    expect(snake.json).toMatchObject({
      id: expect.any(Number),
      email: 'snake@example.com',
      first_name: 'Sna',
      last_name: 'Ke',
    });
    const form = await server.call('POST', `${API}/users`, {
      form: 'email=form%40example.com&first_name=For&last_name=M',
    });
    expect(form.status).toBe(201);
    expect(form.json).toMatchObject({
      id: expect.any(Number),
      email: 'form@example.com',
      first_name: 'For',
      last_name: 'M',
    });
    const missing = await server.call('POST', `${API}/users`, { body: { firstName: 'No', lastName: 'Email' } });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toMatch(/email/);
    const unknownUser = await server.call('GET', `${API}/users/nobody@example.com/`);
    expect(unknownUser.status).toBe(404);
  });
});

describe('REST customer portal', () => {
  let server: Server;
  let alice: Awaited<ReturnType<typeof createCustomer>>;
  let bob: Awaited<ReturnType<typeof createCustomer>>;
  let branch: number;
  const asAlice = () => ({ email: alice.email, key: alice.key });
  beforeAll(async () => {
    server = await startRestServer();
    branch = await createBranch(server, 'Portal Branch', 'PORT');
    alice = await createCustomer(server, 'alice@example.com', 'Alice', 'Anders');
    bob = await createCustomer(server, 'bob@example.com', 'Bob', 'Berg');
  });
  afterAll(() => server?.close());

  it('GET users/current returns the calling customer', async () => {
    const current = await server.call('GET', `${PORTAL}/users/current`, asAlice());
    expect(current.status, current.text).toBe(200);
    expect(current.json).toMatchObject({ id: alice.id, email: alice.email, last_name: 'Anders' });
    const v1 = await server.call('GET', '/api/diamante/rest/v1/desk/users/current.json', asAlice());
    expect(v1.json).toEqual(current.json);
  });

  it("PATCH users/current changes the calling customer's name", async () => {
    const patch = await server.call('PATCH', `${PORTAL}/users/current`, {
      ...asAlice(),
      body: { firstName: 'Alicia' },
    });
    expect(patch.status, patch.text).toBe(200);
    expect(patch.json).toMatchObject({ id: alice.id, email: alice.email, first_name: 'Alicia', last_name: 'Anders' });
    expect((await server.call('GET', `${API}/users/${alice.id}`)).json.first_name).toBe('Alicia');
  });

  it('has no users/current or watchers under the staff prefix', async () => {
    expect((await server.call('GET', `${API}/users/current`, asAlice())).status).toBe(404);
    expect((await server.call('GET', `${API}/users/current`)).status).toBe(404);
    const ticket = await createTicket(server, { branch, reporter: `diamante_${alice.id}` });
    expect(
      (await server.call('POST', `${API}/tickets/${ticket.id}/watchers`, { body: { email: bob.email } })).status,
    ).toBe(404);
  });

  it("sees its own ticket, not another customer's (404)", async () => {
    const own = await createTicket(server, { branch, reporter: `diamante_${alice.id}` });
    expect(own.reporter).toBe(`diamante_${alice.id}`);
    const theirs = await createTicket(server, { branch, reporter: `diamante_${bob.id}` });
    const seen = await server.call('GET', `${PORTAL}/tickets/${own.id}`, asAlice());
    expect(seen.status, seen.text).toBe(200);
    expect(seen.json).toMatchObject({ id: own.id, key: own.key, reporter: `diamante_${alice.id}` });
    const hidden = await server.call('GET', `${PORTAL}/tickets/${theirs.id}`, asAlice());
    expect(hidden.status).toBe(404);
    expect(hidden.json).toEqual({ error: 'Ticket loading failed, ticket not found.' });
    const hiddenByKey = await server.call('GET', `${PORTAL}/tickets/${theirs.key}`, asAlice());
    expect(hiddenByKey.status).toBe(404);
    const list = await server.call('GET', `${PORTAL}/tickets`, asAlice());
    expect(list.json.map((t: any) => t.id)).toContain(own.id);
    expect(list.json.map((t: any) => t.id)).not.toContain(theirs.id);
  });

  it('POST /tickets/{id}/watchers {email} on its own ticket answers 201 with the watcher list', async () => {
    const own = await createTicket(server, { branch, reporter: `diamante_${alice.id}` });
    const added = await server.call('POST', `${PORTAL}/tickets/${own.id}/watchers`, {
      ...asAlice(),
      body: { email: alice.email },
    });
    expect(added.status, added.text).toBe(201);
    expect(added.json).toContainEqual(
      expect.objectContaining({ email: alice.email, user_type: `diamante_${alice.id}` }),
    );
    const staffView = await server.call('GET', `${API}/tickets/${own.id}`);
    expect(staffView.json.watcher_list).toContainEqual({ id: alice.id, user_type: `diamante_${alice.id}` });
  });

  it('DELETE /tickets/{id}/watchers/diamante_<id> answers 204 and removes the watcher', async () => {
    const own = await createTicket(server, { branch, reporter: `diamante_${alice.id}` });
    const data = await graphql(
      server,
      'mutation($input: AddWatcherInput!) { addWatcher(input: $input) { userErrors { message } } }',
      {
        input: {
          ticket: { id: encodeGlobalID('Ticket', String(own.id)) },
          watcher: encodeGlobalID('Customer', String(bob.id)),
        },
      },
    );
    expect(data.addWatcher.userErrors).toEqual([]);
    const before = await server.call('GET', `${PORTAL}/tickets/${own.id}/watchers`, asAlice());
    expect(before.status, before.text).toBe(200);
    expect(before.json.map((w: any) => w.user_type)).toContain(`diamante_${bob.id}`);

    const removed = await server.call('DELETE', `${PORTAL}/tickets/${own.id}/watchers/diamante_${bob.id}`, asAlice());
    expect(removed.status, removed.text).toBe(204);
    expect(removed.text).toBe('');
    const after = await server.call('GET', `${API}/tickets/${own.id}`);
    expect(after.json.watcher_list.map((w: any) => w.user_type)).not.toContain(`diamante_${bob.id}`);
  });
});
