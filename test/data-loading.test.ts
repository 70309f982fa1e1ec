// SQL statements per request, counted at the driver: list queries must not grow with page size.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reserveTicketNumbers } from '../src/domain/ticket-numbers.ts';
import { createBranch, createCustomer } from './fixtures.ts';
import { graphql } from './graphql.ts';
import { createTestApp, ok, type TestApp } from './helpers.ts';

const listQuery = graphql(`query($first: Int!) {
  tickets(first: $first) {
    totalCount
    edges { cursor node {
      key subject tags
      branch { key name defaultAssignee { name } }
      reporter { __typename name email }
      assignee { name }
      watchers { name }
      comments(first: 5) { totalCount nodes { content author { __typename name } } }
    } }
  }
}`);

describe('ticket list data loading', () => {
  let app: TestApp;

  beforeAll(async () => {
    // Every request counts here: the loading shape is measured, and the count cache has its own
    // tests (count-cache.test.ts).
    app = await createTestApp({ countCacheSeconds: 0 });
    const branch = await createBranch(app, 'Load', 'LOAD');
    const customer = await createCustomer(app, 'many@example.com');
    const agent = await app.db.prisma.agent.create({ data: { email: 'agent@example.com', firstName: 'Al' } });
    // Bulk rows straight through Prisma: the fixture is not what is measured.
    await app.db.prisma.branch.update({
      where: { id: branch.internalId },
      data: { defaultAssigneeId: agent.id },
    });
    const load = await reserveTicketNumbers(app.db.prisma, branch.internalId, 120);
    for (let n = load.first; n <= load.last; n++) {
      await app.db.prisma.ticket.create({
        data: {
          key: load.keyOf(n),
          number: n,
          uniqueId: n.toString(16).padStart(32, '0'),
          subject: `Ticket ${n}`,
          description: 'Body',
          tags: ['a', `t${n % 3}`],
          branchId: branch.internalId,
          assigneeId: n % 2 ? agent.id : null,
          ...(n % 2 ? { reporterCustomerId: customer.internalId } : { reporterAgentId: agent.id }),
          watchers: { create: [{ agentId: agent.id }, { customerId: customer.internalId }] },
          comments: {
            create: Array.from({ length: 7 }, (_, i) =>
              i % 2
                ? { content: `c${i}`, authorAgentId: agent.id }
                : { content: `c${i}`, authorCustomerId: customer.internalId },
            ),
          },
        },
      });
    }
    for (const key of ['ONE', 'TWO', 'THREE', 'FOUR']) {
      const other = await app.db.prisma.branch.create({
        data: { key, name: key, defaultAssigneeId: agent.id },
      });
      const six = await reserveTicketNumbers(app.db.prisma, other.id, 6);
      for (let n = six.first; n <= six.last; n++) {
        await app.db.prisma.ticket.create({
          data: {
            key: six.keyOf(n),
            number: n,
            uniqueId: `${key}${n}`.padEnd(32, '0'),
            subject: 'ticket',
            description: 'x',
            branchId: other.id,
            assigneeId: agent.id,
            reporterAgentId: agent.id,
          },
        });
      }
    }
  });
  afterAll(() => app?.close());

  async function statementsFor(first: number) {
    const before = app.db.statements;
    const data = ok(await app.gql(listQuery, { first }));
    return { statements: app.db.statements - before, data };
  }

  it('uses the same small number of statements for 10 and 100 tickets', async () => {
    const ten = await statementsFor(10);
    const hundred = await statementsFor(100);
    expect(ten.data.tickets!.edges).toHaveLength(10);
    expect(hundred.data.tickets!.edges).toHaveLength(100);
    expect(hundred.data.tickets!.totalCount).toBe(120 + 4 * 6);
    const node = hundred.data.tickets!.edges.find((e) => e.node.key === 'LOAD-120')!.node;
    expect(node.comments.nodes).toHaveLength(5);
    expect(node.comments.totalCount).toBe(7);
    expect(node.watchers).toHaveLength(2);
    expect(node.branch.defaultAssignee!.name).toBe('Al');
    expect(new Set(hundred.data.tickets!.edges.map((e) => e.node.reporter!.__typename))).toEqual(
      new Set(['Agent', 'Customer']),
    );
    console.info(`statements: first 10 -> ${ten.statements}, first 100 -> ${hundred.statements}`);
    // Authentication reads the API key once per request; the rest is the query itself.
    expect(hundred.statements).toBe(ten.statements);
    expect(hundred.statements).toBeLessThan(10);
  });

  it.each([
    [
      'branches with nested tickets',
      graphql(`query($n: Int!) {
        branches(first: $n) {
          totalCount nodes { key defaultAssignee { name } tickets(first: 5) { totalCount nodes { key assignee { name } } } }
        }
      }`),
    ],
    [
      'comments with author and ticket',
      graphql(`query($n: Int!) {
        comments(first: $n) {
          totalCount
          nodes { content author { name } ticket { key branch { key } } attachments(first: 3) { totalCount nodes { filename } } }
        }
      }`),
    ],
    ['agents', graphql('query($n: Int!) { agents(first: $n) { totalCount nodes { name email role } } }')],
    ['customers', graphql('query($n: Int!) { customers(first: $n) { totalCount nodes { name email } } }')],
    [
      'search',
      graphql(`query($n: Int!) {
        searchTickets(query: "ticket", first: $n) { totalCount nodes { key reporter { name } watchers { name } } }
      }`),
    ],
  ])('%s: statement count does not grow with the page size', async (_name, query) => {
    const count = async (n: number) => {
      const before = app.db.statements;
      // The page size is a variable: the same document for both sizes.
      ok(await app.gql(query, { n }));
      return app.db.statements - before;
    };
    const small = await count(2);
    const large = await count(100);
    expect(large).toBe(small);
    expect(large).toBeLessThan(10);
  });
});
