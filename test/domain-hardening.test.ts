// Issue 11: concurrent moves, what customers learn about agents (avatar), and account probing
// through watchers and profile updates. Runs on PGlite and, with TEST_DATABASE_URL, PostgreSQL.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { createBranch, createTicket } from './fixtures.ts';
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
      app.gql<any>(
        'mutation($k: String!, $b: ID!) { moveTicket(input: {ticket: {key: $k}, branch: $b}) { ticket { key } userErrors { code field message } } }',
        { k: ticket.key, b: branch },
      );
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => move(i % 2 ? a.id : b.id)));
    const outcomes = answers.map((r) => {
      expect(r.status, JSON.stringify(r.errors)).toBe(200);
      expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
      const payload = r.data.moveTicket;
      if (payload.userErrors.length === 0) return 'moved';
      expect(payload.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: ['ticket'] })]);
      expect(payload.userErrors[0].message).not.toMatch(/unexpected|prisma|select|insert|unique/i);
      return 'conflict';
    });
    const moved = outcomes.filter((o) => o === 'moved').length;
    expect(moved).toBeGreaterThanOrEqual(1);

    const row = await app.db.prisma.ticket.findUniqueOrThrow({ where: { id: ticket.internalId }, include: { branch: true } });
    expect(row.key).toBe(`${row.branch.key}-${row.number}`);
    const aliases = await app.db.prisma.ticketKeyAlias.findMany({ where: { ticketId: ticket.internalId } });
    // One old key per successful move, all distinct, the first one being the original key.
    expect(aliases).toHaveLength(moved);
    expect(aliases.map((x) => x.key)).toContain(ticket.key);
    for (const old of aliases) {
      const found = ok(await app.gql<any>('query($k: String) { ticket(key: $k) { key } }', { k: old.key }));
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
    const prisma = app.db.prisma;
    const customer = await prisma.customer.create({ data: { email: 'reader@example.com', firstName: 'Rea', lastName: 'Der' } });
    customerKey = (await issueApiKey(prisma, app.box, { customerId: customer.id })).secret;
    const branch = await createBranch(app, 'Avatars', 'AVA');
    const ticket = await createTicket(app, { branch: branch.id, reporter: gid('Customer', customer.id) });
    ticketKey = ticket.key;
    const added = await app.gql<any>(
      'mutation($k: String!) { addComment(input: {ticket: {key: $k}, content: "An agent answers"}) { userErrors { message } } }',
      { k: ticket.key },
    );
    expect(ok(added).addComment.userErrors).toEqual([]);
  });
  afterAll(() => app?.close());

  const query = `query($k: String) { ticket(key: $k) { assignee { avatarUrl } comments { nodes { author { ... on Agent { name avatarUrl } } } } } }`;

  it("answers a customer's request for a comment author's avatar without an error, and with null", async () => {
    const response = await app.gql<any>(query, { k: ticketKey }, { key: customerKey });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    expect(response.data.ticket.comments.nodes).toEqual([{ author: { name: 'Ada Admin', avatarUrl: null } }]);
  });

  it('still gives staff the Gravatar URL', async () => {
    const response = ok(await app.gql<any>(query, { k: ticketKey }));
    expect(response.ticket.comments.nodes[0].author.avatarUrl).toMatch(/^https:\/\/www\.gravatar\.com\/avatar\/[0-9a-f]{32}\?d=identicon$/);
  });
});
