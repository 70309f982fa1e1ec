// DiamanteDesk's own e-commerce integrations, replayed: every REST call of the PrestaShop module
// (curl, JSON bodies, raw query strings) and of the Magento 1 extension (Zend_Http_Client, PHP
// form bodies), byte for byte as they send it, with PHP-made WSSE tokens, checking what each
// module reads from the answer. Paths, fields and the order of calls follow the modules' code
// (eltrino/DiamanteDeskPrestaShopExtension, eltrino/DiamanteDeskMagentoExtension).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { magentoClient, type PhpResponse, phpWsseHeader, prestaShopClient, rawRequest } from './php-clients.ts';
import { ADMIN_EMAIL, ADMIN_KEY, startRestServer } from './rest-helpers.ts';

type Server = Awaited<ReturnType<typeof startRestServer>>;

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

let server: Server;
let adminId: number;
let branchId: number;
/** Module calls made, and those whose answer the module could use. */
const replayed: { call: string; ok: boolean }[] = [];

/** The module's success test: an allowed status and no `error` in the body. */
function usable(response: PhpResponse, call: string) {
  const ok = [200, 201, 202, 204, 304].includes(response.status) && !response.json?.error;
  replayed.push({ call, ok });
  return ok;
}

beforeAll(async () => {
  server = await startRestServer();
  const branch = await server.call('POST', '/api/rest/v1/desk/branches', {
    body: { name: 'Shop orders', key: 'SHOP' },
  });
  branchId = branch.json.id;
});

afterAll(async () => {
  await server?.close();
  const failed = replayed.filter((r) => !r.ok).map((r) => r.call);
  console.info(`shop module calls replayed: ${replayed.length}, usable: ${replayed.length - failed.length}`);
  if (failed.length) console.info(`not usable:\n  ${failed.join('\n  ')}`);
});

// One shop's history, kept in this order when CI shuffles: each group replays a module's session in
// its order (the API user found, the customer created, then their ticket, then a comment on it),
// and the older release and the Magento extension work on what the first session made (the
// branch's default assignee, the customer).
describe('DiamanteDesk shop modules, replayed', { shuffle: false }, () => {
  describe('PrestaShop module (curl, JSON bodies)', () => {
    // DIAMANTEDESK_USERNAME is the Oro login name of the API user.
    const api = () => prestaShopClient({ origin: server.origin, username: 'admin', apiKey: ADMIN_KEY });
    let reporter: string;
    let diamanteUser: { id: number; email: string };
    let ticket: { id: number; key: string };

    it('finds the API user with user/filter?username= (Oro) and signs WSSE with the Oro login name', async () => {
      const client = api();
      const user = await client.get('user/filter', { username: 'admin' });
      expect(usable(user, client.calls[0]!), user.body).toBe(true);
      // getDefaultUser()->id becomes the reporter or author `oro_<id>`.
      expect(user.json).toMatchObject({ id: expect.any(Number), username: 'admin', email: ADMIN_EMAIL, enabled: true });
      adminId = user.json.id;
      reporter = `oro_${adminId}`;
      const byId = await client.get(`users/${adminId}`);
      expect(usable(byId, client.calls[1]!)).toBe(true);
      expect(byId.json).toMatchObject({ id: adminId, username: 'admin', firstName: 'Admin' });
    });

    it('lists staff for the Reporter and Assigner dropdowns with users?limit=999999', async () => {
      const client = api();
      const users = await client.get('users', { limit: '999999' });
      expect(usable(users, client.calls[0]!)).toBe(true);
      expect(users.json).toEqual([expect.objectContaining({ id: adminId, firstName: 'Admin', email: ADMIN_EMAIL })]);
      for (const user of users.json) expect(Object.keys(user)).toEqual(expect.arrayContaining(['lastName', 'email']));
    });

    it('sets the branch default assignee so createTicket can read `default_assignee`', async () => {
      const patched = await server.call('PATCH', `/api/rest/v1/desk/branches/${branchId}`, {
        body: { default_assignee: adminId },
      });
      expect(patched.status, patched.text).toBe(200);
      const client = api();
      const branches = await client.get('desk/branches');
      expect(usable(branches, client.calls[0]!)).toBe(true);
      const branch = branches.json.find((b: any) => b.id === branchId);
      expect(branch).toMatchObject({ id: branchId, name: 'Shop orders', default_assignee: adminId });
    });

    it('getOrCreateDiamanteUser: users/{email}/ (404), then creates the customer', async () => {
      const client = api();
      const missing = await client.get('desk/users/jane@shop.example/');
      expect(usable(missing, client.calls[0]!)).toBe(false);
      expect(missing.json.error).toBeTruthy();
      replayed.pop(); // a 404 the module expects: it creates the user next
      replayed.push({ call: client.calls[0]!, ok: true });
      const created = await client.post('desk/users', {
        email: 'jane@shop.example',
        firstName: 'Jane',
        lastName: 'Doe',
      });
      expect(usable(created, client.calls[1]!), created.body).toBe(true);
      expect(created.status).toBe(201);
      diamanteUser = created.json;
      expect(diamanteUser).toMatchObject({ id: expect.any(Number), email: 'jane@shop.example' });
      const found = await client.get('desk/users/jane@shop.example/');
      expect(usable(found, client.calls[2]!)).toBe(true);
      expect(found.json.id).toBe(diamanteUser.id);
      // getCustomerTickets() asks by email without the trailing slash; the relation by id.
      const byEmail = await client.get('desk/users/jane@shop.example');
      expect(usable(byEmail, client.calls[3]!)).toBe(true);
      const byId = await client.get(`desk/users/${diamanteUser.id}`);
      expect(usable(byId, client.calls[4]!)).toBe(true);
      const all = await client.get('desk/users');
      expect(usable(all, client.calls[5]!)).toBe(true);
      expect(all.json).toContainEqual(expect.objectContaining({ id: diamanteUser.id, first_name: 'Jane' }));
    });

    it('front office "My tickets" form: posts the whole form (token, submitTicket) and reads id and key', async () => {
      const client = api();
      const branches = await client.get('desk/branches');
      expect(usable(branches, client.calls[0]!)).toBe(true);
      const defaultAssignee = branches.json.find((b: any) => b.id === branchId).default_assignee;
      const data = {
        subject: 'Broken zipper',
        description: 'The zipper of my jacket broke on day two.',
        token: 'f3a9c0d1e2',
        submitTicket: '',
        branch: String(branchId),
        reporter: `diamante_${diamanteUser.id}`,
        source: 'web',
        status: 'new',
        priority: 'low',
        assignee: defaultAssignee,
      };
      const created = await client.post('desk/tickets', data);
      expect(usable(created, client.calls[1]!), created.body).toBe(true);
      expect(created.status).toBe(201);
      expect(created.json).toMatchObject({
        id: expect.any(Number),
        key: 'SHOP-1',
        reporter: `diamante_${diamanteUser.id}`,
        assignee: adminId,
        status: 'new',
        priority: 'low',
      });
      ticket = created.json;
      // saveAttachment(): the uploaded file, base64, JSON.
      const attached = await client.post(`desk/tickets/${ticket.id}/attachments`, {
        attachmentsInput: [{ filename: 'photo.png', content: PNG_1PX }],
      });
      expect(usable(attached, client.calls[2]!), attached.body).toBe(true);
      expect(attached.json).toEqual([
        expect.objectContaining({ file: expect.objectContaining({ filename: 'photo.png' }) }),
      ]);
    });

    it("lists the customer's tickets (page, limit=25, reporter) and reads X-Total as sent", async () => {
      const client = api();
      const list = await client.get('desk/tickets', { page: 1, limit: 25, reporter: `diamante_${diamanteUser.id}` });
      expect(usable(list, client.calls[0]!)).toBe(true);
      expect(list.rawHeaders['X-Total']).toBe('1');
      expect(list.json.map((t: any) => t.key)).toEqual([ticket.key]);
    });

    it('comment form: posts comment, token, ticket, ticketStatus, submitComment and reads the author', async () => {
      const client = api();
      const created = await client.post('desk/comments', {
        comment: 'Any news?',
        token: 'f3a9c0d1e2',
        ticket: String(ticket.id),
        ticketStatus: 'new',
        submitComment: '',
        content: 'Any news?',
        author: `diamante_${diamanteUser.id}`,
      });
      expect(usable(created, client.calls[0]!), created.body).toBe(true);
      expect(created.json).toMatchObject({ content: 'Any news?', author: { id: `diamante_${diamanteUser.id}` } });
      // addComment() without an author asks for the API user first and writes as `oro_<id>`.
      const user = await client.get('user/filter', { username: 'admin' });
      expect(usable(user, client.calls[1]!)).toBe(true);
      const reply = await client.post('desk/comments', {
        content: 'We are on it.',
        ticket: ticket.id,
        ticketStatus: 'in_progress',
        author: `oro_${user.json.id}`,
      });
      expect(usable(reply, client.calls[2]!), reply.body).toBe(true);
      const view = await client.get(`desk/tickets/${ticket.id}`);
      expect(usable(view, client.calls[3]!)).toBe(true);
      expect(view.json.reporter).toBe(`diamante_${diamanteUser.id}`);
      expect(view.json.status).toBe('in_progress');
      expect(view.json.comments.map((c: any) => [c.author.id, c.private, typeof c.author.name])).toEqual([
        [`diamante_${diamanteUser.id}`, false, 'string'],
        [reporter, false, 'string'],
      ]);
    });

    it('contact form hook: subject, description, id_order, reporter from user/filter; saves the relation by key', async () => {
      const client = api();
      const user = await client.get('user/filter', { username: 'admin' });
      expect(usable(user, client.calls[0]!)).toBe(true);
      const branches = await client.get('desk/branches');
      expect(usable(branches, client.calls[1]!)).toBe(true);
      const message = 'Where is my order #42? It was due last week.';
      const created = await client.post('desk/tickets', {
        subject: `${message.slice(0, 15)}...`,
        description: message,
        id_order: '42',
        source: 'web',
        status: 'new',
        priority: 'low',
        branch: String(branchId),
        reporter: `oro_${user.json.id}`,
        assignee: branches.json[0].default_assignee,
      });
      expect(usable(created, client.calls[2]!), created.body).toBe(true);
      expect(created.json.key).toMatch(/^SHOP-\d+$/);
      expect(created.json.reporter).toBe(`oro_${adminId}`);
    });

    it('admin "Add ticket" form: posts $_POST with assigner_id and the submit button; a branch without default assignee', async () => {
      const plain = await server.call('POST', '/api/rest/v1/desk/branches', { body: { name: 'Returns', key: 'RET' } });
      const client = api();
      const branches = await client.get('desk/branches');
      expect(usable(branches, client.calls[0]!)).toBe(true);
      const returns = branches.json.find((b: any) => b.id === plain.json.id);
      expect(returns.default_assignee).toBeUndefined();
      const created = await client.post('desk/tickets', {
        subject: 'Refund',
        priority: 'medium',
        status: 'open',
        reporter: `diamante_${diamanteUser.id}`,
        assigner_id: String(adminId),
        description: 'Customer wants a refund.',
        branch: String(plain.json.id),
        submitAddconfiguration: '1',
        source: 'web',
        // `$branch->default_assignee` of a branch without one: null.
        assignee: returns.default_assignee ?? null,
      });
      expect(usable(created, client.calls[1]!), created.body).toBe(true);
      expect(created.json).toMatchObject({ key: 'RET-1', status: 'open', priority: 'medium' });
      expect(created.json.assignee).toBeUndefined();
    });

    it('admin ticket grid: limit 300 and 1000, page, sort/order in upper case, each filter, created range raw', async () => {
      const client = api();
      const p300 = await client.get('desk/tickets', {
        limit: 300,
        page: 1,
        sort: 'subject',
        order: 'DESC',
        branch: branchId,
      });
      expect(usable(p300, client.calls[0]!), p300.body).toBe(true);
      expect(p300.json.map((t: any) => t.subject)).toEqual(['Where is my ord...', 'Broken zipper']);
      expect(p300.rawHeaders['X-Total']).toBe('2');
      const p1000 = await client.get('desk/tickets', { limit: 1000, page: 1, sort: 'createdAt', order: 'ASC' });
      expect(usable(p1000, client.calls[1]!)).toBe(true);
      expect(p1000.json).toHaveLength(3);
      for (const [key, value, expected] of [
        ['subject', 'zipper', ['Broken zipper']],
        ['priority', 'medium', ['Refund']],
        ['status', 'open', ['Refund']],
        ['status', 'in_progress', ['Broken zipper']],
      ] as const) {
        const filtered = await client.get('desk/tickets', { limit: 50, page: 1, [key]: value });
        expect(usable(filtered, client.calls.at(-1)!)).toBe(true);
        expect(
          filtered.json.map((t: any) => t.subject),
          `${key}=${value}`,
        ).toEqual(expected);
      }
      // _applyFilters(): DateTime::ISO8601 values appended unencoded (the `+` arrives as a space).
      const today = new Date().toISOString().slice(0, 10);
      const range = await client.get('desk/tickets', {
        limit: 50,
        page: 1,
        createdAfter: `${today}T00:00:00+0000`,
        createdBefore: `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T00:00:00+0000`,
      });
      expect(usable(range, client.calls.at(-1)!), range.body).toBe(true);
      expect(range.json).toHaveLength(3);
      for (const sort of ['id', 'priority', 'status', 'createdAt']) {
        const sorted = await client.get('desk/tickets', { limit: 50, page: 1, sort, order: 'DESC' });
        expect(usable(sorted, client.calls.at(-1)!), `${sort}: ${sorted.body}`).toBe(true);
      }
    });
  });

  describe('PrestaShop module, first releases (raw key=value& bodies, no rtrim)', () => {
    // Before JSON bodies, doRequest() glued `key=value&` pairs together unencoded (rtrim's result was
    // discarded, so a `&` trails) and let curl label them application/x-www-form-urlencoded.
    const send = (method: string, target: string, body?: string) => {
      const headers: Record<string, string> = {
        Accept: 'application/json',
        Authorization: 'WSSE profile="UsernameToken"',
        'X-WSSE': phpWsseHeader('admin', ADMIN_KEY),
      };
      if (body !== undefined) headers['Content-Type'] = 'application/x-www-form-urlencoded';
      return rawRequest(server.origin, method, target, headers, body);
    };

    it('reads lists with a bare `?` and a trailing `&`, and creates tickets and comments from raw pairs', async () => {
      const branches = await send('GET', '/api/rest/v1/desk/branches.json?');
      expect(usable(branches, 'GET /api/rest/v1/desk/branches.json?')).toBe(true);
      const user = await send('GET', '/api/rest/v1/user/filter.json?username=admin&');
      expect(usable(user, 'GET /api/rest/v1/user/filter.json?username=admin&')).toBe(true);
      const fields = [
        'subject=Lost parcel',
        'description=Tracking says delivered, nothing here.',
        'submitTicket=',
        `branch=${branchId}`,
        'source=web',
        'status=new',
        'priority=low',
        `reporter=oro_${user.json.id}`,
        `assignee=${branches.json.find((b: any) => b.id === branchId).default_assignee}`,
      ];
      const created = await send('POST', '/api/rest/v1/desk/tickets.json', `${fields.join('&')}&`);
      expect(usable(created, 'POST /api/rest/v1/desk/tickets.json (raw pairs)'), created.body).toBe(true);
      expect(created.json).toMatchObject({ subject: 'Lost parcel', reporter: `oro_${adminId}`, assignee: adminId });
      const comment = await send(
        'POST',
        '/api/rest/v1/desk/comments.json',
        `content=Checked with the courier.&ticket=${created.json.id}&author=oro_${adminId}&ticketStatus=open&`,
      );
      expect(usable(comment, 'POST /api/rest/v1/desk/comments.json (raw pairs)'), comment.body).toBe(true);
      expect(comment.json).toMatchObject({ content: 'Checked with the courier.', author: { id: `oro_${adminId}` } });
      const list = await send('GET', `/api/rest/v1/desk/tickets.json?branch=${branchId}&`);
      expect(usable(list, 'GET /api/rest/v1/desk/tickets.json?branch=...&')).toBe(true);
      expect(list.json.map((t: any) => t.subject)).toContain('Lost parcel');
    });

    it("order detail hook and customer pages: tickets?limit=50, a customer's tickets by reporter", async () => {
      const client = prestaShopClient({ origin: server.origin, username: 'admin', apiKey: ADMIN_KEY });
      const all = await client.get('desk/tickets', { limit: 50 });
      expect(usable(all, client.calls[0]!)).toBe(true);
      expect(all.json.length).toBeGreaterThan(0);
      const jane = await client.get('desk/users/jane@shop.example');
      expect(usable(jane, client.calls[1]!)).toBe(true);
      const hers = await client.get('desk/tickets', { reporter: `diamante_${jane.json.id}`, limit: 50 });
      expect(usable(hers, client.calls[2]!)).toBe(true);
      expect(hers.json.every((t: any) => t.reporter === `diamante_${jane.json.id}`)).toBe(true);
    });
  });

  describe('Magento 1 extension (Zend_Http_Client, PHP form bodies)', () => {
    // The extension is configured with the API user's email here; Oro login names work as well.
    const api = () => magentoClient({ origin: server.origin, username: ADMIN_EMAIL, apiKey: ADMIN_KEY });
    let user: { id: number };
    let ticket: { id: number; key: string };

    it('checks the connection (branches) and creates the customer with a form body', async () => {
      const client = api();
      const branches = await client.get('desk/branches');
      expect(usable(branches, client.calls[0]!)).toBe(true);
      const missing = await client.get('desk/users/sam@magento.example/');
      expect(missing.status).toBe(404); // getDiamanteUserByEmail(): 404 means "create it"
      replayed.push({ call: client.calls[1]!, ok: true });
      const created = await client.post('desk/users', {
        email: 'sam@magento.example',
        firstName: 'Sam',
        lastName: 'Smith',
      });
      expect(created.status, created.body).toBe(201);
      expect(usable(created, client.calls[2]!)).toBe(true);
      user = created.json;
      const byId = await client.get(`desk/users/${user.id}`);
      expect(usable(byId, client.calls[3]!)).toBe(true);
      expect(byId.json).toMatchObject({ id: user.id, email: 'sam@magento.example', first_name: 'Sam' });
    });

    it('new-ticket form: customer name lookup in Oro (404 for a customer email), then the ticket with order_increment_id', async () => {
      const client = api();
      const oro = await client.get('user/filter', { email: 'sam@magento.example' });
      expect(oro.status).toBe(404); // getUserByFilter(): a customer is no Oro user
      replayed.push({ call: client.calls[0]!, ok: true });
      const staff = await client.get('user/filter', { email: ADMIN_EMAIL });
      expect(usable(staff, client.calls[1]!)).toBe(true);
      expect(staff.json).toMatchObject({ firstName: 'Admin', lastName: expect.any(String) });
      const created = await client.post('desk/tickets', {
        subject: 'Wrong size',
        description: 'I got an M instead of an L.',
        branch: branchId,
        source: 'web',
        status: 'new',
        priority: 'medium',
        order_increment_id: '100000042',
        reporter: `diamante_${user.id}`,
      });
      expect(usable(created, client.calls[2]!), created.body).toBe(true);
      ticket = created.json;
      expect(ticket).toMatchObject({ id: expect.any(Number), key: expect.stringMatching(/^SHOP-\d+$/) });
      // The attachment as http_build_query() writes a nested array: attachmentsInput%5B0%5D%5Bfilename%5D=...
      const attached = await client.post(`desk/tickets/${ticket.id}/attachments`, {
        attachmentsInput: [{ filename: 'label photo.png', content: PNG_1PX }],
      });
      expect(usable(attached, client.calls[3]!), attached.body).toBe(true);
      expect(attached.json[0].file.filename).toBe('label photo.png');
    });

    it('customer views the ticket by key and comments with a form body', async () => {
      const client = api();
      const view = await client.get(`desk/tickets/${ticket.key}`);
      expect(usable(view, client.calls[0]!)).toBe(true);
      expect(view.json).toMatchObject({ key: ticket.key, subject: 'Wrong size', status: 'new' });
      expect(view.json.attachments).toHaveLength(1);
      const comment = await client.post('desk/comments', {
        author: `diamante_${user.id}`,
        ticket: String(ticket.id),
        content: 'Any update? I need it by Friday & before noon.',
        ticketStatus: view.json.status,
      });
      expect(usable(comment, client.calls[1]!), comment.body).toBe(true);
      expect(comment.json).toMatchObject({ author: { id: `diamante_${user.id}` }, ticket: ticket.id });
      expect(comment.json.content).toBe('Any update? I need it by Friday & before noon.');
      const comments = await client.get('desk/comments', { ticket: ticket.id });
      expect(usable(comments, client.calls[2]!)).toBe(true);
      expect(comments.json.map((c: any) => c.author.id)).toEqual([`diamante_${user.id}`]);
    });

    it('admin "Create ticket" form: getParams() with the URL key and form_key, reporter and assignee dropdowns', async () => {
      const client = api();
      // Source_Users: Oro users (limit 999999 stays on the singleton for the calls after it).
      const oroUsers = await client.get('users', { limit: '999999' });
      expect(usable(oroUsers, client.calls[0]!)).toBe(true);
      const customers = await client.get('desk/users', { limit: '999999' });
      expect(usable(customers, client.calls[1]!)).toBe(true);
      const branches = await client.get('desk/branches', { limit: '999999' });
      expect(usable(branches, client.calls[2]!)).toBe(true);
      const created = await client.post('desk/tickets', {
        key: '5f1c6dc0a1b2c3d4e5f60718293a4b5c',
        form_key: 'Xq7pL2mN9sT4vW1z',
        branch: String(branchId),
        subject: 'Damaged parcel',
        status: 'open',
        priority: 'high',
        source: 'phone',
        reporter: `oro_${oroUsers.json[0].id}`,
        assignee: String(oroUsers.json[0].id),
        description: '<p>Box arrived <strong>crushed</strong>.</p>',
      });
      expect(usable(created, client.calls[3]!), created.body).toBe(true);
      expect(created.json).toMatchObject({ subject: 'Damaged parcel', source: 'phone', assignee: adminId });
    });

    it('order page form and the retry queue: user/filter?username=, a subject ending in a newline', async () => {
      const client = magentoClient({ origin: server.origin, username: 'admin', apiKey: ADMIN_KEY });
      const staff = await client.get('user/filter', { limit: '999999', username: 'admin' });
      expect(usable(staff, client.calls[0]!), staff.body).toBe(true);
      expect(staff.json.id).toBe(adminId);
      const queued = await client.post('desk/tickets', {
        subject: 'Queued while offline\n',
        description: 'Sent by cron.\n',
        reporter: `oro_${staff.json.id}`,
        branch: branchId,
        source: 'web',
        status: 'new',
        priority: 'medium',
        order_increment_id: null,
      });
      expect(queued.status, queued.body).toBe(201); // Queue::updateTicket() checks for 201 exactly
      expect(usable(queued, client.calls[1]!)).toBe(true);
      expect(queued.json.subject).toBe('Queued while offline');
    });

    it('customer and order tabs, and filters left on the singleton by earlier calls', async () => {
      const client = api();
      const tab = await client.get('desk/tickets', { reporter: `diamante_${user.id}`, limit: 20, page: 1 });
      expect(usable(tab, client.calls[0]!)).toBe(true);
      expect(tab.json.map((t: any) => t.key)).toEqual([ticket.key]);
      // After getUserByFilter('email', ...) the singleton keeps `email=` on every later URL: on
      // tickets and branches it is no property and is ignored.
      const branches = await client.get('desk/branches', { email: 'sam@magento.example' });
      expect(usable(branches, client.calls[1]!)).toBe(true);
      expect(branches.json.length).toBeGreaterThan(0);
      const tickets = await client.get('desk/tickets', { email: 'sam@magento.example', limit: 20, page: 1 });
      expect(usable(tickets, client.calls[2]!)).toBe(true);
      expect(tickets.json.length).toBeGreaterThan(1);
      const renderer = await client.get('desk/users');
      expect(usable(renderer, client.calls[3]!)).toBe(true);
      expect(renderer.json.map((u: any) => u.email)).toContain('sam@magento.example');
    });

    it('ticket grid: limit=200, sort and order, each column filter, the date range as Zend_Date::getIso()', async () => {
      const client = api();
      const grid = await client.get('desk/tickets', { limit: 200, page: 1, sort: 'key', order: 'ASC' });
      expect(usable(grid, client.calls[0]!), grid.body).toBe(true);
      const total = Number(grid.rawHeaders['X-Total']);
      expect(total).toBe(grid.json.length);
      expect(grid.json.map((t: any) => t.key)).toEqual([...grid.json.map((t: any) => t.key)].sort());
      for (const sort of ['id', 'subject', 'priority', 'status', 'createdAt', 'reporter']) {
        const sorted = await client.get('desk/tickets', { limit: 20, page: 1, sort, order: 'DESC' });
        expect(usable(sorted, client.calls.at(-1)!), `${sort}: ${sorted.body}`).toBe(true);
      }
      const bySubject = await client.get('desk/tickets', { limit: 20, page: 1, subject: 'size' });
      expect(usable(bySubject, client.calls.at(-1)!)).toBe(true);
      expect(bySubject.json.map((t: any) => t.subject)).toEqual(['Wrong size']);
      const byReporter = await client.get('desk/tickets', { limit: 20, page: 1, reporter: `diamante_${user.id}` });
      expect(usable(byReporter, client.calls.at(-1)!)).toBe(true);
      expect(byReporter.json.map((t: any) => t.key)).toEqual([ticket.key]);
      const today = new Date().toISOString().slice(0, 10);
      const range = await client.get('desk/tickets', {
        limit: 20,
        page: 1,
        createdAfter: `${today}T00:00:00+00:00`,
        createdBefore: `${new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)}T00:00:00+00:00`,
      });
      expect(usable(range, client.calls.at(-1)!), range.body).toBe(true);
      expect(range.json.length).toBeGreaterThan(0);
    });
  });
});
