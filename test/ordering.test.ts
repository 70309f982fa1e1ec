// filter and orderBy on the lists other than tickets (tickets have their own tests).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBranch, createCustomer, createTicket } from './fixtures.ts';
import { graphql } from './graphql.ts';
import { createTestApp, ok, type TestApp } from './helpers.ts';

describe('list filters and ordering', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp();
    await createBranch(app, 'Zulu desk', 'ZED');
    await createBranch(app, 'Alpha support', 'ALP');
    const [b] = ok(await app.gql(graphql('{ branches(filter: {text: "zulu"}) { nodes { id } } }'))).branches!.nodes;
    ok(
      await app.gql(
        graphql('mutation($id: ID!) { updateBranch(input: {id: $id, tags: ["vip"]}) { userErrors { code } } }'),
        {
          id: b!.id,
        },
      ),
    );
    await createCustomer(app, 'b@example.com');
    await createCustomer(app, 'a_percent%@example.com');
    const ticket = await createTicket(app, { branch: b!.id });
    for (const content of ['first', 'second', 'third']) {
      ok(
        await app.gql(
          graphql(
            'mutation($t: String!, $c: String!) { addComment(input: {ticket: {key: $t}, content: $c}) { userErrors { code } } }',
          ),
          { t: ticket.key, c: content },
        ),
      );
    }
  });
  afterAll(() => app?.close());

  it('branches: filter by text and tag, order by key or name', async () => {
    const data = ok(
      await app.gql(
        graphql(`{
        byKey: branches(orderBy: {field: KEY, direction: ASC}) { nodes { key } }
        byNameDesc: branches(orderBy: {field: NAME, direction: DESC}) { nodes { key } }
        text: branches(filter: {text: "ALPHA"}) { totalCount nodes { key } }
        tag: branches(filter: {tag: "vip"}) { totalCount nodes { key } }
        none: branches(filter: {text: "%"}) { totalCount }
      }`),
      ),
    );
    expect(data.byKey!.nodes.map((b) => b.key)).toEqual(['ALP', 'ZED']);
    expect(data.byNameDesc!.nodes.map((b) => b.key)).toEqual(['ZED', 'ALP']);
    expect(data.text).toEqual({ totalCount: 1, nodes: [{ key: 'ALP' }] });
    expect(data.tag).toEqual({ totalCount: 1, nodes: [{ key: 'ZED' }] });
    expect(data.none!.totalCount).toBe(0);
  });

  it('customers and agents: order by email, LIKE wildcards taken literally', async () => {
    const data = ok(
      await app.gql(
        graphql(`{
        asc: customers(orderBy: {field: EMAIL, direction: ASC}) { nodes { email } }
        desc: customers(orderBy: {field: EMAIL, direction: DESC}) { nodes { email } }
        percent: customers(filter: {text: "%"}) { totalCount nodes { email } }
        underscore: customers(filter: {text: "_"}) { totalCount }
        agents(orderBy: {field: FIRST_NAME, direction: ASC}) { totalCount nodes { email } }
      }`),
      ),
    );
    expect(data.asc!.nodes.map((c) => c.email)).toEqual(['a_percent%@example.com', 'b@example.com']);
    expect(data.desc!.nodes.map((c) => c.email)).toEqual(['b@example.com', 'a_percent%@example.com']);
    expect(data.percent).toEqual({ totalCount: 1, nodes: [{ email: 'a_percent%@example.com' }] });
    expect(data.underscore!.totalCount).toBe(1);
    expect(data.agents).toEqual({ totalCount: 1, nodes: [{ email: 'admin@example.com' }] });
  });

  it('comments: newest first on request, and pages stay stable', async () => {
    const data = ok(
      await app.gql(
        graphql(`{
        desc: comments(orderBy: {field: CREATED_AT, direction: DESC}) { nodes { content } }
        page: comments(first: 2, orderBy: {field: CREATED_AT, direction: DESC}) { pageInfo { endCursor hasNextPage } }
      }`),
      ),
    );
    expect(data.desc!.nodes.map((c) => c.content)).toEqual(['third', 'second', 'first']);
    expect(data.page!.pageInfo.hasNextPage).toBe(true);
    const next = ok(
      await app.gql(
        graphql(
          'query($after: String) { comments(first: 2, after: $after, orderBy: {field: CREATED_AT, direction: DESC}) { nodes { content } } }',
        ),
        {
          after: data.page!.pageInfo.endCursor,
        },
      ),
    );
    expect(next.comments!.nodes.map((c) => c.content)).toEqual(['first']);
  });

  it('offset skips items for page-number clients, and must not be negative', async () => {
    const data = ok(
      await app.gql(
        graphql(`{
        all: branches(orderBy: {field: KEY, direction: ASC}) { nodes { key } }
        second: branches(first: 1, offset: 1, orderBy: {field: KEY, direction: ASC}) { totalCount nodes { key } }
        beyond: comments(offset: 50) { totalCount nodes { content } }
      }`),
      ),
    );
    expect(data.second).toEqual({ totalCount: 2, nodes: [data.all!.nodes[1]] });
    expect(data.beyond).toEqual({ totalCount: 3, nodes: [] });
    const negative = await app.gql(graphql('{ branches(offset: -1) { totalCount nodes { key } } }'));
    expect(negative.status).not.toBe(500);
    expect(negative.errors?.[0]?.message).toMatch(/offset/);
  });

  it('an unknown order field is a validation error, not a 500', async () => {
    // Invalid on purpose (no such enum value): the untyped path.
    const response = await app.gql('{ branches(orderBy: {field: COLOR, direction: ASC}) { totalCount } }');
    expect(response.status).not.toBe(500);
    expect(response.errors?.[0]?.message).toMatch(/COLOR/);
  });
});
