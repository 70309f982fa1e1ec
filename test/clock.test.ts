// Every time a domain rule writes comes from the app's clock (src/clock.ts), so a test can pin
// it: here a clock stopped in 2020, far from the wall clock, and moved by hand between steps.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, createBranch, createComment, createTicket } from './fixtures.ts';
import { createTestApp, ok, type TestApp, testClock } from './helpers.ts';

const START = Date.parse('2020-02-03T04:05:06.000Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(START + hours * HOUR).toISOString();

describe('the injected clock dates what the domain writes', () => {
  const clock = testClock(START);
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ now: clock });
  });
  afterAll(() => app?.close());

  const updatedAt = async (id: string) =>
    ok(await app.gql<any>('query($id: ID!) { node(id: $id) { ... on Ticket { createdAt updatedAt } } }', { id })).node;

  it('tickets: created, changed, moved, commented on and a comment deleted', async () => {
    clock.set(START);
    const branch = await createBranch(app);
    const other = await createBranch(app);
    const ticket = await createTicket(app, { branch: branch.id });
    expect(await updatedAt(ticket.id)).toEqual({ createdAt: at(0), updatedAt: at(0) });

    clock.set(START + HOUR);
    const update = 'mutation($input: UpdateTicketInput!) { updateTicket(input: $input) { userErrors { code } } }';
    expect(
      ok(await app.gql<any>(update, { input: { ticket: { id: ticket.id }, subject: 'Changed' } })).updateTicket,
    ).toEqual({ userErrors: [] });
    expect((await updatedAt(ticket.id)).updatedAt).toBe(at(1));

    clock.set(START + 2 * HOUR);
    const move = 'mutation($input: MoveTicketInput!) { moveTicket(input: $input) { userErrors { code } } }';
    expect(ok(await app.gql<any>(move, { input: { ticket: { id: ticket.id }, branch: other.id } })).moveTicket).toEqual(
      { userErrors: [] },
    );
    expect((await updatedAt(ticket.id)).updatedAt).toBe(at(2));

    clock.set(START + 3 * HOUR);
    const comment = await createComment(app, { id: ticket.id });
    expect((await updatedAt(ticket.id)).updatedAt).toBe(at(3));

    clock.set(START + 4 * HOUR);
    const remove = 'mutation($id: ID!) { deleteComment(input: { id: $id }) { userErrors { code } } }';
    expect(ok(await app.gql<any>(remove, { id: comment.id })).deleteComment).toEqual({ userErrors: [] });
    expect((await updatedAt(ticket.id)).updatedAt).toBe(at(4));
  });

  it('API keys: revokedAt', async () => {
    clock.set(START + 5 * HOUR);
    const made = ok(
      await app.gql<any>('mutation { createApiKey(input: { label: "clock" }) { apiKey { id createdAt } } }'),
    ).createApiKey.apiKey;
    const revoke =
      'mutation($id: ID!) { revokeApiKey(input: { id: $id }) { apiKey { revokedAt } userErrors { code } } }';
    expect(ok(await app.gql<any>(revoke, { id: made.id })).revokeApiKey).toEqual({
      apiKey: { revokedAt: at(5) },
      userErrors: [],
    });
  });

  it("agents: a deleted agent's deletedAt", async () => {
    clock.set(START + 6 * HOUR);
    const agent = await createAgent(app);
    const update =
      'mutation($input: UpdateAgentInput!) { updateAgent(input: $input) { agent { deletedAt } userErrors { code } } }';
    expect(ok(await app.gql<any>(update, { input: { id: agent.id, state: 'DELETED' } })).updateAgent).toEqual({
      agent: { deletedAt: at(6) },
      userErrors: [],
    });
  });
});
