// The shape typed clients rely on: one connection type per object type, nested lists that filter
// and sort like the top-level ones, edges in create payloads, and lookups by one locator.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { getNamedType, isObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../src/schema/index.ts';
import { createBranch, createCustomer, createTicket } from './fixtures.ts';
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
      Ticket: ['TicketConnection'],
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
          'mutation($c: String!, $p: Boolean) { addComment(input: {ticket: {key: "NEST-1"}, content: $c, private: $p}) { userErrors { code } } }',
          { c: content, p: priv },
        ),
      );
    }
  });
  afterAll(() => app?.close());

  const ticketList = 'filter: {status: [OPEN]}, orderBy: {field: SUBJECT, direction: ASC}';

  it('Branch.tickets, Agent.tickets and Customer.tickets take filter and orderBy', async () => {
    const data = ok(
      await app.gql(
        `query($c: ID!) {
          branch(key: "NEST") { tickets(${ticketList}) { totalCount nodes { subject } } }
          agents(filter: {text: "nested-agent"}) { nodes { tickets(${ticketList}) { totalCount nodes { subject } } } }
          customer(id: $c) { tickets(${ticketList}) { totalCount nodes { subject } } }
        }`,
        { c: customer.id },
      ),
    );
    const expected = { totalCount: 2, nodes: [{ subject: 'Bravo' }, { subject: 'Charlie' }] };
    expect(data.branch.tickets).toEqual(expected);
    expect(data.agents.nodes[0].tickets).toEqual(expected);
    expect(data.customer.tickets).toEqual(expected);
  });

  it('Ticket.comments takes filter and orderBy', async () => {
    const data = ok(
      await app.gql(
        '{ ticket(key: "NEST-1") { comments(filter: {private: false}, orderBy: {field: CREATED_AT, direction: DESC}) { totalCount nodes { content } } } }',
      ),
    );
    expect(data.ticket.comments).toEqual({ totalCount: 2, nodes: [{ content: 'last' }, { content: 'first' }] });
  });

  it('Customer.tickets is a list for everyone: empty for another customer looking', async () => {
    const other = await createCustomer(app, 'other-nested@example.com');
    const key = ok(
      await app.gql<any>('mutation($o: ID) { createApiKey(input: {owner: $o}) { secret } }', { o: other.id }),
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
        '{ ticket(key: "NEST-1") { reporter { ... on Customer { tickets { totalCount nodes { key } } } } } }',
        {},
        { key },
      ),
    );
    expect(data.ticket.reporter.tickets).toEqual({ totalCount: 0, nodes: [] });
  });
});
