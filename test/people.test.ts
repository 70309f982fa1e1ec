// Agents, customers, the viewer and authentication through the GraphQL endpoint.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { createAgent, createCustomer } from './fixtures.ts';
import { graphql, type VariablesOf } from './graphql.ts';
import {
  createTestApp,
  type GqlArgs,
  type GraphQLResponse,
  ok,
  queryText,
  type TestApp,
  type TypedDocument,
} from './helpers.ts';

const UserErrors = graphql('fragment UserErrors on UserError { code field message }');
const AgentFields = graphql('fragment AgentFields on Agent { id internalId email firstName lastName name role state }');
const CustomerFields = graphql(
  'fragment CustomerFields on Customer { id internalId email firstName lastName name phone state }',
);
const createAgentMutation = graphql(
  `mutation($input: CreateAgentInput!) {
    createAgent(input: $input) { agent { ...AgentFields } userErrors { ...UserErrors } }
  }`,
  [AgentFields, UserErrors],
);
const updateAgentMutation = graphql(
  `mutation($input: UpdateAgentInput!) {
    updateAgent(input: $input) { agent { ...AgentFields } userErrors { ...UserErrors } }
  }`,
  [AgentFields, UserErrors],
);
const createCustomerMutation = graphql(
  `mutation($input: CreateCustomerInput!) {
    createCustomer(input: $input) { customer { ...CustomerFields } userErrors { ...UserErrors } }
  }`,
  [CustomerFields, UserErrors],
);
const updateCustomerMutation = graphql(
  `mutation($input: UpdateCustomerInput!) {
    updateCustomer(input: $input) { customer { ...CustomerFields } userErrors { ...UserErrors } }
  }`,
  [CustomerFields, UserErrors],
);
const viewerQuery = graphql('{ viewer { __typename id ... on Agent { role } name email } }');

/** A GraphQL error that is the client's fault, not a crash. */
function expectClientError(response: GraphQLResponse, messagePart?: RegExp) {
  expect(response.status).toBeLessThan(500);
  expect(response.errors?.length ?? 0).toBeGreaterThan(0);
  for (const error of response.errors!) {
    expect(error.extensions?.code).not.toBe('INTERNAL_SERVER_ERROR');
    expect(error.message).not.toBe('Unexpected error.');
  }
  if (messagePart) expect(response.errors!.map((e) => e.message).join('\n')).toMatch(messagePart);
}

describe('agents and customers', () => {
  let app: TestApp;
  const gqlData = async <D extends TypedDocument>(document: D, ...args: GqlArgs<D>) =>
    ok(await app.gql(document, ...args));
  const createAgent = async (input: VariablesOf<typeof createAgentMutation>['input']) =>
    (await gqlData(createAgentMutation, { input })).createAgent;
  const updateAgent = async (input: VariablesOf<typeof updateAgentMutation>['input']) =>
    (await gqlData(updateAgentMutation, { input })).updateAgent;
  const createCustomer = async (input: VariablesOf<typeof createCustomerMutation>['input']) =>
    (await gqlData(createCustomerMutation, { input })).createCustomer;
  const updateCustomer = async (input: VariablesOf<typeof updateCustomerMutation>['input']) =>
    (await gqlData(updateCustomerMutation, { input })).updateCustomer;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('creates an agent with a lower-cased email and the AGENT role by default', async () => {
    const result = await createAgent({ email: 'Bob.Builder@Example.COM', firstName: ' Bob ', lastName: 'Builder' });
    expect(result.userErrors).toEqual([]);
    expect(result.agent).toMatchObject({
      email: 'bob.builder@example.com',
      firstName: 'Bob',
      lastName: 'Builder',
      name: 'Bob Builder',
      role: 'AGENT',
      state: 'ACTIVE',
    });
    expect(result.agent!.id).toBe(encodeGlobalID('Agent', result.agent!.internalId));
    const admin = await createAgent({ email: 'root@example.com', firstName: 'Rita', role: 'ADMIN' });
    expect(admin.agent).toMatchObject({ role: 'ADMIN', lastName: '', name: 'Rita' });
  });

  it('updates an agent: role, names and email (lower-cased); absent fields stay', async () => {
    const { agent } = await createAgent({ email: 'carl@example.com', firstName: 'Carl', lastName: 'Coder' });
    const result = await updateAgent({ id: agent!.id, role: 'ADMIN', firstName: 'Karl', email: 'Karl@Example.com' });
    expect(result.userErrors).toEqual([]);
    expect(result.agent).toMatchObject({
      id: agent!.id,
      role: 'ADMIN',
      firstName: 'Karl',
      lastName: 'Coder',
      email: 'karl@example.com',
    });
    const again = await updateAgent({ id: agent!.id, lastName: 'Kode', role: 'AGENT' });
    expect(again.agent).toMatchObject({
      role: 'AGENT',
      firstName: 'Karl',
      lastName: 'Kode',
      name: 'Karl Kode',
      email: 'karl@example.com',
    });
  });

  it('refuses an email another agent uses, whatever its case', async () => {
    const before = await app.db.prisma.agent.count();
    const duplicate = await createAgent({ email: 'ADMIN@example.com', firstName: 'Copy' });
    expect(duplicate.agent).toBeNull();
    expect(duplicate.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN', field: ['email'] })]);
    expect(await app.db.prisma.agent.count()).toBe(before);

    const { agent } = await createAgent({ email: 'dave@example.com', firstName: 'Dave' });
    const taken = await updateAgent({ id: agent!.id, email: 'admin@example.com', firstName: 'Changed' });
    expect(taken.agent).toBeNull();
    expect(taken.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN', field: ['email'] })]);
    expect(await app.db.prisma.agent.findUnique({ where: { id: agent!.internalId } })).toMatchObject({
      email: 'dave@example.com',
      firstName: 'Dave',
    });
  });

  it('refuses a blank first name as REQUIRED and an invalid email as a GraphQL error', async () => {
    const before = await app.db.prisma.agent.count();
    const blank = await createAgent({ email: 'blank@example.com', firstName: '   ' });
    expect(blank.agent).toBeNull();
    expect(blank.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: ['firstName'] })]);

    const invalid = await app.gql(createAgentMutation, { input: { email: 'not-an-email', firstName: 'Eve' } });
    expectClientError(invalid, /email/i);
    expect(invalid.data?.createAgent ?? null).toBeNull();
    expect(await app.db.prisma.agent.count()).toBe(before);

    const { agent } = await createAgent({ email: 'fay@example.com', firstName: 'Fay' });
    const blankUpdate = await updateAgent({ id: agent!.id, firstName: '' });
    expect(blankUpdate.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: ['firstName'] })]);
    expectClientError(await app.gql(updateAgentMutation, { input: { id: agent!.id, email: 'fay@' } }));
    expect(await app.db.prisma.agent.findUnique({ where: { id: agent!.internalId } })).toMatchObject({
      firstName: 'Fay',
      email: 'fay@example.com',
    });
  });

  it('reports unknown agents and customers as NOT_FOUND', async () => {
    const agent = await updateAgent({ id: encodeGlobalID('Agent', 99999), firstName: 'Ghost' });
    expect(agent).toEqual({ agent: null, userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: ['id'] })] });
    const customer = await updateCustomer({ id: encodeGlobalID('Customer', 99999), firstName: 'Ghost' });
    expect(customer).toEqual({
      customer: null,
      userErrors: [expect.objectContaining({ code: 'NOT_FOUND', field: ['id'] })],
    });
  });

  it('creates and updates a customer; phone null removes it', async () => {
    const created = await createCustomer({
      email: 'Gina@Example.com',
      firstName: 'Gina',
      lastName: 'Guest',
      phone: ' +1 555 0100 ',
    });
    expect(created.userErrors).toEqual([]);
    expect(created.customer).toMatchObject({
      email: 'gina@example.com',
      name: 'Gina Guest',
      phone: '+1 555 0100',
      state: 'ACTIVE',
    });
    const id = created.customer!.id;
    const updated = await updateCustomer({ id, lastName: 'Host', email: 'GINA.HOST@example.com' });
    expect(updated.customer).toMatchObject({
      id,
      firstName: 'Gina',
      lastName: 'Host',
      email: 'gina.host@example.com',
      phone: '+1 555 0100',
    });
    const noPhone = await updateCustomer({ id, phone: null });
    expect(noPhone.customer!.phone).toBeNull();

    const blank = await createCustomer({ email: 'hal@example.com', firstName: ' ', lastName: 'Hal' });
    expect(blank.userErrors).toEqual([expect.objectContaining({ code: 'REQUIRED', field: ['firstName'] })]);
    const taken = await createCustomer({ email: 'gina.host@example.com', firstName: 'Other', lastName: 'Gina' });
    expect(taken.userErrors).toEqual([expect.objectContaining({ code: 'TAKEN', field: ['email'] })]);
    expect(await app.db.prisma.customer.count({ where: { email: { in: ['hal@example.com'] } } })).toBe(0);
  });

  it('restores a deleted customer when one is created with the same email', async () => {
    const { customer } = await createCustomer({ email: 'ivy@example.com', firstName: 'Ivy', lastName: 'Old' });
    await app.db.prisma.customer.update({ where: { id: customer!.internalId }, data: { state: 'DELETED' } });
    const listed = await gqlData(graphql('{ customers(filter: { text: "ivy" }) { totalCount } }'));
    expect(listed.customers!.totalCount).toBe(0);

    const before = await app.db.prisma.customer.count();
    const restored = await createCustomer({ email: 'IVY@example.com', firstName: 'Ivy', lastName: 'New' });
    expect(restored.userErrors).toEqual([]);
    expect(restored.customer).toMatchObject({
      id: customer!.id,
      internalId: customer!.internalId,
      state: 'ACTIVE',
      lastName: 'New',
    });
    expect(await app.db.prisma.customer.count()).toBe(before);
  });

  it('finds an agent or customer by id or by email (case-insensitive), and needs exactly one', async () => {
    const { agent } = await createAgent({ email: 'jay@example.com', firstName: 'Jay' });
    const { customer } = await createCustomer({ email: 'kim@example.com', firstName: 'Kim', lastName: 'K' });
    const agentQuery = graphql('query($id: ID, $email: EmailAddress) { agent(id: $id, email: $email) { id name } }');
    const customerQuery = graphql(
      'query($id: ID, $email: EmailAddress) { customer(id: $id, email: $email) { id name } }',
    );
    expect((await gqlData(agentQuery, { id: agent!.id })).agent).toEqual({ id: agent!.id, name: 'Jay' });
    expect((await gqlData(agentQuery, { email: 'JAY@Example.com' })).agent).toEqual({ id: agent!.id, name: 'Jay' });
    expect((await gqlData(agentQuery, { email: 'nobody@example.com' })).agent).toBeNull();
    expect((await gqlData(customerQuery, { id: customer!.id })).customer).toEqual({ id: customer!.id, name: 'Kim K' });
    expect((await gqlData(customerQuery, { email: 'KIM@example.com' })).customer).toEqual({
      id: customer!.id,
      name: 'Kim K',
    });
    expect((await gqlData(customerQuery, { id: encodeGlobalID('Customer', 99999) })).customer).toBeNull();

    expectClientError(await app.gql(agentQuery, {}), /exactly one/i);
    expectClientError(await app.gql(customerQuery, { id: customer!.id, email: 'kim@example.com' }), /exactly one/i);
    // A global id of the other kind, a malformed one, or a malformed email is a client error.
    expectClientError(await app.gql(agentQuery, { id: customer!.id }));
    expectClientError(await app.gql(agentQuery, { id: 'nope' }));
    expectClientError(await app.gql(customerQuery, { email: 'kim' }));
    // In a mutation, an id that does not resolve is a NOT_FOUND user error.
    const update = await gqlData(updateCustomerMutation, { input: { id: 'nope', firstName: 'X' } });
    expect(update.updateCustomer.userErrors).toMatchObject([{ code: 'NOT_FOUND', field: ['id'] }]);
  });

  it('does not crash on an Agent id whose database part is not an integer', async () => {
    const response = await app.gql(graphql('query($id: ID!) { agent(id: $id) { id } }'), {
      id: encodeGlobalID('Agent', 'abc'),
    });
    if (response.errors) expectClientError(response);
    else expect(response.data!.agent).toBeNull();
  });

  it('filters agents by text and state, with totalCount', async () => {
    await createAgent({ email: 'lena@support.test', firstName: 'Lena', lastName: 'Filter' });
    await createAgent({ email: 'mo@support.test', firstName: 'Mo', lastName: 'Filter' });
    const { agent: gone } = await createAgent({ email: 'ned@support.test', firstName: 'Ned', lastName: 'Filter' });
    await app.db.prisma.agent.update({ where: { id: gone!.internalId }, data: { state: 'DELETED' } });
    const query = graphql(`query($filter: AgentFilter, $first: Int) { agents(filter: $filter, first: $first) {
      totalCount nodes { email state } pageInfo { hasNextPage }
    } }`);
    const byText = (await gqlData(query, { filter: { text: 'FILTER' } })).agents;
    expect(byText!.totalCount).toBe(2);
    expect(byText!.nodes.map((n) => n.email)).toEqual(['lena@support.test', 'mo@support.test']);
    expect((await gqlData(query, { filter: { text: 'SUPPORT.TEST' }, first: 1 })).agents).toMatchObject({
      totalCount: 2,
      nodes: [{ email: 'lena@support.test' }],
      pageInfo: { hasNextPage: true },
    });
    expect((await gqlData(query, { filter: { text: 'lena' } })).agents?.totalCount).toBe(1);
    const deleted = (await gqlData(query, { filter: { state: 'DELETED' } })).agents;
    expect(deleted).toMatchObject({ totalCount: 1, nodes: [{ email: 'ned@support.test', state: 'DELETED' }] });
    const all = (await gqlData(query, {})).agents;
    expect(all!.nodes.every((n) => n.state === 'ACTIVE')).toBe(true);
    expect(all!.totalCount).toBe(await app.db.prisma.agent.count({ where: { state: 'ACTIVE' } }));
  });

  it('filters customers by text, with totalCount', async () => {
    await createCustomer({ email: 'olga@acme.test', firstName: 'Olga', lastName: 'Acme' });
    await createCustomer({ email: 'pete@other.test', firstName: 'Pete', lastName: 'Acmeson' });
    await createCustomer({ email: 'quinn@other.test', firstName: 'Quinn', lastName: 'Else' });
    const query = graphql('query($text: String) { customers(filter: { text: $text }) { totalCount nodes { email } } }');
    const acme = (await gqlData(query, { text: 'acme' })).customers;
    expect(acme!.totalCount).toBe(2);
    expect(acme!.nodes.map((n) => n.email)).toEqual(['olga@acme.test', 'pete@other.test']);
    expect((await gqlData(query, { text: 'OTHER.test' })).customers?.totalCount).toBe(2);
    expect((await gqlData(query, { text: 'zzz' })).customers).toEqual({ totalCount: 0, nodes: [] });
  });

  it('resolves agents and customers through node and nodes', async () => {
    const { customer } = await createCustomer({ email: 'rae@example.com', firstName: 'Rae', lastName: 'Node' });
    const adminId = encodeGlobalID('Agent', app.adminId);
    const nodeQuery = graphql(
      `query($id: ID!) { node(id: $id) { __typename id ... on Agent { role } ... on Customer { phone } ... on Person { name } } }`,
    );
    expect((await gqlData(nodeQuery, { id: adminId })).node).toEqual({
      __typename: 'Agent',
      id: adminId,
      role: 'ADMIN',
      name: 'Ada Admin',
    });
    expect((await gqlData(nodeQuery, { id: customer!.id })).node).toEqual({
      __typename: 'Customer',
      id: customer!.id,
      phone: null,
      name: 'Rae Node',
    });
    const nodes = await gqlData(graphql('query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }'), {
      ids: [customer!.id, adminId],
    });
    expect(nodes.nodes).toEqual([
      { __typename: 'Customer', id: customer!.id },
      { __typename: 'Agent', id: adminId },
    ]);
  });

  it('gives null from node and nodes for a well-formed id of a missing person', async () => {
    const adminId = encodeGlobalID('Agent', app.adminId);
    const missing = encodeGlobalID('Customer', 99999);
    expect((await gqlData(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: missing })).node).toBeNull();
    expect(
      (await gqlData(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: encodeGlobalID('Agent', 99999) })).node,
    ).toBeNull();
    const nodes = await gqlData(graphql('query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }'), {
      ids: [missing, adminId],
    });
    expect(nodes.nodes).toEqual([null, { __typename: 'Agent', id: adminId }]);
  });
});

describe('viewer and authentication', () => {
  let app: TestApp;

  const post = (authorization?: string) =>
    app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...(authorization ? { authorization } : {}),
      },
      body: JSON.stringify({ query: queryText(viewerQuery) }),
    });
  const basic = (email: string, key: string) => `Basic ${Buffer.from(`${email}:${key}`).toString('base64')}`;
  const adminViewer = { __typename: 'Agent', role: 'ADMIN', name: 'Ada Admin', email: 'admin@example.com' };

  async function expectUnauthorized(response: Response) {
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^WSSE realm="helpdesk"/);
    const body = (await response.json()) as GraphQLResponse;
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(body.data ?? null).toBeNull();
  }

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('the viewer is the admin with Bearer; without credentials only introspection answers', async () => {
    const data = ok(await app.gql(viewerQuery));
    expect(data.viewer).toEqual({ ...adminViewer, id: encodeGlobalID('Agent', app.adminId) });
    const anonymous = await app.gql(viewerQuery, {}, { key: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/WSSE/);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const typename = await app.gql(graphql('{ __typename __schema { queryType { name } } }'), {}, { key: null });
    expect(ok(typename)).toEqual({ __typename: 'Query', __schema: { queryType: { name: 'Query' } } });
  });

  it('accepts HTTP Basic email:key, the email case-insensitively', async () => {
    for (const email of ['admin@example.com', 'Admin@Example.COM']) {
      const response = await post(basic(email, app.adminKey));
      expect(response.status).toBe(200);
      const body = (await response.json()) as GraphQLResponse<{ viewer: unknown }>;
      expect(body.errors).toBeUndefined();
      expect(body.data?.viewer).toMatchObject(adminViewer);
    }
  });

  it('a customer key makes a Customer viewer', async () => {
    const customer = await createCustomer(app, {
      email: 'sam@example.com',
      firstName: 'Sam',
      lastName: 'Client',
      withKey: true,
    });
    const secret = customer.key!;
    const data = ok(await app.gql(viewerQuery, {}, { key: secret }));
    expect(data.viewer).toEqual({
      __typename: 'Customer',
      id: customer.id,
      name: 'Sam Client',
      email: 'sam@example.com',
    });
  });

  it('refuses Basic with the wrong email with 401 and WWW-Authenticate', async () => {
    await expectUnauthorized(await post(basic('someone@example.com', app.adminKey)));
    await expectUnauthorized(await post(`Basic ${Buffer.from(app.adminKey).toString('base64')}`));
  });

  it('refuses garbage and unknown keys with 401', async () => {
    await expectUnauthorized(await post('Bearer garbage'));
    await expectUnauthorized(await post(`Bearer ${'0'.repeat(40)}`));
    await expectUnauthorized(await post(basic('admin@example.com', 'garbage')));
  });

  it('refuses a revoked key with 401', async () => {
    const { id, secret } = await issueApiKey(app.db.prisma, app.box, { agentId: app.adminId });
    expect((await post(`Bearer ${secret}`)).status).toBe(200);
    await app.db.prisma.apiKey.update({ where: { id }, data: { revokedAt: new Date() } });
    await expectUnauthorized(await post(`Bearer ${secret}`));
    await expectUnauthorized(await post(basic('admin@example.com', secret)));
    // The admin's other key still works.
    expect((await post(`Bearer ${app.adminKey}`)).status).toBe(200);
  });

  it('refuses the key of a deleted agent with 401', async () => {
    const agent = await createAgent(app, { email: 'tom@example.com', firstName: 'Tom', withKey: true });
    const secret = agent.key!;
    const before = ok(await app.gql(viewerQuery, {}, { key: secret }));
    expect(before.viewer).toMatchObject({ __typename: 'Agent', role: 'AGENT', email: 'tom@example.com' });
    await app.db.prisma.agent.update({ where: { id: agent.internalId }, data: { state: 'DELETED' } });
    await expectUnauthorized(await post(`Bearer ${secret}`));
    await expectUnauthorized(await post(basic('tom@example.com', secret)));
  });
});
