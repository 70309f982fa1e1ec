// Errors a client can handle: a bad id or cursor fails the field that got it (with a path and a
// code), never the whole operation; mutations answer NOT_FOUND user errors.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBranch, createTicket } from './fixtures.ts';
import { createTestApp, type TestApp } from './helpers.ts';

describe('bad ids and cursors', () => {
  let app: TestApp;
  let branch: { id: string; key: string };
  let ticket: { id: string; key: string };

  beforeAll(async () => {
    app = await createTestApp();
    branch = await createBranch(app, 'Support', 'SUP');
    ticket = await createTicket(app, { branch: branch.id });
  });
  afterAll(() => app?.close());

  it.each([
    ['malformed', 'not-an-id', /"not-an-id" is not a valid id/],
    ['of another type', 'BRANCH', /is not the id of a Ticket/],
    ['out of the int4 range', encodeGlobalID('Ticket', '99999999999'), /is not a valid id/],
  ])('a %s id in a query nulls that field alone, with a path and BAD_USER_INPUT', async (_, raw, message) => {
    const id = raw === 'BRANCH' ? branch.id : raw;
    const response = await app.gql(
      'query($id: ID) { ticket(id: $id) { key } viewer { name } other: ticket(key: "SUP-1") { key } }',
      { id },
    );
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ ticket: null, viewer: { name: 'Ada Admin' }, other: { key: ticket.key } });
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]).toMatchObject({
      path: ['ticket'],
      extensions: { code: 'BAD_USER_INPUT', argument: 'id' },
    });
    expect(response.errors![0]!.message).toMatch(message);
    // The operation was still costed: the cost report comes back.
    expect((response as { extensions?: { cost?: unknown } }).extensions?.cost).toBeDefined();
  });

  it('a bad id inside a filter names the argument', async () => {
    const response = await app.gql('{ tickets(filter: {branch: "zz"}) { totalCount } viewer { name } }');
    expect(response.data).toEqual({ tickets: null, viewer: { name: 'Ada Admin' } });
    expect(response.errors![0]).toMatchObject({
      path: ['tickets'],
      extensions: { code: 'BAD_USER_INPUT', argument: 'filter.branch' },
    });
  });

  it('node(id:) with a bad id is null with an error; a missing one is null without', async () => {
    const response = await app.gql(
      `{ bad: node(id: "x") { id } unknownType: node(id: "${encodeGlobalID('Nope', 1)}") { id } missing: node(id: "${encodeGlobalID('Ticket', 999)}") { id } }`,
    );
    expect(response.data).toEqual({ bad: null, unknownType: null, missing: null });
    expect(response.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['bad'], 'BAD_USER_INPUT'],
      [['unknownType'], 'BAD_USER_INPUT'],
    ]);
  });

  it('nodes(ids:) gives null for each bad or missing id and loads the others, in order', async () => {
    const ids = ['x', ticket.id, encodeGlobalID('Ticket', 999), encodeGlobalID('Nope', 1), branch.id];
    const response = await app.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids });
    expect(response.data).toEqual({ nodes: [null, { id: ticket.id }, null, null, { id: branch.id }] });
    expect(response.errors!.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['nodes', 0], 'BAD_USER_INPUT'],
      [['nodes', 3], 'BAD_USER_INPUT'],
    ]);
  });

  it.each([
    ['malformed', 'x', /not a valid id/],
    ['of another type', 'BRANCH', /not the id of a Ticket/],
    ['missing', encodeGlobalID('Ticket', 999), /not found/i],
  ])('a %s id in a mutation is a NOT_FOUND user error on its input field', async (_, raw, message) => {
    const id = raw === 'BRANCH' ? branch.id : raw;
    const response = await app.gql(
      'mutation($id: ID!) { updateTicket(input: {ticket: {id: $id}, subject: "New"}) { ticket { key } userErrors { code field message } } }',
      { id },
    );
    expect(response.errors).toBeUndefined();
    const payload = response.data.updateTicket;
    expect(payload.ticket).toBeNull();
    expect(payload.userErrors).toHaveLength(1);
    expect(payload.userErrors[0]).toMatchObject({ code: 'NOT_FOUND' });
    expect(payload.userErrors[0].field[0]).toBe('ticket');
    expect(payload.userErrors[0].message).toMatch(message);
  });

  it('a wrong-type id in a plain id input field is NOT_FOUND on that field, and nothing is created', async () => {
    const before = await app.db.prisma.ticket.count();
    const response = await app.gql(
      'mutation($b: ID!) { createTicket(input: {branch: $b, subject: "s", description: "d"}) { ticket { key } userErrors { code field } } }',
      { b: ticket.id },
    );
    expect(response.data.createTicket).toEqual({
      ticket: null,
      userErrors: [{ code: 'NOT_FOUND', field: ['branch'] }],
    });
    expect(await app.db.prisma.ticket.count()).toBe(before);
  });

  it('a Locale variable that is not a string is BAD_USER_INPUT (graphql-scalars lets `true` through)', async () => {
    const response = await app.gql('query($f: CustomerFilter) { customers(filter: $f) { totalCount } }', {
      f: { language: true },
    });
    expect(response.status).toBe(400);
    expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('an invalid cursor is BAD_USER_INPUT on that list, the rest of the response stands', async () => {
    const response = await app.gql('{ tickets(after: "garbage") { totalCount } viewer { name } }');
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ tickets: null, viewer: { name: 'Ada Admin' } });
    expect(response.errors![0]).toMatchObject({ path: ['tickets'], extensions: { code: 'BAD_USER_INPUT' } });
  });

  it('an invalid cursor of a nested list nulls the nearest nullable parent, with a code', async () => {
    const response = await app.gql(
      `{ ticket(key: "${ticket.key}") { comments(after: "garbage") { totalCount } } viewer { name } }`,
    );
    expect(response.data).toEqual({ ticket: null, viewer: { name: 'Ada Admin' } });
    expect(response.errors![0]).toMatchObject({ path: ['ticket'], extensions: { code: 'BAD_USER_INPUT' } });
  });
});
