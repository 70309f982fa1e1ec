// The shape typed clients rely on: one connection type per object type, nested lists that filter
// and sort like the top-level ones, edges in create payloads, and lookups by one locator.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { getNamedType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';
import { createBranch, createCustomer, createTicket } from './fixtures.ts';
import { graphql, ofType } from './graphql.ts';
import { createTestApp, ok, type TestApp } from './helpers.ts';

describe('connection types', () => {
  it('every field that lists X returns XConnection, whose edges are XEdge', () => {
    const byNode = new Map<string, Set<string>>();
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const target = getNamedType(field.type);
        if (!isObjectType(target) || !target.getFields().pageInfo) continue;
        const node = getNamedType(target.getFields().nodes!.type).name;
        byNode.set(node, (byNode.get(node) ?? new Set()).add(target.name));
        expect(getNamedType(target.getFields().edges!.type).name, `${type.name}.${field.name}`).toBe(`${node}Edge`);
      }
    }
    expect(Object.fromEntries([...byNode].map(([node, names]) => [node, [...names]]))).toEqual({
      Agent: ['AgentConnection'],
      Attachment: ['AttachmentConnection'],
      Branch: ['BranchConnection'],
      Comment: ['CommentConnection'],
      Customer: ['CustomerConnection'],
      Event: ['EventConnection'],
      Ticket: ['TicketConnection'],
      Webhook: ['WebhookConnection'],
      WebhookDelivery: ['WebhookDeliveryConnection'],
    });
  });
});

describe('nested lists', () => {
  let app: TestApp;
  let branch: { id: string; key: string };
  let customer: { id: string; internalId: number };

  beforeAll(async () => {
    app = await createTestApp();
    branch = await createBranch(app, 'Nested', 'NEST');
    customer = await createCustomer(app, 'nested@example.com');
    const agent = await app.db.prisma.agent.create({ data: { email: 'nested-agent@example.com', firstName: 'Na' } });
    const assignee = encodeGlobalID('Agent', agent.id);
    await createTicket(app, { branch: branch.id, subject: 'Charlie', status: 'OPEN', reporter: customer.id, assignee });
    await createTicket(app, { branch: branch.id, subject: 'Alpha', status: 'CLOSED', reporter: customer.id, assignee });
    await createTicket(app, { branch: branch.id, subject: 'Bravo', status: 'OPEN', reporter: customer.id, assignee });
    for (const [content, priv] of [
      ['first', false],
      ['note', true],
      ['last', false],
    ] as const) {
      ok(
        await app.gql(
          graphql(
            'mutation($c: String!, $p: Boolean) { addComment(input: {ticket: {key: "NEST-1"}, content: $c, private: $p}) { userErrors { code } } }',
          ),
          { c: content, p: priv },
        ),
      );
    }
  });
  afterAll(() => app?.close());

  it('Branch.tickets, Agent.tickets and Customer.tickets take filter and orderBy', async () => {
    const data = ok(
      await app.gql(
        graphql(`query($c: ID!, $filter: TicketFilter, $orderBy: TicketOrder) {
          branch(key: "NEST") { tickets(filter: $filter, orderBy: $orderBy) { totalCount nodes { subject } } }
          agents(filter: {text: "nested-agent"}) {
            nodes { tickets(filter: $filter, orderBy: $orderBy) { totalCount nodes { subject } } }
          }
          customer(id: $c) { tickets(filter: $filter, orderBy: $orderBy) { totalCount nodes { subject } } }
        }`),
        { c: customer.id, filter: { status: ['OPEN'] }, orderBy: { field: 'SUBJECT', direction: 'ASC' } },
      ),
    );
    const expected = { totalCount: 2, nodes: [{ subject: 'Bravo' }, { subject: 'Charlie' }] };
    expect(data.branch!.tickets).toEqual(expected);
    expect(data.agents!.nodes[0]!.tickets).toEqual(expected);
    expect(data.customer!.tickets).toEqual(expected);
  });

  it('Ticket.comments takes filter and orderBy', async () => {
    const data = ok(
      await app.gql(
        graphql(
          '{ ticket(key: "NEST-1") { comments(filter: {private: false}, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount nodes { content } } } }',
        ),
      ),
    );
    expect(data.ticket!.comments).toEqual({ totalCount: 2, nodes: [{ content: 'last' }, { content: 'first' }] });
  });

  it('Customer.tickets is a list for everyone: empty for another customer looking', async () => {
    const other = await createCustomer(app, 'other-nested@example.com');
    const key = ok(
      await app.gql(graphql('mutation($o: ID) { createApiKey(input: {owner: $o}) { secret } }'), { o: other.id }),
    ).createApiKey.secret as string;
    // The other customer watches a ticket, so it sees the reporter (our customer) through it.
    await app.db.prisma.ticketWatcher.create({
      data: {
        ticketId: (await app.db.prisma.ticket.findFirstOrThrow({ where: { key: 'NEST-1' } })).id,
        customerId: other.internalId,
      },
    });
    const data = ok(
      await app.gql(
        graphql(
          '{ ticket(key: "NEST-1") { reporter { __typename ... on Customer { tickets { totalCount nodes { key } } } } } }',
        ),
        {},
        { key },
      ),
    );
    expect(ofType(data.ticket!.reporter, 'Customer').tickets).toEqual({ totalCount: 0, nodes: [] });
  });
});

describe('create payloads return the new edge', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it("createBranch, createTicket, addComment, createCustomer, createAgent and addAttachments give edges whose cursors are the lists' cursors", async () => {
    const branch = ok(
      await app.gql(
        graphql('mutation { createBranch(input: {name: "Edges"}) { branchEdge { cursor node { id key } } } }'),
      ),
    ).createBranch.branchEdge;
    const ticket = ok(
      await app.gql(
        graphql(
          'mutation($b: ID!) { createTicket(input: {branch: $b, subject: "s", description: "d"}) { ticketEdge { cursor node { id key branch { key } } } userErrors { code } } }',
        ),
        { b: branch!.node.id },
      ),
    ).createTicket.ticketEdge;
    expect(ticket!.node).toMatchObject({ key: `${branch!.node.key}-1`, branch: { key: branch!.node.key } });
    const comment = ok(
      await app.gql(
        graphql(
          'mutation($k: String!) { addComment(input: {ticket: {key: $k}, content: "hi"}) { commentEdge { cursor node { content } } } }',
        ),
        { k: ticket!.node.key },
      ),
    ).addComment.commentEdge;
    expect(comment!.node).toEqual({ content: 'hi' });
    const customer = ok(
      await app.gql(
        graphql(
          'mutation { createCustomer(input: {email: "edge@example.com", firstName: "E"}) { customerEdge { cursor node { name } } } }',
        ),
      ),
    ).createCustomer.customerEdge;
    const agent = ok(
      await app.gql(
        graphql(
          'mutation { createAgent(input: {email: "edge-agent@example.com", firstName: "A"}) { agentEdge { cursor node { name } } } }',
        ),
      ),
    ).createAgent.agentEdge;
    const files = ok(
      await app.gql(
        graphql(`mutation($k: String!) {
          addAttachments(input: {ticket: {key: $k}, base64: [{filename: "a.txt", content: "aGk="}]}) {
            attachmentEdges { cursor node { filename } } userErrors { code }
          }
        }`),
        { k: ticket!.node.key },
      ),
    ).addAttachments.attachmentEdges;
    expect(files!.map((e: { node: unknown }) => e.node)).toEqual([{ filename: 'a.txt' }]);

    const lists = ok(
      await app.gql(
        graphql(`query($k: String!) {
        branches(last: 1) { edges { cursor } }
        tickets(first: 1) { edges { cursor } }
        comments(last: 1) { edges { cursor } }
        customers(last: 1) { edges { cursor } }
        agents(last: 1) { edges { cursor } }
        ticket(key: $k) { attachments { edges { cursor } } }
      }`),
        { k: ticket!.node.key },
      ),
    );
    expect(lists.branches!.edges[0]!.cursor).toBe(branch!.cursor);
    expect(lists.tickets!.edges[0]!.cursor).toBe(ticket!.cursor);
    expect(lists.comments!.edges[0]!.cursor).toBe(comment!.cursor);
    expect(lists.customers!.edges[0]!.cursor).toBe(customer!.cursor);
    expect(lists.agents!.edges[0]!.cursor).toBe(agent!.cursor);
    expect(lists.ticket!.attachments.edges[0]!.cursor).toBe(files![0]!.cursor);
  });

  it('a failed creation has a null edge', async () => {
    const payload = ok(
      await app.gql(
        graphql('mutation { createBranch(input: {name: "x"}) { branchEdge { cursor } userErrors { code } } }'),
      ),
    ).createBranch;
    expect(payload.branchEdge).toBeNull();
    expect(payload.userErrors.length).toBeGreaterThan(0);
  });
});

describe('lookups take one locator', () => {
  let app: TestApp;
  let branch: { id: string; key: string };
  let ticket: { id: string; key: string };
  let customer: { id: string };
  beforeAll(async () => {
    app = await createTestApp();
    branch = await createBranch(app, 'Lookup', 'LOOK');
    ticket = await createTicket(app, { branch: branch.id });
    customer = await createCustomer(app, 'lookup@example.com');
  });
  afterAll(() => app?.close());

  it('ticket, branch, customer and agent find by `by: {id}` and by their other key', async () => {
    const admin = encodeGlobalID('Agent', app.adminId);
    const data = ok(
      await app.gql(
        graphql(`query($t: ID!, $b: ID!, $c: ID!, $a: ID!, $lower: String!, $key: String!) {
          t1: ticket(by: {id: $t}) { key } t2: ticket(by: {key: $lower}) { key }
          b1: branch(by: {id: $b}) { key } b2: branch(by: {key: "look"}) { key }
          c1: customer(by: {id: $c}) { id } c2: customer(by: {email: "LOOKUP@example.com"}) { id }
          a1: agent(by: {id: $a}) { id } a2: agent(by: {email: "admin@example.com"}) { id }
          old: ticket(key: $key) { key }
        }`),
        { t: ticket.id, b: branch.id, c: customer.id, a: admin, lower: ticket.key.toLowerCase(), key: ticket.key },
      ),
    );
    expect(data).toEqual({
      t1: { key: ticket.key },
      t2: { key: ticket.key },
      b1: { key: 'LOOK' },
      b2: { key: 'LOOK' },
      c1: { id: customer.id },
      c2: { id: customer.id },
      a1: { id: admin },
      a2: { id: admin },
      old: { key: ticket.key },
    });
  });

  it('a locator with two keys, or `by` with a deprecated argument, is a client error', async () => {
    // Invalid on purpose (two keys in one locator, a locator and a deprecated argument): untyped.
    const both = await app.gql(`{ ticket(by: {key: "${ticket.key}", id: "${ticket.id}"}) { key } }`);
    expect(both.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const mixed = await app.gql(`{ ticket(by: {key: "${ticket.key}"}, key: "${ticket.key}") { key } viewer { name } }`);
    expect(mixed.data).toEqual({ ticket: null, viewer: { name: 'Ada Admin' } });
    expect(mixed.errors?.[0]).toMatchObject({ path: ['ticket'], extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('the old arguments are deprecated in the schema, not removed', () => {
    const query = schema.getQueryType()!.getFields();
    for (const [field, old] of [
      ['ticket', ['id', 'key']],
      ['branch', ['id', 'key']],
      ['customer', ['id', 'email']],
      ['agent', ['id', 'email']],
    ] as const) {
      for (const name of old) {
        expect(query[field]!.args.find((a) => a.name === name)?.deprecationReason, `${field}(${name})`).toMatch(/by:/);
      }
    }
  });
});

describe('mutation contract', () => {
  it('every mutation takes its own XInput and returns its own XPayload', () => {
    const seen = new Map<string, string>();
    for (const field of Object.values(schema.getMutationType()!.getFields())) {
      const name = field.name[0]!.toUpperCase() + field.name.slice(1);
      expect(
        field.args.map((a) => `${a.name}: ${a.type}`),
        field.name,
      ).toEqual([`input: ${name}Input!`]);
      expect(String(field.type), field.name).toBe(`${name}Payload!`);
      for (const type of [`${name}Input`, `${name}Payload`]) {
        expect(seen.get(type), type).toBeUndefined();
        seen.set(type, field.name);
      }
    }
  });

  it('Customer.language is a Locale in and out', () => {
    const customer = schema.getType('Customer') as import('graphql').GraphQLObjectType;
    expect(String(customer.getFields().language!.type)).toBe('Locale');
    for (const input of ['CreateCustomerInput', 'UpdateCustomerInput', 'CustomerFilter']) {
      const type = schema.getType(input) as import('graphql').GraphQLInputObjectType;
      expect(String(type.getFields().language!.type), input).toBe('Locale');
    }
  });
});
