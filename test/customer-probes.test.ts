// What an outside attack on the permission code found after it moved into one policy module:
// a customer reaching an agent's ticket list got an internal error, could test whether another
// profile has a channel id, and could read staff-only custom-field definitions from validation
// messages. Each is asked here as the customer would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBranch, createComment, createCustomer, createTicket, type Person } from './fixtures.ts';
import { graphql } from './graphql.ts';
import { createTestApp, ok, type TestApp } from './helpers.ts';

let app: TestApp;
let alice: Person;
let ticketKey: string;

beforeAll(async () => {
  app = await createTestApp();
  const branch = await createBranch(app);
  alice = await createCustomer(app, { withKey: true });
  // Bob, another customer, has a Telegram id Alice may want to test for.
  await createCustomer(app, { input: { channel: 'TELEGRAM', channelExternalId: 'bob-telegram' } });
  const ticket = await createTicket(app, { branch: branch.id, reporter: alice.id });
  ticketKey = ticket.key;
  // The admin answers on Alice's ticket: its author is an agent Alice sees as id and name.
  await createComment(app, { key: ticketKey }, { content: 'We are on it.' });
});
afterAll(() => app?.close());

describe('a customer probing what is not theirs', () => {
  it('gets null, not an internal error, for the ticket list of an agent who answered them', async () => {
    const response = await app.gql(
      graphql(`query($key: String!) {
        ticket(key: $key) { key comments { nodes { author { ... on Agent { name tickets { totalCount } } } } } }
      }`),
      { key: ticketKey },
      { key: alice.key },
    );
    expect(response.errors).toBeUndefined();
    const author = ok(response).ticket!.comments.nodes[0]!.author;
    expect(author).toEqual({ name: expect.any(String), tickets: null });
  });

  it('may not set channel ids on their own profile, so "already used" tells them nothing', async () => {
    const update = graphql(`mutation($input: UpdateCustomerInput!) {
      updateCustomer(input: $input) { customer { id } userErrors { code field } }
    }`);
    for (const [field, value] of [
      ['channelExternalId', 'bob-telegram'],
      ['channelExternalId', 'nobody-has-this'],
      ['customChannel', 'my-crm'],
    ] as const) {
      const payload = ok(await app.gql(update, { input: { id: alice.id, [field]: value } }, { key: alice.key }));
      expect(payload.updateCustomer.userErrors, `${field}=${value}`).toEqual([{ code: 'FORBIDDEN', field: [field] }]);
    }
    // Staff still set them, and hear when one is taken.
    const taken = ok(
      await app.gql(update, { input: { id: alice.id, channel: 'TELEGRAM', channelExternalId: 'bob-telegram' } }),
    );
    expect(taken.updateCustomer.userErrors).toEqual([{ code: 'TAKEN', field: ['channelExternalId'] }]);
  });

  it('may not write custom fields, whose definitions and validation messages are for staff', async () => {
    const defined = ok(
      await app.gql(
        graphql(`mutation { createCustomFieldDefinition(input: { name: "Internal risk score", type: NUMBER }) {
          customFieldDefinition { key } userErrors { code }
        } }`),
      ),
    ).createCustomFieldDefinition;
    expect(defined.userErrors).toEqual([]);
    const update = graphql(`mutation($input: UpdateCustomerInput!) {
      updateCustomer(input: $input) { userErrors { code field message } }
    }`);
    for (const key of [defined.customFieldDefinition!.key, 'cf_999999']) {
      const payload = ok(
        await app.gql(update, { input: { id: alice.id, customFields: { [key]: 'abc' } } }, { key: alice.key }),
      );
      expect(payload.updateCustomer.userErrors, key).toEqual([
        { code: 'FORBIDDEN', field: ['customFields'], message: 'Only agents change customFields.' },
      ]);
    }
  });
});
