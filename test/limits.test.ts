// Per-key rate limits (RateLimit-* headers, 429) and query depth/cost limits (extensions.cost).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../src/auth/api-keys.ts';
import { DEFAULT_LIMITS } from '../src/config.ts';
import { graphql, type ResultOf } from './graphql.ts';
import { createTestApp, type GraphQLResponse, ok, queryText, type TestApp } from './helpers.ts';

const viewerQuery = graphql('{ viewer { __typename } }');

/** What the server reports in extensions.cost. */
interface Cost {
  complexity: number;
  depth: number;
  breadth: number;
  limit: number;
}
const costOf = (response: GraphQLResponse) => response.extensions?.cost as Cost;
const errorCost = (response: GraphQLResponse) => response.errors?.[0]?.extensions?.cost as Cost;

describe('rate limit of 3 requests per minute', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp({ rateLimitPerMinute: 3 });
  });
  afterAll(() => app?.close());

  const request = (key: string) =>
    app.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: queryText(viewerQuery) }),
    });

  it('counts down per key, then answers 429 with Retry-After; another key still gets through', async () => {
    for (const remaining of ['2', '1', '0']) {
      const response = await request(app.adminKey);
      expect(response.status).toBe(200);
      expect(((await response.json()) as GraphQLResponse<ResultOf<typeof viewerQuery>>).data?.viewer?.__typename).toBe(
        'Agent',
      );
      expect(response.headers.get('ratelimit-limit')).toBe('3');
      expect(response.headers.get('ratelimit-remaining')).toBe(remaining);
      expect(Number(response.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
    }

    const refused = await request(app.adminKey);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('content-type')).toMatch(/json/);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    const body = (await refused.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(Object.keys(body)).toEqual(['errors']);
    expect(body.errors[0]!.message).toMatch(/Rate limit exceeded/);
    expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');

    const agent = await app.db.prisma.agent.create({
      data: { email: 'second@example.com', firstName: 'Sam', role: 'AGENT' },
    });
    const { secret } = await issueApiKey(app.db.prisma, app.box, { agentId: agent.id });
    const other = await request(secret);
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('2');
    expect(((await other.json()) as GraphQLResponse<ResultOf<typeof viewerQuery>>).data?.viewer?.__typename).toBe(
      'Agent',
    );

    // The first key stays refused.
    expect((await request(app.adminKey)).status).toBe(429);
  });
});

describe('without a rate limit (the createApp default)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await createTestApp();
  });
  afterAll(() => app?.close());

  it('sends no RateLimit headers and never answers 429', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await app.gql(viewerQuery);
      expect(response.status).toBe(200);
      expect(response.headers.get('ratelimit-limit')).toBeNull();
      expect(response.headers.get('ratelimit-remaining')).toBeNull();
    }
  });

  it('reports the cost of every query in extensions.cost', async () => {
    const response = await app.gql(graphql('{ tickets(first: 10) { nodes { key } } }'));
    expect(ok(response).tickets?.nodes).toEqual([]);
    const cost = costOf(response);
    expect(cost).toMatchObject({
      complexity: expect.any(Number),
      depth: expect.any(Number),
      breadth: expect.any(Number),
      limit: DEFAULT_LIMITS.maxComplexity,
    });
    expect(cost.complexity).toBeGreaterThan(0);
    expect(cost.depth).toBeGreaterThanOrEqual(3);
    // A bigger page costs more.
    const bigger = await app.gql(graphql('{ tickets(first: 50) { nodes { key } } }'));
    expect(costOf(bigger).complexity).toBeGreaterThan(cost.complexity);
  });
});

describe('query cost and depth limits', () => {
  let app: TestApp;
  const limits = { maxComplexity: 50, maxDepth: 4, maxBreadth: 300 };

  beforeAll(async () => {
    app = await createTestApp({ limits });
  });
  afterAll(() => app?.close());

  function expectRefused(response: GraphQLResponse, message: RegExp) {
    expect(response.status).toBeLessThan(500);
    expect(response.data ?? null).toBeNull();
    expect(response.errors).toHaveLength(1);
    expect(response.errors![0]!.message).toMatch(message);
    expect(response.errors![0]!.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(errorCost(response)).toMatchObject({ limit: limits.maxComplexity });
  }

  it('answers a small query and reports its cost against the limit', async () => {
    const response = await app.gql(graphql('{ viewer { __typename name } }'));
    expect(ok(response).viewer).toEqual({ __typename: 'Agent', name: 'Ada Admin' });
    expect(costOf(response).limit).toBe(50);
    expect(costOf(response).complexity).toBeLessThanOrEqual(50);
    expect(costOf(response).depth).toBeLessThanOrEqual(4);
  });

  it('refuses an expensive query before running it', async () => {
    const response = await app.gql(graphql('{ tickets(first: 100) { nodes { key } } }'));
    expectRefused(response, /too expensive/);
    expect(errorCost(response).complexity).toBeGreaterThan(50);
    // A small page of the same list is fine.
    expect(ok(await app.gql(graphql('{ tickets(first: 5) { nodes { key } } }'))).tickets?.nodes).toEqual([]);
  });

  it('refuses an expensive mutation without changing anything', async () => {
    // Depth 4, cost over 50: refused for its cost alone.
    const response = await app.gql(
      graphql('mutation { createBranch(input: { name: "Costly" }) { branch { tickets(first: 100) { totalCount } } } }'),
    );
    expectRefused(response, /too expensive/);
    expect(await app.db.prisma.branch.count({ where: { name: 'Costly' } })).toBe(0);
    // Refused for depth: nothing changes either.
    const deep = await app.gql(
      graphql(
        'mutation { createBranch(input: { name: "Deeply" }) { branch { tickets(first: 1) { nodes { key } } } } }',
      ),
    );
    expectRefused(deep, /too deep/);
    expect(await app.db.prisma.branch.count({ where: { name: 'Deeply' } })).toBe(0);
    // The same mutation within the limits runs.
    const cheap = ok(
      await app.gql(
        graphql('mutation { createBranch(input: { name: "Cheap" }) { branch { key } userErrors { code } } }'),
      ),
    );
    expect(cheap.createBranch).toEqual({ branch: { key: expect.stringMatching(/^[A-Z]+$/) }, userErrors: [] });
    expect(await app.db.prisma.branch.count({ where: { name: 'Cheap' } })).toBe(1);
  });

  it('refuses a query deeper than 4 and answers one of depth 4', async () => {
    const response = await app.gql(
      graphql('{ tickets(first: 1) { nodes { branch { tickets(first: 1) { nodes { key } } } } } }'),
    );
    expectRefused(response, /too deep/);
    expect(errorCost(response).depth).toBeGreaterThan(4);
    const five = await app.gql(
      graphql('{ tickets(first: 1) { nodes { branch { tickets(first: 1) { totalCount } } } } }'),
    );
    expectRefused(five, /too deep: depth 5, at most 4/);
    const four = await app.gql(graphql('{ tickets(first: 1) { nodes { branch { key } } } }'));
    expect(ok(four).tickets?.nodes).toEqual([]);
    expect(costOf(four).depth).toBe(4);
  });
});
