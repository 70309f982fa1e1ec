// Tickets, comments and watchers through the public GraphQL API, on a real database.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createBranch, createComment, createCustomer, createTicket } from './fixtures.ts';
import { graphql, type VariablesOf } from './graphql.ts';
import { createTestApp, type GraphQLResponse, ok, type TestApp } from './helpers.ts';

const UserErrors = graphql('fragment UserErrors on UserError { code field message }');
const TicketFields = graphql(`
  fragment TicketFields on Ticket {
    id key number uniqueId subject description status priority source tags
    branch { key } reporter { __typename id } assignee { id }
  }
`);

const createMutation = graphql(
  `mutation($input: CreateTicketInput!) {
    createTicket(input: $input) { ticket { ...TicketFields } userErrors { ...UserErrors } }
  }`,
  [TicketFields, UserErrors],
);
type CreateInput = VariablesOf<typeof createMutation>['input'];
/** createTicket with a default subject and description. */
const createT = async (
  app: TestApp,
  input: Omit<CreateInput, 'subject' | 'description'> & Partial<Pick<CreateInput, 'subject' | 'description'>>,
) =>
  ok(await app.gql(createMutation, { input: { subject: 'Printer on fire', description: 'It burns.', ...input } }))
    .createTicket;

/** A GraphQL-level failure: errors present, no data, and no internal error. */
function expectCleanError(response: GraphQLResponse, message?: RegExp) {
  expect(response.status).not.toBe(500);
  expect(response.errors?.length ?? 0).toBeGreaterThan(0);
  for (const error of response.errors!) expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
  if (message) expect(response.errors!.map((e) => e.message).join(' ')).toMatch(message);
}

describe('createTicket', () => {
  let app: TestApp;
  let branch: { id: string; key: string; internalId: number };
  let agentId: string;
  let agent: { internalId: number };
  const ticketCount = () => app.db.prisma.ticket.count();

  beforeAll(async () => {
    app = await createTestApp();
    branch = await createBranch(app, 'Support', 'SUP');
    const dora = await createAgent(app, { email: 'dora@example.com', firstName: 'Dora', lastName: 'Default' });
    agent = { internalId: dora.internalId };
    agentId = dora.id;
  });
  afterAll(() => app?.close());

  it('creates tickets with sequential keys and the documented defaults', async () => {
    // A branch of its own: its first ticket is SEQ-1 whatever other tests created.
    const branch = await createBranch(app, 'Sequential', 'SEQ');
    await app.db.prisma.branch.update({
      where: { id: branch.internalId },
      data: { defaultAssigneeId: agent.internalId },
    });
    const first = await createT(app, { branch: branch.id, tags: [' hw ', 'hw', 'urgent'] });
    expect(first.userErrors).toEqual([]);
    const t = first.ticket;
    expect(t).toMatchObject({
      key: 'SEQ-1',
      number: 1,
      status: 'NEW',
      priority: 'MEDIUM',
      source: 'WEB',
      subject: 'Printer on fire',
    });
    expect(t!.tags).toEqual(['hw', 'urgent']);
    expect(t!.uniqueId).toMatch(/^[0-9a-f]{32}$/);
    expect(t!.branch.key).toBe('SEQ');
    expect(t!.reporter).toEqual({ __typename: 'Agent', id: encodeGlobalID('Agent', app.adminId) });
    expect(t!.assignee).toEqual({ id: agentId });

    const customer = await createCustomer(app, 'reporter@example.com');
    const second = await createT(app, {
      branch: branch.id,
      status: 'OPEN',
      priority: 'HIGH',
      source: 'EMAIL',
      reporter: customer.id,
      assignee: encodeGlobalID('Agent', app.adminId),
    });
    expect(second.userErrors).toEqual([]);
    expect(second.ticket).toMatchObject({ key: 'SEQ-2', number: 2, status: 'OPEN', priority: 'HIGH', source: 'EMAIL' });
    expect(second.ticket!.reporter).toEqual({ __typename: 'Customer', id: customer.id });
    expect(second.ticket!.assignee).toEqual({ id: encodeGlobalID('Agent', app.adminId) });
    expect(second.ticket!.uniqueId).not.toBe(t!.uniqueId);
  });

  it.each([
    ['a blank subject', { subject: '   ' }, 'REQUIRED', ['subject']],
    ['a control character in the subject', { subject: 'Bell\u0007rings' }, 'INVALID', ['subject']],
    ['a subject over 255 characters', { subject: 'x'.repeat(256) }, 'TOO_LONG', ['subject']],
    ['a blank description', { description: ' \n ' }, 'REQUIRED', ['description']],
    ['an unknown branch', { branch: encodeGlobalID('Branch', 999_999) }, 'NOT_FOUND', ['branch']],
    ['an unknown assignee', { assignee: encodeGlobalID('Agent', 999_999) }, 'NOT_FOUND', ['assignee']],
  ])('rejects %s with a user error and creates nothing', async (_name, input, code, field) => {
    const before = await ticketCount();
    const result = await createT(app, { branch: branch.id, ...input });
    expect(result.ticket).toBeNull();
    expect(result.userErrors).toHaveLength(1);
    expect(result.userErrors[0]).toMatchObject({ code, field });
    expect(await ticketCount()).toBe(before);
  });

  it('rejects a bad enum value as a GraphQL error, not a 500', async () => {
    const before = await ticketCount();
    // Invalid on purpose (an unknown enum value, in the document and in a variable): the untyped path.
    const inline = await app.gql(
      `mutation { createTicket(input: { branch: "${branch.id}", subject: "S", description: "D", priority: URGENT }) { ticket { id } } }`,
    );
    expectCleanError(inline, /URGENT/);
    expect(inline.data?.createTicket ?? null).toBeNull();
    const variable = await app.gql(
      'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }',
      {
        input: { branch: branch.id, subject: 'S', description: 'D', status: 'DONE' },
      },
    );
    expectCleanError(variable, /DONE/);
    expect(await ticketCount()).toBe(before);
  });

  it('gives 50 concurrent creations in one branch the numbers 1..50 exactly once', async () => {
    const burst = await createBranch(app, 'Burst', 'BURST');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => createTicket(app, { branch: burst.id, subject: `Burst ${i}` })),
    );
    const keys = results.map((r) => r.key);
    expect(new Set(keys).size).toBe(50);
    const numbers = keys.map((k) => Number(/^BURST-(\d+)$/.exec(k)![1])).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const next = await createTicket(app, { branch: burst.id });
    expect(next.key).toBe('BURST-51');
  });
});

describe('ticket queries', () => {
  let app: TestApp;
  const ids: Record<string, string> = {};
  let customerId: string;
  let agentId: string;
  let alphaId: string;
  let betaId: string;

  const listQuery = graphql(`query(
    $filter: TicketFilter, $orderBy: TicketOrder, $first: Int, $after: String, $last: Int, $before: String
  ) {
    tickets(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
      totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { key }
    }
  }`);
  type ListVariables = VariablesOf<typeof listQuery>;
  async function list(filter?: ListVariables['filter'], extra: Omit<ListVariables, 'filter'> = {}) {
    const data = ok(await app.gql(listQuery, { filter, ...extra }));
    return {
      keys: data.tickets!.nodes.map((n) => n.key),
      totalCount: data.tickets!.totalCount,
      page: data.tickets,
    };
  }

  beforeAll(async () => {
    app = await createTestApp();
    const alpha = await createBranch(app, 'Alpha', 'ALPHA');
    const beta = await createBranch(app, 'Beta', 'BETA');
    alphaId = alpha.id;
    betaId = beta.id;
    customerId = (await createCustomer(app, 'cust@example.com')).id;
    agentId = (await createAgent(app, { email: 'al@example.com', firstName: 'Al' })).id;
    const specs = [
      {
        branch: alphaId,
        subject: 'Printer jammed',
        description: 'Paper stuck in tray',
        priority: 'HIGH',
        source: 'EMAIL',
        tags: ['hardware'],
        assignee: agentId,
        reporter: customerId,
      },
      {
        branch: alphaId,
        subject: 'VPN drops',
        description: 'Connection lost hourly',
        status: 'OPEN',
        priority: 'LOW',
        source: 'PHONE',
        tags: ['network'],
      },
      {
        branch: betaId,
        subject: 'Alpha release notes',
        description: 'Need the PRINTER driver notes',
        status: 'CLOSED',
        tags: ['docs', 'hardware'],
        assignee: agentId,
        reporter: customerId,
      },
      {
        branch: betaId,
        subject: 'Zebra printing colours',
        description: 'Stripes',
        status: 'PENDING',
        priority: 'HIGH',
        source: 'CHAT',
      },
      { branch: alphaId, subject: 'Mouse lag', description: 'Slow pointer', status: 'OPEN' },
    ];
    for (const [i, spec] of specs.entries()) {
      const t = await createTicket(app, spec);
      ids[t.key] = t.id;
      await app.db.prisma.ticket.update({
        where: { id: t.internalId },
        data: { createdAt: new Date(Date.UTC(2021, 0, i + 1)) },
      });
    }
    expect(Object.keys(ids)).toEqual(['ALPHA-1', 'ALPHA-2', 'BETA-1', 'BETA-2', 'ALPHA-3']);
  });
  afterAll(() => app?.close());

  it('finds a ticket by id or by key, case-insensitively', async () => {
    const q = graphql('query($id: ID, $key: String) { ticket(id: $id, key: $key) { id key subject } }');
    const byId = ok(await app.gql(q, { id: ids['BETA-1'] }));
    expect(byId.ticket).toMatchObject({ key: 'BETA-1', subject: 'Alpha release notes' });
    const byKey = ok(await app.gql(q, { key: 'beta-1' }));
    expect(byKey.ticket!.id).toBe(ids['BETA-1']);
    expect(ok(await app.gql(q, { key: 'BETA-999' })).ticket).toBeNull();
    expect(ok(await app.gql(q, { id: encodeGlobalID('Ticket', 999_999) })).ticket).toBeNull();
  });

  it('wants exactly one of id and key', async () => {
    const q = graphql('query($id: ID, $key: String) { ticket(id: $id, key: $key) { id } }');
    expectCleanError(await app.gql(q, { id: ids['ALPHA-1'], key: 'ALPHA-1' }), /exactly one/);
    expectCleanError(await app.gql(q, {}), /exactly one/);
  });

  it('lists newest first by default with the total count', async () => {
    const all = await list();
    expect(all.keys).toEqual(['ALPHA-3', 'BETA-2', 'BETA-1', 'ALPHA-2', 'ALPHA-1']);
    expect(all.totalCount).toBe(5);
  });

  it.each<[string, () => Record<string, unknown>, string[]]>([
    ['status in', () => ({ status: ['OPEN', 'PENDING'] }), ['ALPHA-2', 'ALPHA-3', 'BETA-2']],
    ['priority in', () => ({ priority: ['HIGH', 'LOW'] }), ['ALPHA-1', 'ALPHA-2', 'BETA-2']],
    ['source', () => ({ source: ['EMAIL', 'PHONE'] }), ['ALPHA-1', 'ALPHA-2']],
    ['tag', () => ({ tag: 'hardware' }), ['ALPHA-1', 'BETA-1']],
    ['text in subject or description', () => ({ text: 'printer' }), ['ALPHA-1', 'BETA-1']],
    ['text in the key', () => ({ text: 'beta-2' }), ['BETA-2']],
    ['branch', () => ({ branch: betaId }), ['BETA-1', 'BETA-2']],
    ['assignee', () => ({ assignee: agentId }), ['ALPHA-1', 'BETA-1']],
    ['reporter (customer)', () => ({ reporter: customerId }), ['ALPHA-1', 'BETA-1']],
    ['reporter (agent)', () => ({ reporter: encodeGlobalID('Agent', app.adminId) }), ['ALPHA-2', 'ALPHA-3', 'BETA-2']],
    ['unassigned: true', () => ({ unassigned: true }), ['ALPHA-2', 'ALPHA-3', 'BETA-2']],
    ['unassigned: false', () => ({ unassigned: false }), ['ALPHA-1', 'BETA-1']],
    [
      'createdAfter/createdBefore (inclusive/exclusive)',
      () => ({ createdAfter: '2021-01-02T00:00:00Z', createdBefore: '2021-01-04T00:00:00Z' }),
      ['ALPHA-2', 'BETA-1'],
    ],
    ['several conditions at once', () => ({ branch: alphaId, status: ['OPEN'] }), ['ALPHA-2', 'ALPHA-3']],
    ['nothing matching', () => ({ text: 'no such words' }), []],
  ])('filters by %s', async (_name, filter, expected) => {
    const result = await list(filter());
    expect([...result.keys].sort()).toEqual(expected);
    expect(result.totalCount).toBe(expected.length);
  });

  it('orders by subject ascending and descending', async () => {
    const asc = await list(undefined, { orderBy: { field: 'SUBJECT', direction: 'ASC' } });
    expect(asc.keys).toEqual(['BETA-1', 'ALPHA-3', 'ALPHA-1', 'ALPHA-2', 'BETA-2']);
    const desc = await list(undefined, { orderBy: { field: 'SUBJECT', direction: 'DESC' } });
    expect(desc.keys).toEqual([...asc.keys].reverse());
  });

  it.each<[string, ListVariables['orderBy']]>([
    ['the default order', undefined],
    ['subject order', { field: 'SUBJECT', direction: 'ASC' }],
    ['priority order (many ties)', { field: 'PRIORITY', direction: 'DESC' }],
  ])('pages with first/after through %s, returning every ticket exactly once', async (_name, orderBy) => {
    const whole = (await list(undefined, { orderBy, first: 100 })).keys;
    const seen: string[] = [];
    let after: string | null | undefined;
    for (let page = 0; page < 10; page++) {
      const { keys, page: conn, totalCount } = await list(undefined, { orderBy, first: 2, after });
      expect(totalCount).toBe(5);
      seen.push(...keys);
      if (!conn!.pageInfo.hasNextPage) break;
      after = conn!.pageInfo.endCursor;
    }
    expect(seen).toEqual(whole);
    expect(new Set(seen).size).toBe(5);
  });

  it('refuses more than 100 items per page with a clear error', async () => {
    const response = await app.gql(listQuery, { first: 101 });
    expectCleanError(response, /100/);
    expect(response.data?.tickets ?? null).toBeNull();
  });

  it('answers last without before with the last items, no 500', async () => {
    const response = await app.gql(listQuery, { last: 2 });
    expect(response.status).not.toBe(500);
    expect(response.errors).toBeUndefined();
    expect(response.data!.tickets!.nodes.map((n) => n.key)).toEqual(['ALPHA-2', 'ALPHA-1']);
    expect(response.data!.tickets!.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expectCleanError(await app.gql(listQuery, { first: 1, after: 'not-a-cursor' }), /cursor/i);
  });

  it('takes % and _ in text literally, not as LIKE wildcards', async () => {
    const odd = await createTicket(app, { branch: alphaId, subject: '100% broken', description: 'snake_case name' });
    try {
      expect((await list({ text: '%' })).keys).toEqual([odd.key]);
      expect((await list({ text: '_' })).keys).toEqual([odd.key]);
      const search = ok(await app.gql(graphql('{ searchTickets(query: "%") { totalCount } }')));
      expect(search.searchTickets!.totalCount).toBe(1);
    } finally {
      await app.db.prisma.ticket.delete({ where: { id: odd.internalId } });
    }
  });

  it('refuses an empty search query (at least 1 character)', async () => {
    expectCleanError(await app.gql(graphql('{ searchTickets(query: "") { totalCount } }')));
    expectCleanError(await app.gql(graphql('{ searchTickets(query: "   ") { totalCount } }')));
  });

  it('searches key, subject and description, newest first', async () => {
    const q = graphql('query($query: String!) { searchTickets(query: $query) { totalCount nodes { key } } }');
    const printer = ok(await app.gql(q, { query: 'PRINTER' }));
    expect(printer.searchTickets!.nodes.map((n) => n.key)).toEqual(['BETA-1', 'ALPHA-1']);
    expect(printer.searchTickets!.totalCount).toBe(2);
    const byKey = ok(await app.gql(q, { query: 'alpha-2' }));
    expect(byKey.searchTickets!.nodes.map((n) => n.key)).toEqual(['ALPHA-2']);
    expect(ok(await app.gql(q, { query: 'zzz-nothing' })).searchTickets).toEqual({ totalCount: 0, nodes: [] });
  });
});

describe('ticket mutations', () => {
  let app: TestApp;
  let src: { id: string; key: string; internalId: number };
  let dst: { id: string; key: string; internalId: number };
  let customer: { id: string; internalId: number };
  const adminGid = () => encodeGlobalID('Agent', app.adminId);
  const updateMutation = graphql(
    `mutation($input: UpdateTicketInput!) {
      updateTicket(input: $input) { ticket { ...TicketFields } userErrors { ...UserErrors } }
    }`,
    [TicketFields, UserErrors],
  );
  const update = async (input: VariablesOf<typeof updateMutation>['input']) =>
    ok(await app.gql(updateMutation, { input })).updateTicket;
  const moveMutation = graphql(
    `mutation($input: MoveTicketInput!) {
      moveTicket(input: $input) { ticket { id key number branch { key } } userErrors { ...UserErrors } }
    }`,
    [UserErrors],
  );
  const move = async (input: VariablesOf<typeof moveMutation>['input']) =>
    ok(await app.gql(moveMutation, { input })).moveTicket;
  const Watchers = graphql('fragment Watchers on Ticket { watchers { __typename id name } }');
  const watcherMutations = {
    addWatcher: graphql(
      `mutation($input: AddWatcherInput!) {
        result: addWatcher(input: $input) { ticket { ...Watchers } userErrors { ...UserErrors } }
      }`,
      [Watchers, UserErrors],
    ),
    removeWatcher: graphql(
      `mutation($input: RemoveWatcherInput!) {
        result: removeWatcher(input: $input) { ticket { ...Watchers } userErrors { ...UserErrors } }
      }`,
      [Watchers, UserErrors],
    ),
  };
  const watchers = async (
    name: keyof typeof watcherMutations,
    input: { ticket: { id: string } | { key: string }; watcher?: string },
  ) => ok(await app.gql(watcherMutations[name], { input })).result;
  const ticketByKey = async (key: string) =>
    ok(await app.gql(graphql('query($key: String) { ticket(key: $key) { id key subject } }'), { key })).ticket;

  beforeAll(async () => {
    app = await createTestApp();
    src = await createBranch(app, 'Source', 'SRC');
    dst = await createBranch(app, 'Destination', 'DST');
    customer = await createCustomer(app, 'watcher@example.com');
  });
  afterAll(() => app?.close());

  it('updates a ticket found by id, then by key; assignee null unassigns', async () => {
    const t = await createTicket(app, { branch: src.id, assignee: adminGid() });
    const byId = await update({
      ticket: { id: t.id },
      subject: '  New subject ',
      status: 'IN_PROGRESS',
      priority: 'LOW',
      source: 'VK',
      tags: ['x'],
      reporter: customer.id,
    });
    expect(byId.userErrors).toEqual([]);
    expect(byId.ticket).toMatchObject({
      key: t.key,
      subject: 'New subject',
      status: 'IN_PROGRESS',
      priority: 'LOW',
      source: 'VK',
      tags: ['x'],
    });
    expect(byId.ticket!.reporter).toEqual({ __typename: 'Customer', id: customer.id });
    expect(byId.ticket!.assignee).toEqual({ id: adminGid() });

    const byKey = await update({ ticket: { key: t.key.toLowerCase() }, assignee: null });
    expect(byKey.userErrors).toEqual([]);
    expect(byKey.ticket!.assignee).toBeNull();
    expect(byKey.ticket).toMatchObject({ subject: 'New subject', status: 'IN_PROGRESS', tags: ['x'] });
  });

  it('reports unknown tickets and bad values as user errors and changes nothing', async () => {
    const missing = await update({ ticket: { key: 'NOPE-1' }, subject: 'x' });
    expect(missing.ticket).toBeNull();
    expect(missing.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['ticket'] })]);
    const t = await createTicket(app, { branch: src.id, subject: 'Keep me' });
    const blank = await update({ ticket: { id: t.id }, subject: ' ', status: 'CLOSED' });
    expect(blank.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: ['subject'] })]);
    const after = ok(await app.gql(graphql('query($id: ID) { ticket(id: $id) { subject status } }'), { id: t.id }));
    expect(after.ticket).toEqual({ subject: 'Keep me', status: 'NEW' });
  });

  it('rejects a TicketLocator with both id and key (@oneOf) without a 500', async () => {
    const t = await createTicket(app, { branch: src.id });
    const response = await app.gql(
      graphql('mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { ticket { id } } }'),
      {
        input: { ticket: { id: t.id, key: t.key }, subject: 'Nope' },
      },
    );
    expectCleanError(response);
    expect((await ticketByKey(t.key))?.subject).toBe('Printer on fire');
  });

  it('moves a ticket: new key in the target branch, old key keeps resolving', async () => {
    const dst = await createBranch(app, 'Target', 'TGT');
    await createTicket(app, { branch: dst.id }); // TGT-1, so the moved ticket must become TGT-2
    const t = await createTicket(app, { branch: src.id, subject: 'Travelling' });
    const moved = await move({ ticket: { key: t.key }, branch: dst.id });
    expect(moved.userErrors).toEqual([]);
    expect(moved.ticket).toMatchObject({ id: t.id, key: 'TGT-2', number: 2, branch: { key: 'TGT' } });

    expect(await ticketByKey(t.key.toLowerCase())).toEqual({ id: t.id, key: 'TGT-2', subject: 'Travelling' });
    const viaOld = await update({ ticket: { key: t.key }, subject: 'Renamed via old key' });
    expect(viaOld.userErrors).toEqual([]);
    expect(viaOld.ticket).toMatchObject({ id: t.id, key: 'TGT-2', subject: 'Renamed via old key' });
    // The source branch does not reuse the number the moved ticket had.
    const next = await createTicket(app, { branch: src.id });
    expect(next.key).not.toBe(t.key);
    expect(Number(next.key.split('-')[1])).toBeGreaterThan(Number(t.key.split('-')[1]));
  });

  it('refuses to move into the same branch or an unknown one', async () => {
    const t = await createTicket(app, { branch: src.id });
    const same = await move({ ticket: { id: t.id }, branch: src.id });
    expect(same.ticket).toBeNull();
    expect(same.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['branch'] })]);
    const unknown = await move({ ticket: { id: t.id }, branch: encodeGlobalID('Branch', 999_999) });
    expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['branch'] })]);
    const noTicket = await move({ ticket: { key: 'SRC-999' }, branch: dst.id });
    expect(noTicket.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['ticket'] })]);
    expect(await ticketByKey(t.key)).toMatchObject({ id: t.id, key: t.key });
  });

  it('deletes a ticket with its comments', async () => {
    const t = await createTicket(app, { branch: src.id });
    const comment = ok(
      await app.gql(
        graphql(
          `mutation($input: AddCommentInput!) {
            addComment(input: $input) { comment { id } userErrors { ...UserErrors } }
          }`,
          [UserErrors],
        ),
        { input: { ticket: { id: t.id }, content: 'Doomed' } },
      ),
    ).addComment;
    expect(comment.userErrors).toEqual([]);
    const deleteMutation = graphql(
      `mutation($input: DeleteTicketInput!) {
        deleteTicket(input: $input) { deletedTicketId userErrors { ...UserErrors } }
      }`,
      [UserErrors],
    );
    const del = ok(await app.gql(deleteMutation, { input: { ticket: { key: t.key } } })).deleteTicket;
    expect(del).toEqual({ deletedTicketId: t.id, userErrors: [] });
    expect(await ticketByKey(t.key)).toBeNull();
    const q = graphql(
      'query($t: ID!, $c: ID!) { ticket(id: $t) { id } comment(id: $c) { id } comments(filter: { ticket: $t }) { totalCount } }',
    );
    const after = ok(await app.gql(q, { t: t.id, c: comment.comment!.id }));
    expect(after).toEqual({ ticket: null, comment: null, comments: { totalCount: 0 } });
    expect(await app.db.prisma.comment.count({ where: { ticketId: t.internalId } })).toBe(0);
    const again = ok(await app.gql(deleteMutation, { input: { ticket: { id: t.id } } })).deleteTicket;
    expect(again.deletedTicketId).toBeNull();
    expect(again.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['ticket'] })]);
  });

  it('adds and removes watchers, agents and customers alike', async () => {
    const t = await createTicket(app, { branch: src.id });
    const me = await watchers('addWatcher', { ticket: { id: t.id } });
    expect(me.userErrors).toEqual([]);
    expect(me.ticket!.watchers).toEqual([{ __typename: 'Agent', id: adminGid(), name: 'Ada Admin' }]);
    await watchers('addWatcher', { ticket: { key: t.key }, watcher: customer.id });
    const twice = await watchers('addWatcher', { ticket: { key: t.key }, watcher: customer.id });
    expect(twice.userErrors).toEqual([]);
    expect(twice.ticket!.watchers.map((w) => [w.__typename, w.id])).toEqual([
      ['Agent', adminGid()],
      ['Customer', customer.id],
    ]);
    const removed = await watchers('removeWatcher', { ticket: { id: t.id }, watcher: customer.id });
    expect(removed.userErrors).toEqual([]);
    expect(removed.ticket!.watchers.map((w) => w.__typename)).toEqual(['Agent']);
    const notWatching = await watchers('removeWatcher', { ticket: { id: t.id }, watcher: customer.id });
    expect(notWatching.ticket).toBeNull();
    expect(notWatching.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['watcher'] })]);
    const unknownTicket = await watchers('addWatcher', { ticket: { key: 'SRC-4040' } });
    expect(unknownTicket.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['ticket'] })]);
  });
});

describe('comments and nodes', () => {
  let app: TestApp;
  let ticket: { id: string; key: string; internalId: number };
  let customer: { id: string; internalId: number };
  const addMutation = graphql(
    `mutation($input: AddCommentInput!) {
      addComment(input: $input) {
        comment { id content private author { __typename id } ticket { key status } } userErrors { ...UserErrors }
      }
    }`,
    [UserErrors],
  );
  const add = async (input: VariablesOf<typeof addMutation>['input']) =>
    ok(await app.gql(addMutation, { input })).addComment;
  const updateCommentMutation = graphql(
    `mutation($input: UpdateCommentInput!) {
      updateComment(input: $input) { comment { id content private ticket { status } } userErrors { ...UserErrors } }
    }`,
    [UserErrors],
  );
  const updateC = async (input: VariablesOf<typeof updateCommentMutation>['input']) =>
    ok(await app.gql(updateCommentMutation, { input })).updateComment;
  const commentCount = () => app.db.prisma.comment.count({ where: { ticketId: ticket.internalId } });

  let branch: { id: string };
  // The ticket the reading tests look at: a public comment by the admin, then a private one by
  // the customer. Tests that add, change or delete comments do it on tickets of their own.
  let firstId: string;
  let secondId: string;

  beforeAll(async () => {
    app = await createTestApp();
    branch = await createBranch(app, 'Talk', 'TALK');
    ticket = await createTicket(app, { branch: branch.id });
    customer = await createCustomer(app, 'talker@example.com');
    firstId = (await createComment(app, ticket, { content: 'Have you tried turning it off?' })).id;
    secondId = (
      await createComment(app, ticket, {
        content: 'Internal: it is on fire',
        private: true,
        author: customer.id,
        ticketStatus: 'PENDING',
      })
    ).id;
  });
  afterAll(() => app?.close());

  it('adds comments: default author is the caller, ticketStatus changes the ticket', async () => {
    const ticket = await createTicket(app, { branch: branch.id });
    const first = await add({ ticket: { id: ticket.id }, content: 'Have you tried turning it off?' });
    expect(first.userErrors).toEqual([]);
    expect(first.comment).toMatchObject({
      private: false,
      author: { __typename: 'Agent', id: encodeGlobalID('Agent', app.adminId) },
    });
    expect(first.comment!.ticket).toEqual({ key: ticket.key, status: 'NEW' });

    const second = await add({
      ticket: { key: ticket.key.toLowerCase() },
      content: 'Internal: it is on fire',
      private: true,
      author: customer.id,
      ticketStatus: 'PENDING',
    });
    expect(second.userErrors).toEqual([]);
    expect(second.comment).toMatchObject({ private: true, author: { __typename: 'Customer', id: customer.id } });
    expect(second.comment!.ticket.status).toBe('PENDING');
  });

  it('rejects blank content and unknown tickets, adding nothing', async () => {
    const before = await commentCount();
    const blank = await add({ ticket: { id: ticket.id }, content: '  \n ' });
    expect(blank.comment).toBeNull();
    expect(blank.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: ['content'] })]);
    const unknown = await add({ ticket: { key: 'TALK-404' }, content: 'Hello?' });
    expect(unknown.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['ticket'] })]);
    expect(await commentCount()).toBe(before);
  });

  it('reads comments by id, by filter and through the ticket, oldest first', async () => {
    const data = ok(
      await app.gql(
        graphql(`query($c: ID!, $t: ID!) {
          comment(id: $c) { content ticket { key } }
          all: comments(filter: { ticket: $t }) { totalCount nodes { id } }
          internal: comments(filter: { ticket: $t, private: true }) { totalCount nodes { id } }
          public: comments(filter: { ticket: $t, private: false }) { totalCount nodes { id } }
          ticket(id: $t) { comments(first: 1) { totalCount pageInfo { hasNextPage } nodes { id } } all: comments { nodes { id } } }
        }`),
        { c: secondId, t: ticket.id },
      ),
    );
    expect(data.comment).toEqual({ content: 'Internal: it is on fire', ticket: { key: ticket.key } });
    expect(data.all).toEqual({ totalCount: 2, nodes: [{ id: firstId }, { id: secondId }] });
    expect(data.internal).toEqual({ totalCount: 1, nodes: [{ id: secondId }] });
    expect(data.public).toEqual({ totalCount: 1, nodes: [{ id: firstId }] });
    expect(data.ticket!.comments).toEqual({ totalCount: 2, pageInfo: { hasNextPage: true }, nodes: [{ id: firstId }] });
    expect(data.ticket!.all.nodes).toEqual([{ id: firstId }, { id: secondId }]);
  });

  it('updates a comment, optionally changing the ticket status', async () => {
    const own = await createTicket(app, { branch: branch.id });
    const secondId = (await createComment(app, own, { content: 'Internal', private: true, author: customer.id })).id;
    const changed = await updateC({ id: secondId, content: 'Now public', private: false, ticketStatus: 'CLOSED' });
    expect(changed.userErrors).toEqual([]);
    expect(changed.comment).toEqual({
      id: secondId,
      content: 'Now public',
      private: false,
      ticket: { status: 'CLOSED' },
    });
    const blank = await updateC({ id: secondId, content: ' ' });
    expect(blank.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: ['content'] })]);
    const missing = await updateC({ id: encodeGlobalID('Comment', 999_999), content: 'x' });
    expect(missing.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    const stored = ok(await app.gql(graphql('query($c: ID!) { comment(id: $c) { content } }'), { c: secondId }));
    expect(stored.comment!.content).toBe('Now public');
  });

  it('fetches tickets and comments with node and nodes', async () => {
    const data = ok(
      await app.gql(
        graphql(`query($t: ID!, $c: ID!, $ids: [ID!]!) {
          t: node(id: $t) { __typename id ... on Ticket { key } }
          c: node(id: $c) { __typename ... on Comment { content ticket { id } } }
          nodes(ids: $ids) { __typename id }
        }`),
        { t: ticket.id, c: firstId, ids: [firstId, ticket.id] },
      ),
    );
    expect(data.t).toEqual({ __typename: 'Ticket', id: ticket.id, key: ticket.key });
    expect(data.c).toEqual({
      __typename: 'Comment',
      content: 'Have you tried turning it off?',
      ticket: { id: ticket.id },
    });
    expect(data.nodes).toEqual([
      { __typename: 'Comment', id: firstId },
      { __typename: 'Ticket', id: ticket.id },
    ]);
  });

  it('gives null from node and nodes for missing tickets and comments', async () => {
    const [missingTicket, missingComment] = [encodeGlobalID('Ticket', 999_999), encodeGlobalID('Comment', 999_999)];
    const data = ok(
      await app.gql(
        graphql(
          'query($t: ID!, $c: ID!, $ids: [ID!]!) { t: node(id: $t) { id } c: node(id: $c) { id } nodes(ids: $ids) { id } }',
        ),
        { t: missingTicket, c: missingComment, ids: [ticket.id, missingTicket, missingComment] },
      ),
    );
    expect(data).toEqual({ t: null, c: null, nodes: [{ id: ticket.id }, null, null] });
  });

  it('deletes a comment once; the second time is NOT_FOUND', async () => {
    const ticket = await createTicket(app, { branch: branch.id });
    const firstId = (await createComment(app, ticket, { content: 'Doomed' })).id;
    await createComment(app, ticket, { content: 'Stays' });
    const deleteMutation = graphql(
      `mutation($input: DeleteCommentInput!) {
        deleteComment(input: $input) { deletedCommentId userErrors { ...UserErrors } }
      }`,
      [UserErrors],
    );
    const del = async (id: string) => ok(await app.gql(deleteMutation, { input: { id } })).deleteComment;
    expect(await del(firstId)).toEqual({ deletedCommentId: firstId, userErrors: [] });
    const again = await del(firstId);
    expect(again.deletedCommentId).toBeNull();
    expect(again.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['id'] })]);
    const data = ok(
      await app.gql(
        graphql('query($c: ID!, $t: ID!) { comment(id: $c) { id } ticket(id: $t) { comments { totalCount } } }'),
        { c: firstId, t: ticket.id },
      ),
    );
    expect(data).toEqual({ comment: null, ticket: { comments: { totalCount: 1 } } });
  });
});
