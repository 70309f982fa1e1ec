// API key management through GraphQL, keys at rest, and the server key through the real start path.
import { createHash } from 'node:crypto';
import { copyFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { encodeGlobalID } from '@pothos/plugin-relay';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { createAgent, createBranch, createCustomer, createTicket } from './fixtures.ts';
import { graphql, ofType, type ResultOf, type VariablesOf } from './graphql.ts';
import {
  createServerStorage,
  createTestApp,
  type GraphQLResponse,
  ok,
  queryText,
  type ServerStorage,
  startServer,
  type TestApp,
  type TestServer,
  testEngine,
  wsseHeaders,
} from './helpers.ts';

const UserErrors = graphql('fragment UserErrors on UserError { code field message }');
const KeyFields = graphql(
  'fragment KeyFields on ApiKey { id internalId label createdAt lastUsedAt revokedAt owner { __typename id name } }',
);
const createApiKeyMutation = graphql(
  `mutation($input: CreateApiKeyInput!) {
    createApiKey(input: $input) { secret apiKey { ...KeyFields } userErrors { ...UserErrors } }
  }`,
  [KeyFields, UserErrors],
);
const revokeApiKeyMutation = graphql(
  `mutation($input: RevokeApiKeyInput!) {
    revokeApiKey(input: $input) { apiKey { ...KeyFields } userErrors { ...UserErrors } }
  }`,
  [KeyFields, UserErrors],
);
const viewerQuery = graphql('{ viewer { __typename id name } }');

describe('API keys through GraphQL', () => {
  let app: TestApp;
  let adminGlobalId: string;

  beforeAll(async () => {
    app = await createTestApp();
    adminGlobalId = encodeGlobalID('Agent', app.adminId);
  });
  afterAll(() => app?.close());

  const createKey = async (input: VariablesOf<typeof createApiKeyMutation>['input'], key?: string) =>
    ok(await app.gql(createApiKeyMutation, { input }, { key })).createApiKey;
  /** createKey that must succeed: its secret and key, not null. */
  const makeKey = async (input: VariablesOf<typeof createApiKeyMutation>['input'], key?: string) => {
    const result = await createKey(input, key);
    expect(result.userErrors).toEqual([]);
    return { secret: result.secret!, apiKey: result.apiKey! };
  };
  const revokeKey = async (id: string, key?: string) =>
    ok(await app.gql(revokeApiKeyMutation, { input: { id } }, { key })).revokeApiKey;
  const viewerWith = (key: string) => app.gql(viewerQuery, {}, { key });
  const basic = (email: string, key: string) =>
    app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${email}:${key}`).toString('base64')}`,
      },
      body: JSON.stringify({ query: queryText(viewerQuery) }),
    });

  /** A customer with a key issued directly, as an admin would hand one out. */
  async function customerWithKey(email: string) {
    const customer = await createCustomer(app, email);
    const { id, secret } = await issueApiKey(app.db.prisma, app.box, { customerId: customer.internalId });
    return { ...customer, keyId: id, key: secret };
  }

  it('creates a key for yourself and shows the secret once', async () => {
    const result = await createKey({ label: '  CI robot  ' });
    expect(result.userErrors).toEqual([]);
    expect(result.secret).toMatch(/^[0-9a-f]{40}$/);
    expect(result.secret).not.toBe(app.adminKey);
    expect(result.apiKey).toMatchObject({
      id: encodeGlobalID('ApiKey', result.apiKey!.internalId),
      label: 'CI robot',
      lastUsedAt: null,
      revokedAt: null,
      owner: { __typename: 'Agent', id: adminGlobalId, name: 'Ada Admin' },
    });
    expect(Number.isNaN(Date.parse(result.apiKey!.createdAt))).toBe(false);
    expect(Math.abs(Date.parse(result.apiKey!.createdAt) - Date.now())).toBeLessThan(60_000);

    // Two keys are never the same.
    const second = await createKey({});
    expect(second.userErrors).toEqual([]);
    expect(second.secret).toMatch(/^[0-9a-f]{40}$/);
    expect(second.secret).not.toBe(result.secret);
    expect(second.apiKey!.label).toBe('');
  });

  it('has no field that reads a secret back', async () => {
    // gql.tada does not type introspection fields: the untyped path, with the answer's shape.
    const type = ok(
      await app.gql<{ __type: { fields: { name: string }[] } }>('{ __type(name: "ApiKey") { fields { name } } }'),
    ).__type;
    const names = type.fields.map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(['label', 'createdAt', 'lastUsedAt', 'revokedAt', 'owner']));
    expect(names.filter((n) => /secret|hash|key/i.test(n))).toEqual([]);
    // Invalid on purpose (there is no such field): the untyped path.
    const response = await app.gql(graphql('{ viewer { ... on Agent { apiKeys { secret } } } }'));
    expect(response.status).toBeLessThan(500);
    expect(response.errors?.[0]?.message).toMatch(/Cannot query field "secret"/);
    expect(response.data).toBeUndefined();
  });

  it('refuses a label over 100 characters', async () => {
    const result = await createKey({ label: 'x'.repeat(101) });
    expect(result.secret).toBeNull();
    expect(result.apiKey).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'TOO_LONG', field: ['label'] })]);
  });

  it('makes a key that works as Bearer and as Basic email:key, and records its use', async () => {
    const { secret, apiKey } = await makeKey({ label: 'both schemes' });
    const bearer = await viewerWith(secret);
    expect(ok(bearer).viewer).toEqual({ __typename: 'Agent', id: adminGlobalId, name: 'Ada Admin' });

    const viaBasic = await basic('admin@example.com', secret);
    expect(viaBasic.status).toBe(200);
    expect(((await viaBasic.json()) as GraphQLResponse<ResultOf<typeof viewerQuery>>).data?.viewer).toEqual({
      __typename: 'Agent',
      id: adminGlobalId,
      name: 'Ada Admin',
    });
    // Basic with someone else's email is refused.
    expect((await basic('other@example.com', secret)).status).toBe(401);

    const node = ok(
      await app.gql(graphql('query($id: ID!) { node(id: $id) { __typename ... on ApiKey { lastUsedAt } } }'), {
        id: apiKey!.id,
      }),
    ).node;
    const { lastUsedAt } = ofType(node, 'ApiKey');
    expect(lastUsedAt).not.toBeNull();
    expect(Math.abs(Date.parse(lastUsedAt!) - Date.now())).toBeLessThan(60_000);
  });

  it('keeps the secret encrypted at rest', async () => {
    const { secret, apiKey } = await makeKey({ label: 'at rest' });
    const row = await app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: apiKey!.internalId } });
    expect(row.secretEncrypted).not.toContain(secret);
    expect(row.secretEncrypted).not.toContain(Buffer.from(secret).toString('base64'));
    expect(row.lookupHash).not.toBe(secret);
    expect(row.lookupHash).not.toContain(secret);
    expect(row.lookupHash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(app.box.decrypt(row.secretEncrypted)).toBe(secret);
  });

  it('revokes a key: it stops working at once; revoking again changes nothing', async () => {
    const { secret, apiKey } = await makeKey({ label: 'short-lived' });
    expect(ok(await viewerWith(secret)).viewer?.__typename).toBe('Agent');

    const revoked = await revokeKey(apiKey!.id);
    expect(revoked.userErrors).toEqual([]);
    expect(revoked.apiKey!.id).toBe(apiKey!.id);
    expect(revoked.apiKey!.revokedAt).not.toBeNull();

    const refused = await viewerWith(secret);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^WSSE /);
    expect((await basic('admin@example.com', secret)).status).toBe(401);

    const again = await revokeKey(apiKey!.id);
    expect(again.userErrors).toEqual([]);
    expect(again.apiKey!.revokedAt).toBe(revoked.apiKey!.revokedAt);
    // The admin's other keys still work.
    expect(ok(await viewerWith(app.adminKey)).viewer?.__typename).toBe('Agent');
  });

  it('answers NOT_FOUND for revoking a key that does not exist', async () => {
    const result = await revokeKey(encodeGlobalID('ApiKey', 987654));
    expect(result.apiKey).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['id'] })]);
  });

  it('lets a customer make a key for itself', async () => {
    const customer = await customerWithKey('keen.customer@example.com');
    const result = await createKey({ label: 'my script' }, customer.key);
    expect(result.userErrors).toEqual([]);
    expect(result.secret).toMatch(/^[0-9a-f]{40}$/);
    expect(result.apiKey!.owner).toEqual({ __typename: 'Customer', id: customer.id, name: 'Cu Stomer' });
    expect(ok(await viewerWith(result.secret!)).viewer).toEqual({
      __typename: 'Customer',
      id: customer.id,
      name: 'Cu Stomer',
    });
    // Naming itself as owner is the same.
    const explicit = await createKey({ owner: customer.id }, customer.key);
    expect(explicit.userErrors).toEqual([]);
    expect(explicit.apiKey!.owner.id).toBe(customer.id);
  });

  it('does not let a customer make a key for the admin', async () => {
    const customer = await customerWithKey('sneaky.customer@example.com');
    const before = await app.db.prisma.apiKey.count({ where: { agentId: app.adminId } });
    const result = await createKey({ owner: adminGlobalId }, customer.key);
    expect(result.secret).toBeNull();
    expect(result.apiKey).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'FORBIDDEN', field: ['owner'] })]);
    expect(await app.db.prisma.apiKey.count({ where: { agentId: app.adminId } })).toBe(before);
  });

  it('does not let a customer revoke the admin’s key, nor see it', async () => {
    const customer = await customerWithKey('revoking.customer@example.com');
    const adminKeyRow = await app.db.prisma.apiKey.findFirstOrThrow({
      where: { agentId: app.adminId },
      orderBy: { id: 'asc' },
    });
    const adminKeyId = encodeGlobalID('ApiKey', adminKeyRow.id);
    const result = await revokeKey(adminKeyId, customer.key);
    expect(result.apiKey).toBeNull();
    expect(result.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: ['id'] })]);
    const row = await app.db.prisma.apiKey.findUniqueOrThrow({ where: { id: adminKeyRow.id } });
    expect(row.revokedAt).toBeNull();
    expect(ok(await viewerWith(app.adminKey)).viewer?.__typename).toBe('Agent');
    // node(id:) does not show it either.
    const node = ok(
      await app.gql(graphql('query($id: ID!) { node(id: $id) { id } }'), { id: adminKeyId }, { key: customer.key }),
    ).node;
    expect(node).toBeNull();
  });

  it('lets a customer revoke its own key', async () => {
    const customer = await customerWithKey('tidy.customer@example.com');
    const made = await makeKey({ label: 'throwaway' }, customer.key);
    const result = await revokeKey(made.apiKey!.id, customer.key);
    expect(result.userErrors).toEqual([]);
    expect(result.apiKey!.revokedAt).not.toBeNull();
    expect((await viewerWith(made.secret)).status).toBe(401);
    expect(ok(await viewerWith(customer.key)).viewer?.id).toBe(customer.id);
  });

  it('shows a customer its own apiKeys, and null for other people’s', async () => {
    const customer = await customerWithKey('curious.customer@example.com');
    const mine = ok(
      await app.gql(
        graphql('{ viewer { __typename ... on Customer { apiKeys { id label revokedAt } } } }'),
        {},
        { key: customer.key },
      ),
    );
    expect(ofType(mine.viewer, 'Customer').apiKeys).toEqual([
      { id: encodeGlobalID('ApiKey', customer.keyId), label: '', revokedAt: null },
    ]);

    // The admin is reachable through a ticket the customer reported; its keys are not.
    const branch = await createBranch(app, 'Key Desk');
    const ticket = await createTicket(app, { branch: branch.id, reporter: customer.id, assignee: adminGlobalId });
    const seen = ok(
      await app.gql(
        graphql(
          'query($id: ID!) { ticket(id: $id) { assignee { id name apiKeys { id } } reporter { __typename id ... on Customer { apiKeys { id } } } } }',
        ),
        { id: ticket.id },
        { key: customer.key },
      ),
    ).ticket;
    expect(seen!.assignee).toEqual({ id: adminGlobalId, name: 'Ada Admin', apiKeys: null });
    expect(ofType(seen!.reporter, 'Customer').apiKeys).toHaveLength(1);

    // A plain agent does not see a customer's keys either; an admin does.
    const agentKey = (await createAgent(app, { firstName: 'Pat', withKey: true })).key!;
    const query = graphql('query($id: ID!) { node(id: $id) { __typename ... on Customer { id apiKeys { id } } } }');
    expect(ok(await app.gql(query, { id: customer.id }, { key: agentKey })).node).toEqual({
      __typename: 'Customer',
      id: customer.id,
      apiKeys: null,
    });
    expect(ofType(ok(await app.gql(query, { id: customer.id })).node, 'Customer').apiKeys).toEqual([
      { id: encodeGlobalID('ApiKey', customer.keyId) },
    ]);
  });

  it('lets an admin make a key for a customer', async () => {
    const customer = await createCustomer(app, 'keyless.customer@example.com');
    const result = await createKey({ owner: customer.id, label: 'for the customer' });
    expect(result.userErrors).toEqual([]);
    expect(result.apiKey!.owner).toEqual({ __typename: 'Customer', id: customer.id, name: 'Cu Stomer' });
    expect(ok(await viewerWith(result.secret!)).viewer).toEqual({
      __typename: 'Customer',
      id: customer.id,
      name: 'Cu Stomer',
    });
  });
});

describe('server key safety through the real start path', () => {
  const admin = { email: 'root@example.com', key: 'abcdefabcdef0123456789abcdef0123456789ab' };
  const otherSecretKey = 'ab'.repeat(32);
  const storages: ServerStorage[] = [];
  afterAll(() => Promise.all(storages.map((storage) => storage.remove())));

  const start = (storage: ServerStorage, env: Record<string, string> = {}) => startServer({ storage, admin, env });

  /** Storage a server has started on once (creating the admin, its key and secret.key) and stopped. */
  const startedOnce = async (database: 'migrated' | 'empty' = 'migrated') => {
    const storage = await createServerStorage({ database, prefix: 'helpdesk-keys-' });
    storages.push(storage);
    const first = await start(storage);
    await first.close();
    return storage;
  };

  const viewerOver = async (server: TestServer, headers: Record<string, string>) => {
    const response = await server.graphql(
      graphql('{ viewer { __typename ... on Agent { email } } }'),
      {},
      { key: null, headers },
    );
    return { status: response.status, body: response };
  };

  const keyFile = (storage: ServerStorage) => path.join(storage.dataDir, 'secret.key');

  it('starts, creates the admin and its key, and stops', async () => {
    const storage = await createServerStorage({ prefix: 'helpdesk-keys-' });
    storages.push(storage);
    const running = await start(storage);
    try {
      const first = await viewerOver(running, { authorization: `Bearer ${admin.key}` });
      expect(first.status).toBe(200);
      expect(first.body.data!.viewer).toEqual({ __typename: 'Agent', email: 'root@example.com' });
    } finally {
      await running.close();
    }
    expect((await stat(keyFile(storage))).isFile()).toBe(true);
  });

  // On PostgreSQL a stopped server must not leave a session behind: one that still holds
  // Prisma's migration advisory lock makes the next start wait for it. The first start migrates.
  it.skipIf(testEngine !== 'postgresql')('leaves no PostgreSQL connection open once closed', async () => {
    const storage = await startedOnce('empty');
    const client = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT a.pid, a.state, a.query, l.objid AS advisory_lock FROM pg_stat_activity a
           LEFT JOIN pg_locks l ON l.pid = a.pid AND l.locktype = 'advisory'
          WHERE a.datname = $1`,
        [new URL(storage.databaseUrl!).pathname.slice(1)],
      );
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('refuses to start when secret.key is gone and API keys exist', async () => {
    const storage = await startedOnce();
    await rm(keyFile(storage));
    await expect(start(storage)).rejects.toThrow(/server key is missing/i);
    // Nothing was generated in its place.
    await expect(stat(keyFile(storage))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses to start with a HELPDESK_SECRET_KEY that does not decrypt the stored keys', async () => {
    const storage = await startedOnce();
    const backup = path.join(storage.dataDir, 'secret.key.backup');
    await copyFile(keyFile(storage), backup);
    await rm(keyFile(storage));
    await expect(start(storage, { HELPDESK_SECRET_KEY: otherSecretKey })).rejects.toThrow(/does not decrypt/);
    await expect(stat(keyFile(storage))).rejects.toMatchObject({ code: 'ENOENT' });
    // With the right file back, a wrong HELPDESK_SECRET_KEY still takes precedence and is still refused.
    await copyFile(backup, keyFile(storage));
    await expect(start(storage, { HELPDESK_SECRET_KEY: otherSecretKey })).rejects.toThrow(/does not decrypt/);
  });

  it('starts again with the original secret.key, and the stored key works for Bearer and WSSE', async () => {
    const storage = await startedOnce();
    const running = await start(storage);
    try {
      const bearer = await viewerOver(running, { authorization: `Bearer ${admin.key}` });
      expect(bearer.status).toBe(200);
      expect(bearer.body.data!.viewer).toEqual({ __typename: 'Agent', email: 'root@example.com' });
      // WSSE needs the decrypted key: it works too.
      const viaWsse = await viewerOver(running, wsseHeaders(admin.email, admin.key));
      expect(viaWsse.status).toBe(200);
      expect(viaWsse.body.data!.viewer).toEqual({ __typename: 'Agent', email: 'root@example.com' });
    } finally {
      await running.close();
    }
  });
});
