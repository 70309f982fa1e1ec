// Fields come back in the order they were requested (GraphQL spec, "Serialized Map Ordering").
//
// The cause of the reordering seen before: yoga executes with @graphql-tools/executor, whose
// `promiseForObject` used to insert each key into the result when its promise settled, so fields
// resolved synchronously (a payload's `userErrors`, a connection's preloaded `nodes`) overtook the
// ones waiting on the database (`ticket`, `totalCount`); graphql-yoga issue #3256. The executor
// now reserves every key in request order before awaiting (2.1.0, in our lock). It is a transitive
// dependency, so this test is what keeps a lock refresh from bringing the bug back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBranch, createTicket } from './fixtures.ts';
import { createTestApp, type TestApp } from './helpers.ts';

/** Every object's keys, depth first, as the client receives them in the JSON text. */
function keyOrder(value: unknown, path = ''): string[] {
  if (Array.isArray(value)) return value.length ? keyOrder(value[0], `${path}[0]`) : [];
  if (!value || typeof value !== 'object') return [];
  const keys = Object.keys(value);
  return [`${path || '.'}: ${keys.join(' ')}`, ...keys.flatMap((k) => keyOrder((value as never)[k], `${path}.${k}`))];
}

async function rawData(app: TestApp, query: string) {
  const response = await app.yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${app.adminKey}` },
    body: JSON.stringify({ query }),
  });
  // JSON.parse keeps the order of the text, so the keys are in the order the server wrote them.
  const body = JSON.parse(await response.text()) as { data: unknown; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data;
}

describe('response field order', () => {
  let app: TestApp;
  let key: string;

  beforeAll(async () => {
    app = await createTestApp();
    const branch = await createBranch(app, 'Order', 'ORD');
    key = (await createTicket(app, { branch: branch.id })).key;
    await app.gql(`mutation { addComment(input: {ticket: {key: "${key}"}, content: "hi"}) { userErrors { code } } }`);
  });
  afterAll(() => app?.close());

  it('a connection: totalCount (a count query) stays before the preloaded nodes, whichever comes first', async () => {
    const data = await rawData(
      app,
      `{ tickets { totalCount nodes { key comments { totalCount nodes { content } pageInfo { hasNextPage } } } pageInfo { endCursor } }
         again: tickets { pageInfo { hasNextPage } nodes { key } totalCount } }`,
    );
    expect(keyOrder(data)).toEqual([
      '.: tickets again',
      '.tickets: totalCount nodes pageInfo',
      '.tickets.nodes[0]: key comments',
      '.tickets.nodes[0].comments: totalCount nodes pageInfo',
      '.tickets.nodes[0].comments.nodes[0]: content',
      '.tickets.nodes[0].comments.pageInfo: hasNextPage',
      '.tickets.pageInfo: endCursor',
      '.again: pageInfo nodes totalCount',
      '.again.pageInfo: hasNextPage',
      '.again.nodes[0]: key',
    ]);
  });

  it('a mutation payload: the object (loaded again) stays before userErrors, and after it when asked so', async () => {
    const data = await rawData(
      app,
      `mutation {
        first: updateTicket(input: {ticket: {key: "${key}"}, subject: "A"}) { ticket { subject key } userErrors { code } }
        second: updateTicket(input: {ticket: {key: "${key}"}, subject: "B"}) { userErrors { code } ticket { key subject } }
      }`,
    );
    expect(keyOrder(data)).toEqual([
      '.: first second',
      '.first: ticket userErrors',
      '.first.ticket: subject key',
      '.second: userErrors ticket',
      '.second.ticket: key subject',
    ]);
  });

  it('fields that need their own query (updatedAt, reporter) keep their place among plain ones', async () => {
    const data = await rawData(
      app,
      `{ ticket(key: "${key}") { updatedAt key reporter { name } watchers { name } subject branch { tickets { totalCount } key } } }`,
    );
    expect(keyOrder(data)).toEqual([
      '.: ticket',
      '.ticket: updatedAt key reporter watchers subject branch',
      '.ticket.reporter: name',
      '.ticket.branch: tickets key',
      '.ticket.branch.tickets: totalCount',
    ]);
  });
});
