// The DiamanteDesk behaviours integrations rely on beyond the guide's examples (issue 15): creates
// that ignore unknown properties, page sizes up to the configured maximum, every documented filter
// and sort, unassigning with null, XML declarations, a second DELETE, the WSSE lifetime, and
// OroPlatform's user API for staff.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownProperties } from '../src/rest/format.ts';
import { phpWsseHeader, rawRequest } from './php-clients.ts';
import { ADMIN_EMAIL, ADMIN_KEY, startRestServer } from './rest-helpers.ts';

type Server = Awaited<ReturnType<typeof startRestServer>>;

const API = '/api/rest/v1/desk';

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

const ticketBody = (branch: number, extra: Record<string, unknown> = {}) => ({
  branch,
  subject: 'Subject',
  description: 'Description',
  status: 'new',
  priority: 'low',
  source: 'web',
  reporter: 'oro_1',
  ...extra,
});

describe('REST compatibility fixes', () => {
  let server: Server;
  let branch: number;
  let agent: number;

  beforeAll(async () => {
    server = await startRestServer();
    branch = (await server.call('POST', `${API}/branches`, { body: { name: 'Fixes', key: 'FIX' } })).json.id;
    const created = await graphql(
      server,
      'mutation { createAgent(input: {email: "second.agent+eu@example.com", firstName: "Second", lastName: "Agent"}) { agent { internalId username } } }',
    );
    agent = created.createAgent.agent.internalId;
    expect(created.createAgent.agent.username).toBe('second.agent_eu');
  });
  afterAll(() => server?.close());

  describe('unknown properties', () => {
    it('are ignored by every create and refused by updates', async () => {
      const ticket = await server.call('POST', `${API}/tickets`, {
        body: ticketBody(branch, { token: 'f3a9c0d1e2', id_order: 7, form_key: 'x', key: 'NOPE-1' }),
      });
      expect(ticket.status, ticket.text).toBe(201);
      expect(ticket.json.key).toMatch(/^FIX-\d+$/);
      const comment = await server.call('POST', `${API}/comments`, {
        form: `content=Hi&ticket=${ticket.json.id}&author=oro_1&submitComment=&token=abc`,
      });
      expect(comment.status, comment.text).toBe(201);
      const user = await server.call('POST', `${API}/users`, {
        body: { email: 'extra@example.com', firstName: 'Ex', lastName: 'Tra', newsletter: true },
      });
      expect(user.status, user.text).toBe(201);
      const newBranch = await server.call('POST', `${API}/branches`, { body: { name: 'Other', colour: 'red' } });
      expect(newBranch.status, newBranch.text).toBe(201);
      const attachment = await server.call('POST', `${API}/tickets/${ticket.json.id}/attachments`, {
        body: { attachmentsInput: [{ filename: 'a.txt', content: 'aGk=' }], submit: '1' },
      });
      expect(attachment.status, attachment.text).toBe(201);

      for (const [path, entity] of [
        [`/tickets/${ticket.json.id}`, 'Ticket'],
        [`/comments/${comment.json.id}`, 'Comment'],
        [`/users/${user.json.id}`, 'User'],
        [`/branches/${newBranch.json.id}`, 'Branch'],
      ]) {
        const refused = await server.call('PUT', `${API}${path}`, { body: { token: 'x' } });
        expect(refused.status).toBe(400);
        expect(refused.json).toEqual({ error: `${entity} does not have "token" property.` });
      }
    });

    it('are logged at debug level by name, never by value', () => {
      const lines: object[] = [];
      const kept = knownProperties('Ticket', { subject: 's', token: 'secret-csrf' }, ['subject'], {
        debug: (object) => lines.push(object),
      });
      expect(kept).toEqual({ subject: 's' });
      expect(lines).toEqual([{ entity: 'Ticket', ignored: ['token'] }]);
    });
  });

  it('"assignee": null (JSON) and an empty assignee field (form) unassign on PUT and PATCH', async () => {
    const ticket = await server.call('POST', `${API}/tickets`, { body: ticketBody(branch, { assignee: agent }) });
    expect(ticket.json.assignee).toBe(agent);
    const cleared = await server.call('PATCH', `${API}/tickets/${ticket.json.id}`, { body: { assignee: null } });
    expect(cleared.status, cleared.text).toBe(200);
    expect(cleared.json.assignee).toBeUndefined();
    expect((await server.call('GET', `${API}/tickets/${ticket.json.id}`)).json.assignee).toBeUndefined();
    await server.call('PUT', `${API}/tickets/${ticket.json.id}`, { body: { assignee: agent } });
    const form = await server.call('PUT', `${API}/tickets/${ticket.json.id}`, { form: 'assignee=' });
    expect(form.status, form.text).toBe(200);
    expect(form.json.assignee).toBeUndefined();
    // Absent leaves it; a null assignee on create means "the branch default".
    await server.call('PUT', `${API}/tickets/${ticket.json.id}`, { body: { assignee: agent } });
    const untouched = await server.call('PATCH', `${API}/tickets/${ticket.json.id}`, { body: { subject: 'Still' } });
    expect(untouched.json.assignee).toBe(agent);
    const created = await server.call('POST', `${API}/tickets`, { body: ticketBody(branch, { assignee: null }) });
    expect(created.status, created.text).toBe(201);
  });

  it('reads XML bodies that start with an XML declaration (and a processing instruction)', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<?php-stylesheet x?>\n<branch><name>Xml desk</name><key>XMLD</key><tags>a</tags></branch>`;
    const response = await fetch(`${server.origin}${API}/branches.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/xml', 'X-WSSE': phpWsseHeader(ADMIN_EMAIL, ADMIN_KEY) },
      body: xml,
    });
    expect(response.status, await response.clone().text()).toBe(201);
    expect(await response.json()).toMatchObject({ name: 'Xml desk', key: 'XMLD', tags: ['a'] });
  });

  it('answers a second DELETE /users/{id} with 404', async () => {
    const user = await server.call('POST', `${API}/users`, {
      body: { email: 'twice@example.com', firstName: 'Two', lastName: 'Times' },
    });
    expect((await server.call('DELETE', `${API}/users/${user.json.id}`)).status).toBe(204);
    const again = await server.call('DELETE', `${API}/users/${user.json.id}`);
    expect(again.status).toBe(404);
    expect(again.json.error).toBeTruthy();
    // Creating the email again restores the user, who can then be deleted again.
    const restored = await server.call('POST', `${API}/users`, {
      body: { email: 'twice@example.com', firstName: 'Two', lastName: 'Times' },
    });
    expect(restored.json.id).toBe(user.json.id);
    expect((await server.call('DELETE', `${API}/users/${user.json.id}`)).status).toBe(204);
  });

  describe('filters and sorts', () => {
    let tickets: any[];
    beforeAll(async () => {
      const other = (await server.call('POST', `${API}/branches`, { body: { name: 'Sorting', key: 'SRT' } })).json.id;
      const customer = (
        await server.call('POST', `${API}/users`, {
          body: { email: 'sorter@example.com', firstName: 'Sor', lastName: 'Ter' },
        })
      ).json.id;
      tickets = [];
      for (const [b, subject, description, source, reporter, assignee] of [
        [other, 'Alpha', 'printer on fire', 'email', 'oro_1', agent],
        [other, 'Beta', 'screen flickers', 'phone', `diamante_${customer}`, null],
        [other, 'Gamma', 'printer jammed', 'web', 'oro_1', 1],
      ] as const) {
        const created = await server.call('POST', `${API}/tickets`, {
          body: ticketBody(b, { subject, description, source, reporter, ...(assignee ? { assignee } : {}) }),
        });
        expect(created.status, created.text).toBe(201);
        tickets.push(created.json);
      }
    });
    const subjects = async (query: string) => {
      const list = await server.call('GET', `${API}/tickets?branch=${tickets[0].branch}&${query}`);
      expect(list.status, list.text).toBe(200);
      return list.json.map((t: any) => t.subject);
    };

    it('filters tickets by id, unique_id, key, subject and description, each on its own', async () => {
      expect(await subjects(`id=${tickets[1].id}`)).toEqual(['Beta']);
      expect(await subjects(`id[]=${tickets[0].id}&id[]=${tickets[2].id}`)).toEqual(['Alpha', 'Gamma']);
      expect(await subjects(`unique_id=${tickets[2].unique_id.id.slice(4, 20)}`)).toEqual(['Gamma']);
      expect(await subjects(`key=${tickets[1].key}`)).toEqual(['Beta']);
      expect(await subjects('description=printer')).toEqual(['Alpha', 'Gamma']);
      // Before, the first of subject/key/description won and the others were dropped.
      expect(await subjects('description=printer&subject=gam')).toEqual(['Gamma']);
      expect(await subjects('status[]=new&status[]=closed')).toHaveLength(3);
    });

    it('sorts tickets by every listed property', async () => {
      expect(await subjects('sort=source&order=asc')).toEqual(['Gamma', 'Alpha', 'Beta']); // web, email, phone
      // "printer jammed" < "printer on fire" < "screen flickers"
      expect(await subjects('sort=description&order=asc')).toEqual(['Gamma', 'Alpha', 'Beta']);
      expect(await subjects('sort=reporter&order=asc')).toEqual(['Alpha', 'Gamma', 'Beta']);
      expect(await subjects('sort=assignee&order=asc')).toEqual(['Gamma', 'Alpha', 'Beta']);
      expect(await subjects('sort=subject&order=DESC')).toEqual(['Gamma', 'Beta', 'Alpha']);
      for (const sort of ['id', 'key', 'status', 'priority', 'branch', 'unique_id', 'created_at', 'updatedAt']) {
        expect(await subjects(`sort=${sort}`), sort).toHaveLength(3);
      }
    });

    it('filters comments by content and by updatedBefore/After; sorts them by author and content', async () => {
      const ticket = tickets[0].id;
      for (const content of ['first note', 'second reply']) {
        const created = await server.call('POST', `${API}/comments`, { body: { content, ticket, author: 'oro_1' } });
        expect(created.status).toBe(201);
      }
      const list = async (query: string) => {
        const response = await server.call('GET', `${API}/comments?ticket=${ticket}&${query}`);
        return response.status === 200 ? response.json.map((c: any) => c.content) : undefined;
      };
      expect(await list('content=reply')).toEqual(['second reply']);
      const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
      expect(await list(`updatedAfter=${future}`)).toEqual([]);
      expect(await list(`updatedBefore=${future}`)).toHaveLength(2);
      // PHP's and Zend's date forms, sent unencoded (`+` arrives as a space); no offset means UTC.
      expect(await list('updatedAfter=2000-01-01T00:00:00+0000')).toHaveLength(2);
      expect(await list('updatedAfter=2000-01-01T00:00:00+00:00')).toHaveLength(2);
      expect(await list('updatedBefore=2000-01-01 10:00')).toEqual([]);
      expect(await list('updatedAfter=abc')).toBeUndefined();
      expect(await list('sort=content&order=desc')).toEqual(['second reply', 'first note']);
      expect(await list('sort=author')).toHaveLength(2);
    });

    it('filters users by email, first_name and last_name together, and by dates', async () => {
      for (const [email, firstName, lastName] of [
        ['ann.lee@corp.example', 'Ann', 'Lee'],
        ['ann.kim@corp.example', 'Ann', 'Kim'],
        ['bob.lee@corp.example', 'Bob', 'Lee'],
      ]) {
        await server.call('POST', `${API}/users`, { body: { email, firstName, lastName } });
      }
      const emails = async (query: string) =>
        (await server.call('GET', `${API}/users?${query}`)).json.map((u: any) => u.email);
      expect(await emails('email=corp.example&first_name=ann&last_name=lee')).toEqual(['ann.lee@corp.example']);
      expect(await emails('email=corp.example&last_name=lee&sort=first_name&order=desc')).toEqual([
        'bob.lee@corp.example',
        'ann.lee@corp.example',
      ]);
      const future = encodeURIComponent(new Date(Date.now() + 60_000).toISOString());
      expect(await emails(`email=corp.example&createdAfter=${future}`)).toEqual([]);
      expect(await emails(`email=corp.example&createdBefore=${future}&updatedBefore=${future}`)).toHaveLength(3);
      expect(await emails(`email=corp.example&updatedAfter=${future}`)).toEqual([]);
    });

    it('filters branches by id, description and default_assignee', async () => {
      const described = await server.call('POST', `${API}/branches`, {
        body: { name: 'Described', key: 'DSC', description: 'Warranty claims', default_assignee: agent },
      });
      expect(described.status, described.text).toBe(201);
      const names = async (query: string) =>
        (await server.call('GET', `${API}/branches?${query}`)).json.map((b: any) => b.name);
      expect(await names('description=warranty')).toEqual(['Described']);
      expect(await names(`default_assignee=${agent}`)).toEqual(['Described']);
      expect(await names(`id=${described.json.id}`)).toEqual(['Described']);
      expect(await names('sort=description&order=desc&limit=1')).toEqual(['Described']);
    });
  });

  describe('OroPlatform user API', () => {
    it('serves agents in Oro shapes: list (default 10 per page), by id, filter by username or email', async () => {
      const list = await server.call('GET', '/api/rest/latest/users.json');
      expect(list.status).toBe(200);
      // Other tests here add agents: the first two are the ones made before them all.
      expect(list.json.slice(0, 2)).toEqual([
        expect.objectContaining({ id: 1, username: 'admin', email: ADMIN_EMAIL, enabled: true }),
        expect.objectContaining({ id: agent, username: 'second.agent_eu', firstName: 'Second', lastName: 'Agent' }),
      ]);
      expect(list.json[0].createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
      expect(list.json[0].roles).toEqual([{ role: 'ROLE_ADMINISTRATOR', label: 'Administrator' }]);
      const one = await server.call('GET', `/api/rest/v1/users/${agent}.json`);
      expect(one.json).toMatchObject({ id: agent, username: 'second.agent_eu', roles: [{ role: 'ROLE_USER' }] });
      const byName = await server.call('GET', '/api/rest/v1/user/filter.json?username=Second.Agent_EU');
      expect(byName.json.id).toBe(agent);
      const byEmail = await server.call('GET', `/api/rest/v1/user/filter.json?email=${ADMIN_EMAIL}`);
      expect(byEmail.json.id).toBe(1);
      const both = await server.call('GET', `/api/rest/v1/user/filter.json?email=${ADMIN_EMAIL}&username=admin`);
      expect(both.json.id).toBe(1);
    });

    it('404s when nobody matches, 400 without a filter, and keeps customers out (403)', async () => {
      expect((await server.call('GET', '/api/rest/v1/user/filter.json?username=nobody')).status).toBe(404);
      expect((await server.call('GET', '/api/rest/v1/user/filter.json?email=a@b.example')).status).toBe(404);
      expect((await server.call('GET', '/api/rest/v1/user/filter.json?username=bad%20name')).status).toBe(404);
      expect((await server.call('GET', '/api/rest/v1/users/999999.json')).status).toBe(404);
      expect((await server.call('GET', '/api/rest/v1/user/filter.json?limit=10')).status).toBe(400);
      // Oro's API is beside the staff desk only, not under the customer portal.
      expect((await server.call('GET', '/api/diamante/rest/v1/users.json')).status).toBe(404);
      const customer = await server.call('POST', `${API}/users`, {
        body: { email: 'portal@example.com', firstName: 'Por', lastName: 'Tal' },
      });
      const key = await graphql(server, 'mutation($owner: ID!) { createApiKey(input: {owner: $owner}) { secret } }', {
        owner: encodeGlobalID('Customer', String(customer.json.id)),
      });
      const forbidden = await server.call('GET', '/api/rest/v1/users.json', {
        email: 'portal@example.com',
        key: key.createApiKey.secret,
      });
      expect(forbidden.status).toBe(403);
    });

    it('accepts the agent username as WSSE Username, any case, and refuses unknown ones', async () => {
      for (const username of ['admin', 'ADMIN', ADMIN_EMAIL]) {
        const response = await rawRequest(server.origin, 'GET', `${API}/branches.json`, {
          'X-WSSE': phpWsseHeader(username, ADMIN_KEY),
        });
        expect(response.status, username).toBe(200);
      }
      const unknown = await rawRequest(server.origin, 'GET', `${API}/branches.json`, {
        'X-WSSE': phpWsseHeader('admim', ADMIN_KEY),
      });
      expect(unknown.status).toBe(401);
    });

    it('shows usernames to staff only, like emails', async () => {
      const customer = await server.call('POST', `${API}/users`, {
        body: { email: 'reader@example.com', firstName: 'Rea', lastName: 'Der' },
      });
      const key = (
        await graphql(server, 'mutation($owner: ID!) { createApiKey(input: {owner: $owner}) { secret } }', {
          owner: encodeGlobalID('Customer', String(customer.json.id)),
        })
      ).createApiKey.secret;
      const ticket = await server.call('POST', `${API}/tickets`, {
        body: ticketBody(branch, { reporter: `diamante_${customer.json.id}` }),
      });
      await server.call('POST', `${API}/comments`, {
        body: { content: 'Hello', ticket: ticket.json.id, author: 'oro_1' },
      });
      const query = `{ ticket(key: "${ticket.json.key}") { comments { nodes { author { ... on Agent { name username } } } } } }`;
      const asCustomer = await fetch(`${server.origin}/graphql`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${key}` },
        body: JSON.stringify({ query }),
      });
      const seen = (await asCustomer.json()) as any;
      expect(seen.errors).toBeUndefined();
      expect(seen.data.ticket.comments.nodes).toEqual([{ author: { name: expect.any(String), username: null } }]);
      const asStaff = await graphql(server, query);
      expect(asStaff.ticket.comments.nodes[0].author.username).toBe('admin');
    });

    it('lets admins set and change a username; refuses a taken or malformed one', async () => {
      // Its own agent: renaming the shared one would break the tests that look it up by name.
      const renamed = (
        await graphql(
          server,
          'mutation { createAgent(input: {email: "rename.me@example.com", firstName: "Re", lastName: "Name"}) { agent { internalId } } }',
        )
      ).createAgent.agent.internalId;
      const set = await graphql(
        server,
        `mutation($id: ID!) { updateAgent(input: {id: $id, username: "Support.Lead"}) { agent { username } userErrors { code field } } }`,
        { id: encodeGlobalID('Agent', String(renamed)) },
      );
      expect(set.updateAgent).toEqual({ agent: { username: 'support.lead' }, userErrors: [] });
      const taken = await graphql(
        server,
        `mutation($id: ID!) { updateAgent(input: {id: $id, username: "admin"}) { agent { username } userErrors { code field } } }`,
        { id: encodeGlobalID('Agent', String(renamed)) },
      );
      expect(taken.updateAgent.userErrors).toEqual([{ code: 'TAKEN', field: ['username'] }]);
      const bad = await graphql(
        server,
        'mutation { createAgent(input: {email: "x@example.com", firstName: "X", username: "x@y"}) { agent { id } userErrors { code field } } }',
      );
      expect(bad.createAgent.userErrors).toEqual([{ code: 'INVALID', field: ['username'] }]);
      // A second agent whose email starts the same way gets the next free name.
      const clash = await graphql(
        server,
        'mutation { createAgent(input: {email: "admin@other.example", firstName: "Other"}) { agent { username } } }',
      );
      expect(clash.createAgent.agent.username).toBe('admin2');
    });
  });
});

describe('REST page sizes', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startRestServer({ HELPDESK_REST_MAX_PAGE_SIZE: '150' });
    // 230 customers: more than one batch of 100 and more than the maximum of 150.
    await server.app.db.prisma.customer.createMany({
      data: Array.from({ length: 230 }, (_, i) => ({
        email: `c${String(i).padStart(3, '0')}@bulk.example`,
        firstName: 'Bulk',
        lastName: String(i),
      })),
    });
  });
  afterAll(() => server?.close());

  it('clamps limit to the maximum; X-Total and Link tell the truth; batches neither repeat nor skip', async () => {
    const all: string[] = [];
    for (const page of [1, 2]) {
      const response = await server.call('GET', `${API}/users?email=bulk.example&limit=999999&page=${page}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-total')).toBe('230');
      const link = response.headers.get('link')!;
      expect(link).toContain('limit=150');
      expect(link).toMatch(/limit=150&page=2>; rel="last"/);
      all.push(...response.json.map((u: any) => u.email));
    }
    expect(all).toHaveLength(230);
    expect(new Set(all).size).toBe(230);
    expect(all).toEqual([...all].sort());
    const descending = await server.call('GET', `${API}/users?email=bulk.example&limit=120&sort=email&order=desc`);
    expect(descending.json).toHaveLength(120);
    expect(descending.json[0].email).toBe('c229@bulk.example');
    expect(descending.json[119].email).toBe('c110@bulk.example');
  });
});

describe('HELPDESK_WSSE_LIFETIME', () => {
  let lenient: Server;
  beforeAll(async () => {
    lenient = await startRestServer({ HELPDESK_WSSE_LIFETIME: '3600' });
  });
  afterAll(() => lenient?.close());

  it('accepts tokens as old (or as far ahead) as the lifetime, and no older', async () => {
    const at = (offsetSeconds: number) =>
      rawRequest(lenient.origin, 'GET', `${API}/branches.json`, {
        'X-WSSE': phpWsseHeader('admin', ADMIN_KEY, Date.now() + offsetSeconds * 1000),
      });
    expect((await at(-1800)).status).toBe(200);
    expect((await at(1800)).status).toBe(200);
    const old = await at(-3700);
    expect(old.status).toBe(401);
    expect(old.json.error).toMatch(/3600 s/);
  });
});
