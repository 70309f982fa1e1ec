// Inputs that decode fine but that the database cannot take: dates PostgreSQL cannot store through
// Prisma (year 0 and earlier, past year 9999) and list cursors in plugin-prisma's format whose value
// is not of the cursor column's type. Each is the client's mistake: BAD_USER_INPUT with a message
// saying what is accepted, never "Unexpected error." from the database's refusal.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBranch, createComment, createCustomer, createTicket } from './fixtures.ts';
import { callRest, createTestApp, type GraphQLResponse, serveTestApp, type TestApp } from './helpers.ts';

let app: TestApp;
let ticketKey: string;
let customerKey: string;

beforeAll(async () => {
  app = await createTestApp();
  const branch = await createBranch(app);
  const customer = await createCustomer(app, { withKey: true });
  customerKey = customer.key!;
  const ticket = await createTicket(app, { branch: branch.id, reporter: customer.id });
  ticketKey = ticket.key;
  const comment = await createComment(app, ticket);
  const webhook = await app.db.prisma.webhook.create({
    data: { url: 'https://hooks.example.com/in', events: ['ticket.created'], secretEncrypted: 'x' },
  });
  const event = await app.db.prisma.event.findFirstOrThrow({ orderBy: { id: 'asc' } });
  await app.db.prisma.webhookDelivery.create({ data: { id: randomUUID(), webhookId: webhook.id, eventId: event.id } });
  expect(comment.internalId).toBeGreaterThan(0);
});
afterAll(() => app?.close());

/** A client error on the list, with a code and the message asked for; never a masked internal error. */
function expectBadInput(response: GraphQLResponse, message: RegExp) {
  const context = JSON.stringify({ errors: response.errors, data: response.data });
  expect(response.status, context).toBeLessThan(500);
  expect(response.errors, context).toBeDefined();
  for (const error of response.errors!) {
    expect(error.extensions?.code, context).toBe('BAD_USER_INPUT');
    expect(error.message, context).not.toMatch(/Unexpected error/);
  }
  expect(response.errors![0]!.message, context).toMatch(message);
}

describe('dates PostgreSQL cannot store', () => {
  const RANGE = /0001-01-01T00:00:00(\.000)?Z.*9999-12-31T23:59:59\.999Z/;
  const filters: [string, string, string?][] = [
    ['comments', 'updatedAfter'],
    ['comments', 'createdAfter'],
    ['customers', 'updatedBefore'],
    ['customers', 'createdAfter'],
    ['tickets', 'updatedAfter'],
    ['branches', 'createdBefore'],
    ['comments', 'createdAfter', 'customer'],
  ];

  it.each(filters)(
    '%s(filter: {%s}) in year 0000 is BAD_USER_INPUT naming the range (as %s)',
    async (list, field, as) => {
      const key = as === 'customer' ? customerKey : undefined;
      // As a literal (checked while the document is validated) and as a variable (while it is coerced).
      const literal = await app.gql(
        `{ ${list}(first: 1, filter: {${field}: "0000-01-01T00:00:00Z"}) { totalCount } }`,
        {},
        { key },
      );
      expectBadInput(literal, RANGE);
      const variable = await app.gql(
        `query($at: DateTime) { ${list}(first: 1, filter: {${field}: $at}) { totalCount } }`,
        { at: '0000-12-31T23:59:59.999Z' },
        { key },
      );
      expectBadInput(variable, RANGE);
    },
  );

  it.each([
    '0000-01-01T00:00:00Z',
    // Year 1 in its own time zone is still year 0 in UTC.
    '0001-01-01T00:30:00+01:00',
    '9999-12-31T23:30:00-01:00',
  ])('%s is refused; the edges of the range are accepted', async (at) => {
    expectBadInput(
      await app.gql('query($at: DateTime) { tickets(filter: {createdAfter: $at}) { totalCount } }', { at }),
      RANGE,
    );
    for (const edge of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z', '0001-01-01T01:00:00+01:00']) {
      const response = await app.gql('query($at: DateTime) { tickets(filter: {createdAfter: $at}) { totalCount } }', {
        at: edge,
      });
      expect(response.errors, JSON.stringify(response)).toBeUndefined();
    }
  });

  it('a REST date filter in year 0000 is a 400 naming the range, not a 500', async () => {
    const served = await serveTestApp(app);
    try {
      for (const path of ['tickets', 'branches']) {
        const response = await callRest(served.base, 'GET', `/api/rest/v1/desk/${path}?createdAfter=0000-01-01`, {
          email: 'admin@example.com',
          key: app.adminKey,
        });
        expect(response.status, response.text).toBe(400);
        expect(response.text).toMatch(RANGE);
      }
    } finally {
      await served.close();
    }
  });
});

describe('hand-made list cursors', () => {
  const cursor = (text: string) => Buffer.from(text).toString('base64');
  /** Wrong for every integer id: not a number, not finite, not an integer, outside int4, not a scalar. */
  const notAnInt = [
    'GPC:S:abc',
    'GPC:S:1',
    'GPC:N:abc',
    'GPC:N:1e400',
    'GPC:N:1.5',
    'GPC:N:2147483648',
    'GPC:J:{}',
    'GPC:J:[1]',
    'GPC:O:{"gt":1}',
    'GPC:D:abc',
    'GPC:D:1',
    'GPC:I:1',
    'GPC:M:1',
    'GPC:Z:',
    'GPC:T:[]',
    'GPC:S:not-a-uuid',
  ];
  /** Wrong for a uuid id (webhook deliveries). */
  const notAUuid = ['GPC:S:not-a-uuid', 'GPC:N:1', 'GPC:J:{}', 'GPC:D:abc', 'GPC:Z:', 'GPC:O:["x"]'];

  // Every list paged by plugin-prisma, top level and nested; the nested ones null their parent.
  const lists: [string, (args: string) => string, string[]][] = [
    ['webhooks', (a) => `{ webhooks(${a}) { totalCount nodes { id } } }`, notAnInt],
    ['Webhook.deliveries', (a) => `{ webhooks { nodes { deliveries(${a}) { totalCount nodes { id } } } } }`, notAUuid],
    ['tickets', (a) => `{ tickets(${a}) { totalCount nodes { id } } }`, notAnInt],
    [
      'tickets by subject',
      (a) => `{ tickets(${a}, orderBy: {field: SUBJECT, direction: ASC}) { nodes { id } } }`,
      notAnInt,
    ],
    [
      'tickets by status',
      (a) => `{ tickets(${a}, orderBy: {field: STATUS, direction: ASC}) { nodes { id } } }`,
      notAnInt,
    ],
    ['searchTickets', (a) => `{ searchTickets(query: "printer", ${a}) { nodes { id } } }`, notAnInt],
    ['customers', (a) => `{ customers(${a}) { totalCount nodes { id } } }`, notAnInt],
    ['comments', (a) => `{ comments(${a}) { totalCount nodes { id } } }`, notAnInt],
    ['agents', (a) => `{ agents(${a}) { totalCount nodes { id } } }`, notAnInt],
    ['branches', (a) => `{ branches(${a}) { totalCount nodes { id } } }`, notAnInt],
    ['Ticket.comments', (a) => `{ tickets { nodes { comments(${a}) { totalCount nodes { id } } } } }`, notAnInt],
    ['Ticket.attachments', (a) => `{ tickets { nodes { attachments(${a}) { nodes { id } } } } }`, notAnInt],
    ['Customer.tickets', (a) => `{ customers { nodes { tickets(${a}) { nodes { id } } } } }`, notAnInt],
    ['Branch.tickets', (a) => `{ branches { nodes { tickets(${a}) { nodes { id } } } } }`, notAnInt],
    ['Agent.tickets', (a) => `{ agents { nodes { tickets(${a}) { nodes { id } } } } }`, notAnInt],
  ];
  const cases = lists.flatMap(([name, query, cursors]) => cursors.map((c) => [name, c, query] as const));

  it.each(cases)('%s with %s is BAD_USER_INPUT "Invalid cursor"', async (_, raw, query) => {
    for (const arg of ['after', 'before']) {
      const page = arg === 'after' ? 'first: 2' : 'last: 2';
      expectBadInput(await app.gql(query(`${page}, ${arg}: "${cursor(raw)}"`)), /^Invalid cursor/);
    }
  });

  it.each(notAnInt)('comments with %s as a customer is BAD_USER_INPUT "Invalid cursor"', async (raw) => {
    for (const query of [
      `{ comments(first: 2, after: "${cursor(raw)}") { totalCount nodes { id } } }`,
      `{ ticket(key: "${ticketKey}") { comments(last: 2, before: "${cursor(raw)}") { nodes { id } } } }`,
    ]) {
      expectBadInput(await app.gql(query, {}, { key: customerKey }), /^Invalid cursor/);
    }
  });

  it('the cursors the lists hand out still page, and a valid id that names no row is an empty page', async () => {
    const first = await app.gql<any>('{ webhooks(first: 1) { nodes { deliveries(first: 1) { edges { cursor } } } } }');
    const delivery = first.data.webhooks.nodes[0].deliveries.edges[0].cursor as string;
    const again = await app.gql<any>(
      `{ webhooks(first: 1) { nodes { deliveries(after: "${delivery}") { nodes { id } } } } }`,
    );
    expect(again.errors).toBeUndefined();
    expect(again.data.webhooks.nodes[0].deliveries.nodes).toEqual([]);
    for (const raw of ['GPC:N:1', 'GPC:N:2147483647', 'GPC:O:1']) {
      const response = await app.gql(`{ tickets(first: 1, after: "${cursor(raw)}") { nodes { id } } }`);
      expect(response.errors, JSON.stringify(response)).toBeUndefined();
    }
    const uuid = await app.gql<any>(
      `{ webhooks { nodes { deliveries(after: "${cursor(`GPC:S:${randomUUID()}`)}") { nodes { id } } } } }`,
    );
    expect(uuid.errors, JSON.stringify(uuid)).toBeUndefined();
  });
});
