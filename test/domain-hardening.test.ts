// Issue 11: concurrent moves, what customers learn about agents (avatar), and account probing
// through watchers and profile updates. Runs on PGlite and, with TEST_DATABASE_URL, PostgreSQL.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { createAgent, createBranch, createCustomer, createTicket } from './fixtures.ts';
import { graphql, ofType, type VariablesOf } from './graphql.ts';
import { createTestApp, ok, type TestApp } from './helpers.ts';

const gid = (type: string, id: number) => encodeGlobalID(type, String(id));

describe('moving the same ticket from many clients at once', () => {
  let app: TestApp;
  afterAll(() => app?.close());

  it('answers every one of 40 parallel moves with success or a CONFLICT user error; keys stay consistent', async () => {
    app = await createTestApp();
    const start = await createBranch(app, 'Start', 'RACE');
    const a = await createBranch(app, 'Left', 'LEFT');
    const b = await createBranch(app, 'Right', 'RIGHT');
    const ticket = await createTicket(app, { branch: start.id });
    const move = (branch: string) =>
      app.gql(
        graphql(
          'mutation($k: String!, $b: ID!) { moveTicket(input: {ticket: {key: $k}, branch: $b}) { ticket { key } userErrors { code field message } } }',
        ),
        { k: ticket.key, b: branch },
      );
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => move(i % 2 ? a.id : b.id)));
    const outcomes = answers.map((r) => {
      expect(r.status, JSON.stringify(r.errors)).toBe(200);
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      const payload = r.data!.moveTicket;
      if (payload.userErrors.length === 0) return 'moved';
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['ticket'] })]);
      expect(payload.userErrors[0]!.message).not.toMatch(/unexpected|prisma|select|insert|unique/i);
      return 'conflict';
    });
    const moved = outcomes.filter((o) => o === 'moved').length;
    expect(moved).toBeGreaterThanOrEqual(1);

    const row = await app.db.prisma.ticket.findUniqueOrThrow({
      where: { id: ticket.internalId },
      include: { branch: true },
    });
    expect(row.key).toBe(`${row.branch.key}-${row.number}`);
    const aliases = await app.db.prisma.ticketKeyAlias.findMany({ where: { ticketId: ticket.internalId } });
    // One old key per successful move, all distinct, the first one being the original key.
    expect(aliases).toHaveLength(moved);
    expect(aliases.map((x) => x.key)).toContain(ticket.key);
    for (const old of aliases) {
      const found = ok(await app.gql(graphql('query($k: String) { ticket(key: $k) { key } }'), { k: old.key }));
      expect(found.ticket).toEqual({ key: row.key });
    }
  });
});

describe('Agent.avatarUrl', () => {
  let app: TestApp;
  let customerKey: string;
  let ticketKey: string;
  beforeAll(async () => {
    app = await createTestApp();
    const customer = await createCustomer(app, { firstName: 'Rea', lastName: 'Der', withKey: true });
    customerKey = customer.key!;
    const branch = await createBranch(app, 'Avatars', 'AVA');
    const ticket = await createTicket(app, { branch: branch.id, reporter: customer.id });
    ticketKey = ticket.key;
    const added = await app.gql(
      graphql(
        'mutation($k: String!) { addComment(input: {ticket: {key: $k}, content: "An agent answers"}) { userErrors { message } } }',
      ),
      { k: ticket.key },
    );
    expect(ok(added).addComment.userErrors).toEqual([]);
  });
  afterAll(() => app?.close());

  const query = graphql(`query($k: String) {
    ticket(key: $k) { assignee { avatarUrl } comments { nodes { author { __typename ... on Agent { name avatarUrl } } } } }
  }`);

  it("answers a customer's request for a comment author's avatar without an error, and with null", async () => {
    const response = await app.gql(query, { k: ticketKey }, { key: customerKey });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    expect(response.data!.ticket!.comments.nodes).toEqual([
      { author: { __typename: 'Agent', name: 'Ada Admin', avatarUrl: null } },
    ]);
  });

  it('still gives staff the Gravatar URL', async () => {
    const response = ok(await app.gql(query, { k: ticketKey }));
    expect(ofType(response.ticket!.comments.nodes[0]!.author, 'Agent').avatarUrl).toMatch(
      /^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{32}\?d=identicon$/,
    );
  });
});

const updateCustomerMutation = graphql(`mutation($input: UpdateCustomerInput!) {
  updateCustomer(input: $input) { customer { email firstName } userErrors { code field message } }
}`);

describe('customers cannot probe accounts through watchers or their profile', () => {
  let app: TestApp;
  let ownerKey: string;
  let ownerId: number;
  let otherId: number;
  let agentId: number;
  let ticketKey: string;
  let branchId: string;
  beforeAll(async () => {
    app = await createTestApp();
    agentId = (await createAgent(app, { email: 'agnes@example.com', firstName: 'Agnes' })).internalId;
    const owner = await createCustomer(app, {
      email: 'owner@example.com',
      firstName: 'Olga',
      lastName: 'Owner',
      withKey: true,
    });
    ownerId = owner.internalId;
    ownerKey = owner.key!;
    otherId = (await createCustomer(app, { email: 'otto@example.com', firstName: 'Otto', lastName: 'Other' }))
      .internalId;
    branchId = (await createBranch(app, 'Probe', 'PRB')).id;
  });
  // Every test gets a ticket of the owner's own: watchers one test adds are not another's.
  beforeEach(async () => {
    ticketKey = (await createTicket(app, { branch: branchId, reporter: gid('Customer', ownerId) })).key;
  });
  afterAll(() => app?.close());

  // Aliased `result`, so one helper reads either answer.
  const watcherMutations = {
    addWatcher: graphql(`mutation($input: AddWatcherInput!) {
      result: addWatcher(input: $input) {
        ticket { id key watchers { __typename id name } } userErrors { code field message }
      }
    }`),
    removeWatcher: graphql(`mutation($input: RemoveWatcherInput!) {
      result: removeWatcher(input: $input) {
        ticket { id key watchers { __typename id name } } userErrors { code field message }
      }
    }`),
  };
  const watcherMutation = (name: keyof typeof watcherMutations) => watcherMutations[name];
  const asOwner = async (
    name: keyof typeof watcherMutations,
    watcher: Omit<VariablesOf<typeof watcherMutations.addWatcher>['input'], 'ticket'>,
  ) => {
    const response = await app.gql(
      watcherMutation(name),
      { input: { ticket: { key: ticketKey }, ...watcher } },
      { key: ownerKey },
    );
    return { status: response.status, errors: response.errors, data: response.data };
  };
  const ownersView = async () =>
    ok(
      await app.gql(
        graphql('query($k: String) { ticket(key: $k) { watchers { __typename id name } } }'),
        { k: ticketKey },
        { key: ownerKey },
      ),
    );

  it('answers addWatcher by email the same for an agent, another customer and nobody, and lists none of them back', async () => {
    const before = await ownersView();
    const answers = [];
    for (const email of ['agnes@example.com', 'otto@example.com', 'nobody-here@example.com']) {
      answers.push(await asOwner('addWatcher', { watcherEmail: email }));
      expect(await ownersView()).toEqual(before);
    }
    expect(answers[0]).toMatchObject({ status: 200, errors: undefined });
    expect(answers[0]!.data!.result.userErrors).toEqual([]);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(JSON.stringify(answers)).not.toMatch(/Agnes|Otto/);

    // The additions did happen: staff see both watchers, and the customer added sees the ticket.
    const staff = ok(
      await app.gql(graphql('query($k: String) { ticket(key: $k) { watchers { id } } }'), { k: ticketKey }),
    );
    expect(staff.ticket!.watchers.map((w) => w.id).sort()).toEqual(
      [gid('Agent', agentId), gid('Customer', otherId)].sort(),
    );
    const ottoKey = (await issueApiKey(app.db.prisma, app.box, { customerId: otherId })).secret;
    const ottoView = ok(
      await app.gql(
        graphql('query($k: String) { ticket(key: $k) { watchers { id name } } }'),
        { k: ticketKey },
        { key: ottoKey },
      ),
    );
    expect(ottoView.ticket!.watchers).toEqual([{ id: gid('Customer', otherId), name: 'Otto Other' }]);
  });

  it('answers addWatcher and removeWatcher by id the same for an existing and a missing person', async () => {
    const real = await asOwner('addWatcher', { watcher: gid('Agent', app.adminId) });
    const missing = await asOwner('addWatcher', { watcher: gid('Customer', 999_999) });
    expect(real.data!.result.userErrors).toEqual([]);
    expect(missing).toEqual(real);
    const removeReal = await asOwner('removeWatcher', { watcherEmail: 'otto@example.com' });
    const removeNobody = await asOwner('removeWatcher', { watcherEmail: 'nobody-here@example.com' });
    expect(removeReal.data!.result.userErrors).toEqual([]);
    expect(removeNobody).toEqual(removeReal);
    // Staff still hear that someone does not watch.
    const staff = await app.gql(watcherMutation('removeWatcher'), {
      input: { ticket: { key: ticketKey }, watcherEmail: 'otto@example.com' },
    });
    expect(ok(staff).result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
  });

  it('lets a customer add and remove themself, and see themself listed', async () => {
    const added = await asOwner('addWatcher', {});
    expect(added.data!.result.ticket!.watchers).toContainEqual({
      __typename: 'Customer',
      id: gid('Customer', ownerId),
      name: 'Olga Owner',
    });
    const removed = await asOwner('removeWatcher', {});
    expect(removed.data!.result.ticket!.watchers).not.toContainEqual(
      expect.objectContaining({ id: gid('Customer', ownerId) }),
    );
  });

  const updateCustomer = (
    input: Omit<VariablesOf<typeof updateCustomerMutation>['input'], 'id'>,
    key?: string,
    id = gid('Customer', ownerId),
  ) => app.gql(updateCustomerMutation, { input: { id, ...input } }, { key });

  it('refuses a customer changing their own email, the same way whether the new one is taken or free', async () => {
    const taken = ok(await updateCustomer({ email: 'otto@example.com' }, ownerKey)).updateCustomer;
    const free = ok(await updateCustomer({ email: 'fresh-address@example.com' }, ownerKey)).updateCustomer;
    expect(taken).toEqual({
      customer: null,
      userErrors: [expect.objectContaining({ code: 'FORBIDDEN', field: ['email'] })],
    });
    expect(free).toEqual(taken);
    // Sending the current address back (as full-profile clients do) is not a change.
    const same = ok(await updateCustomer({ email: 'OWNER@example.com', firstName: 'Olga' }, ownerKey)).updateCustomer;
    expect(same.userErrors).toEqual([]);
    expect(same.customer!.email).toBe('owner@example.com');
  });

  it('still lets staff change a customer email, and tells staff when it is taken', async () => {
    // Not the owner: its address is what the other tests expect.
    const moving = (await createCustomer(app, { email: 'moving@example.com', firstName: 'Mo' })).id;
    const taken = ok(await updateCustomer({ email: 'otto@example.com' }, undefined, moving)).updateCustomer;
    expect(taken.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN', field: ['email'] })]);
    const changed = ok(await updateCustomer({ email: 'owner-new@example.com' }, undefined, moving)).updateCustomer;
    expect(changed).toEqual({
      customer: { email: 'owner-new@example.com', firstName: expect.any(String) },
      userErrors: [],
    });
  });
});
