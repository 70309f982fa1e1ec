// Branches through the GraphQL API: creation rules, lookups, the list, updates, deletion, and
// malformed ids (which must come back as GraphQL errors, never as an internal error).
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createBranch, createTicket } from './fixtures.ts';
import { graphql, type VariablesOf } from './graphql.ts';
import { createTestApp, type GraphQLResponse, ok, type TestApp } from './helpers.ts';

const BranchFields = graphql(
  'fragment BranchFields on Branch { id internalId key name description tags logoUrl createdAt updatedAt }',
);
const createMutation = graphql(
  `mutation($input: CreateBranchInput!) {
    createBranch(input: $input) { branch { ...BranchFields } userErrors { code field message } }
  }`,
  [BranchFields],
);
const updateMutation = graphql(
  `mutation($input: UpdateBranchInput!) {
    updateBranch(input: $input) { branch { ...BranchFields } userErrors { code field message } }
  }`,
  [BranchFields],
);
const deleteMutation = graphql(`mutation($input: DeleteBranchInput!) {
  deleteBranch(input: $input) { deletedBranchId userErrors { code field message } }
}`);
const lookupQuery = graphql('query($id: ID, $key: String) { branch(id: $id, key: $key) { id key name } }');

/** A request-level or field-level GraphQL error that is the client's fault, not a crash. */
function expectClientError(response: GraphQLResponse, messagePart?: string | RegExp) {
  expect(response.status).toBeLessThan(500);
  expect(response.errors?.length ?? 0).toBeGreaterThan(0);
  for (const error of response.errors!) {
    expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).not.toBe('Unexpected error.');
  }
  if (messagePart) expect(response.errors!.map((e) => e.message).join('\n')).toMatch(messagePart);
}

describe('branch mutations and lookups', () => {
  let app: TestApp;
  const branchCount = () => app.db.prisma.branch.count();

  async function create(input: VariablesOf<typeof createMutation>['input']) {
    return ok(await app.gql(createMutation, { input })).createBranch;
  }
  async function update(input: VariablesOf<typeof updateMutation>['input']) {
    return ok(await app.gql(updateMutation, { input })).updateBranch;
  }

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('creates a branch with an explicit key, upper-cased, and all optional fields', async () => {
    const result = await create({
      name: '  Operations  ',
      key: ' ops ',
      description: ' Keeps the lights on ',
      tags: ['infra', ' infra ', 'night', ''],
      logoUrl: 'https://cdn.example.com/ops.png',
    });
    expect(result.userErrors).toEqual([]);
    expect(result.branch).toMatchObject({
      key: 'OPS',
      name: 'Operations',
      description: 'Keeps the lights on',
      tags: ['infra', 'night'],
      logoUrl: 'https://cdn.example.com/ops.png',
    });
    expect(typeof result.branch!.id).toBe('string');
    const row = await app.db.prisma.branch.findUnique({ where: { id: result.branch!.internalId } });
    expect(row?.key).toBe('OPS');
    expect(row?.logoUrl).toBe('https://cdn.example.com/ops.png');
  });

  it('derives the key from the name: first four letters of one word, initials of several', async () => {
    const support = await create({ name: 'Support' });
    expect(support.userErrors).toEqual([]);
    expect(support.branch).toMatchObject({ key: 'SUPP', name: 'Support', description: '', tags: [], logoUrl: null });
    const care = await create({ name: 'Customer Care Team' });
    expect(care.userErrors).toEqual([]);
    expect(care.branch!.key).toBe('CCT');
  });

  it.each([
    ['a one-character name', { name: 'X' }, 'INVALID', ['name']],
    ['a name without letters', { name: '1234 !!' }, 'INVALID', ['name']],
    ['a key with digits', { name: 'Digits', key: 'A1' }, 'INVALID', ['key']],
    ['a key of one letter', { name: 'Single', key: 'q' }, 'INVALID', ['key']],
    ['a name whose derived key is shorter than 2 letters', { name: 'A 1' }, 'INVALID', ['key']],
  ])('refuses %s and creates nothing', async (_label, input, code, field) => {
    const before = await branchCount();
    const result = await create(input);
    expect(result.branch).toBeNull();
    // A name without letters also yields no derivable key; the name error must be among them.
    expect(result.userErrors).toContainEqual({ code, field, message: expect.stringMatching(/\w/) });
    expect(await branchCount()).toBe(before);
  });

  it('refuses a duplicate key, given or derived, whatever its case', async () => {
    await create({ name: 'Billing', key: 'BILL' });
    const before = await branchCount();
    for (const input of [{ name: 'Other billing', key: 'bill' }, { name: 'Billable' }]) {
      const result = await create(input);
      expect(result.branch).toBeNull();
      expect(result.userErrors).toEqual([
        { code: 'TAKEN', field: ['key'], message: 'Branch key BILL already exists. Please, provide another one.' },
      ]);
    }
    expect(await branchCount()).toBe(before);
    expect(await app.db.prisma.branch.count({ where: { key: 'BILL' } })).toBe(1);
  });

  it('finds a branch by id and by key (case-insensitive); unknown ones are null', async () => {
    const branch = await createBranch(app, 'Lookup', 'LOOK');
    const byId = ok(await app.gql(lookupQuery, { id: branch.id }));
    expect(byId.branch).toEqual({ id: branch.id, key: 'LOOK', name: 'Lookup' });
    const byKey = ok(await app.gql(lookupQuery, { key: ' look ' }));
    expect(byKey.branch).toEqual({ id: branch.id, key: 'LOOK', name: 'Lookup' });
    expect(ok(await app.gql(lookupQuery, { key: 'NOPE' })).branch).toBeNull();
    expect(ok(await app.gql(lookupQuery, { id: encodeGlobalID('Branch', 99999) })).branch).toBeNull();
  });

  it('needs exactly one of id and key', async () => {
    const branch = await createBranch(app, 'Exactly', 'EXACT');
    const both = await app.gql(lookupQuery, { id: branch.id, key: 'EXACT' });
    expectClientError(both, /exactly one/i);
    expect(both.data?.branch ?? null).toBeNull();
    const neither = await app.gql(lookupQuery, {});
    expectClientError(neither, /exactly one/i);
    expect(neither.data?.branch ?? null).toBeNull();
  });

  it('updates name, description, tags and logo', async () => {
    const branch = await createBranch(app, 'Before', 'BEF');
    await update({ id: branch.id, logoUrl: 'https://example.com/a.png' });
    const result = await update({
      id: branch.id,
      name: 'After',
      description: 'Now described',
      tags: ['x', 'y'],
      logoUrl: null,
    });
    expect(result.userErrors).toEqual([]);
    expect(result.branch).toMatchObject({
      id: branch.id,
      key: 'BEF',
      name: 'After',
      description: 'Now described',
      tags: ['x', 'y'],
      logoUrl: null,
    });
    // Absent fields stay as they are.
    const again = await update({ id: branch.id, tags: [] });
    expect(again.branch).toMatchObject({ name: 'After', description: 'Now described', tags: [] });
  });

  it('refuses an invalid update and changes nothing', async () => {
    const branch = await createBranch(app, 'Stable', 'STAB');
    const result = await update({ id: branch.id, name: 'Z', key: 'S1', description: 'changed' });
    expect(result.branch).toBeNull();
    expect(result.userErrors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ code: 'INVALID', field: ['name'] }),
        expect.objectContaining({ code: 'INVALID', field: ['key'] }),
      ]),
    );
    const row = await app.db.prisma.branch.findUniqueOrThrow({ where: { id: branch.internalId } });
    expect(row).toMatchObject({ name: 'Stable', key: 'STAB', description: '' });
  });

  it('changes the key while the branch has no tickets, and only then', async () => {
    const branch = await createBranch(app, 'Rekey', 'REKA');
    const renamed = await update({ id: branch.id, key: 'rekb' });
    expect(renamed.userErrors).toEqual([]);
    expect(renamed.branch!.key).toBe('REKB');

    await createBranch(app, 'Occupied', 'OCC');
    const taken = await update({ id: branch.id, key: 'OCC' });
    expect(taken.branch).toBeNull();
    expect(taken.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN', field: ['key'] })]);

    const ticket = await createTicket(app, { branch: branch.id });
    expect(ticket.key).toBe('REKB-1');
    const refused = await update({ id: branch.id, key: 'REKC', name: 'Renamed too' });
    expect(refused.branch).toBeNull();
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['key'] })]);
    const row = await app.db.prisma.branch.findUniqueOrThrow({ where: { id: branch.internalId } });
    expect(row).toMatchObject({ key: 'REKB', name: 'Rekey' });

    // Repeating the current key is not a change.
    const same = await update({ id: branch.id, key: 'rekb', name: 'Renamed' });
    expect(same.userErrors).toEqual([]);
    expect(same.branch).toMatchObject({ key: 'REKB', name: 'Renamed' });
  });

  it('reports an unknown branch as NOT_FOUND on update and delete', async () => {
    const unknown = encodeGlobalID('Branch', 99999);
    const updated = await update({ id: unknown, name: 'Ghost' });
    expect(updated.branch).toBeNull();
    expect(updated.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['id'] })]);
    const deleted = ok(await app.gql(deleteMutation, { input: { id: unknown } })).deleteBranch;
    expect(deleted.deletedBranchId).toBeNull();
    expect(deleted.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['id'] })]);
  });

  it('deletes a branch without tickets', async () => {
    const branch = await createBranch(app, 'Doomed', 'DOOM');
    const result = ok(await app.gql(deleteMutation, { input: { id: branch.id } })).deleteBranch;
    expect(result).toEqual({ deletedBranchId: branch.id, userErrors: [] });
    expect(ok(await app.gql(lookupQuery, { id: branch.id })).branch).toBeNull();
    expect(await app.db.prisma.branch.findUnique({ where: { id: branch.internalId } })).toBeNull();
  });

  it('refuses to delete a branch with tickets', async () => {
    const branch = await createBranch(app, 'Busy', 'BUSY');
    await createTicket(app, { branch: branch.id });
    const result = ok(await app.gql(deleteMutation, { input: { id: branch.id } })).deleteBranch;
    expect(result.deletedBranchId).toBeNull();
    expect(result.userErrors).toEqual([
      { code: 'CONFLICT', field: ['id'], message: "Branch has tickets and can't be deleted." },
    ]);
    expect(ok(await app.gql(lookupQuery, { key: 'BUSY' })).branch).toMatchObject({ id: branch.id });
  });

  it('lists its tickets newest first with a total count, and its default assignee', async () => {
    const branch = await createBranch(app, 'Queue', 'QUE');
    for (let i = 0; i < 3; i++) await createTicket(app, { branch: branch.id, subject: `Ticket ${i + 1}` });
    const agent = await createAgent(app, { email: 'dora@example.com', firstName: 'Dora', lastName: 'Default' });
    const query = graphql(`query($key: String!, $after: String) { branch(key: $key) {
      defaultAssignee { id internalId name email }
      tickets(first: 2, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { key subject branch { key } } }
      }
    } }`);
    const unassigned = ok(await app.gql(query, { key: 'QUE' })).branch;
    expect(unassigned!.defaultAssignee).toBeNull();
    expect(unassigned!.tickets.totalCount).toBe(3);
    expect(unassigned!.tickets.edges.map((e) => e.node.key)).toEqual(['QUE-3', 'QUE-2']);
    expect(unassigned!.tickets.edges[0]!.node).toMatchObject({ subject: 'Ticket 3', branch: { key: 'QUE' } });
    expect(unassigned!.tickets.pageInfo.hasNextPage).toBe(true);

    await app.db.prisma.branch.update({
      where: { id: branch.internalId },
      data: { defaultAssigneeId: agent.internalId },
    });
    const next = ok(await app.gql(query, { key: 'QUE', after: unassigned!.tickets.pageInfo.endCursor })).branch;
    expect(next!.tickets.edges.map((e) => e.node.key)).toEqual(['QUE-1']);
    expect(next!.tickets.pageInfo.hasNextPage).toBe(false);
    expect(next!.tickets.totalCount).toBe(3);
    expect(next!.defaultAssignee).toEqual({
      id: agent.id,
      internalId: agent.internalId,
      name: 'Dora Default',
      email: 'dora@example.com',
    });

    // A branch's tickets are its own only.
    const empty = await createBranch(app, 'Empty', 'EMPTY');
    const other = ok(await app.gql(query, { key: empty.key })).branch;
    expect(other!.tickets).toMatchObject({ totalCount: 0, edges: [] });
  });

  describe('malformed global ids', () => {
    const malformed = ['nope', encodeGlobalID('Agent', 1)];

    it.each(malformed)('branch(id: %j) is a GraphQL error', async (id) => {
      expectClientError(await app.gql(lookupQuery, { id }));
    });

    it.each(malformed)(
      'updateBranch and deleteBranch with %j are NOT_FOUND user errors and change nothing',
      async (id) => {
        const before = await app.db.prisma.branch.findMany({ orderBy: { id: 'asc' } });
        const notFound = [{ code: 'NOT_FOUND', field: ['id'], message: expect.any(String) }];
        expect(ok(await app.gql(updateMutation, { input: { id, name: 'Hijacked' } })).updateBranch.userErrors).toEqual(
          notFound,
        );
        expect(ok(await app.gql(deleteMutation, { input: { id } })).deleteBranch.userErrors).toEqual(notFound);
        expect(await app.db.prisma.branch.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
      },
    );

    it('createTicket with a malformed branch id is a NOT_FOUND user error', async () => {
      const before = await app.db.prisma.ticket.count();
      const response = await app.gql(
        graphql(
          'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } userErrors { code field } } }',
        ),
        { input: { branch: 'nope', subject: 'S', description: 'D' } },
      );
      expect(ok(response).createTicket).toEqual({
        ticket: null,
        userErrors: [{ code: 'NOT_FOUND', field: ['branch'] }],
      });
      expect(await app.db.prisma.ticket.count()).toBe(before);
    });

    // Global ids whose database part is not a canonical integer must not reach (or crash) the database.
    it.each([
      encodeGlobalID('Branch', 'abc'),
      encodeGlobalID('Branch', '1.5'),
      encodeGlobalID('Branch', '99999999999'),
    ])(
      'a Branch id whose database id is not a valid integer (%j) finds and changes nothing, without an internal error',
      async (id) => {
        const lookup = await app.gql(lookupQuery, { id });
        if (lookup.errors) expectClientError(lookup);
        else expect(lookup.data!.branch).toBeNull();
        const updated = await app.gql(updateMutation, { input: { id, name: 'Hijacked' } });
        if (updated.errors) expectClientError(updated);
        else expect(updated.data!.updateBranch.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
        expect(await app.db.prisma.branch.count({ where: { name: 'Hijacked' } })).toBe(0);
      },
    );
  });
});

describe('branches connection', () => {
  let app: TestApp;
  const keys = ['AA', 'BB', 'CC', 'DD', 'EE'];
  const listQuery = graphql(`query($first: Int, $after: String) { branches(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { key } }
    nodes { key }
  } }`);

  beforeAll(async () => {
    app = await createTestApp();
    for (const key of keys) await createBranch(app, `Branch ${key}`, key);
  });
  afterAll(() => app?.close());

  it('lists all branches oldest first with the total count', async () => {
    const { branches } = ok(await app.gql(listQuery, {}));
    expect(branches!.totalCount).toBe(5);
    expect(branches!.nodes.map((n) => n.key)).toEqual(keys);
    expect(branches!.pageInfo.hasNextPage).toBe(false);
  });

  it('pages with first/after', async () => {
    const seen: string[] = [];
    let after: string | null | undefined;
    const pages: [string[], boolean][] = [
      [['AA', 'BB'], true],
      [['CC', 'DD'], true],
      [['EE'], false],
    ];
    for (const [expected, hasNextPage] of pages) {
      const { branches } = ok(await app.gql(listQuery, { first: 2, after }));
      expect(branches!.totalCount).toBe(5);
      expect(branches!.edges.map((e) => e.node.key)).toEqual(expected);
      expect(branches!.pageInfo.endCursor).toBe(branches!.edges.at(-1)!.cursor);
      expect(branches!.pageInfo.hasNextPage).toBe(hasNextPage);
      seen.push(...expected);
      after = branches!.pageInfo.endCursor;
    }
    expect(seen).toEqual(keys);
  });

  it('refuses page sizes above 100 or below 0', async () => {
    const tooMany = await app.gql(listQuery, { first: 101 });
    expectClientError(tooMany, /100/);
    expect(tooMany.data?.branches ?? null).toBeNull();
    const inline = await app.gql(graphql('{ branches(first: 101) { totalCount } }'));
    expectClientError(inline, /100/);
    expectClientError(await app.gql(listQuery, { first: -1 }), /first/);
    // The maximum itself is fine.
    expect(ok(await app.gql(listQuery, { first: 100 })).branches?.nodes).toHaveLength(5);
  });
});
