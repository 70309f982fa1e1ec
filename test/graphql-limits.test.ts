// Bounds on GraphQL input (issue 11): no single request may hold the service, and every bad input is
// a client error with a code, never "Unexpected error." or a 5xx. Through yoga.fetch into the real
// schema on a real database, and the malformed-request cases through a real socket too.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  type GraphQLInputType,
  getIntrospectionQuery,
  getNamedType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { schema } from '../src/schema/index.ts';
import { SEARCH_TEXT_MAX } from '../src/schema/input-limits.ts';
import { createHttpServer } from '../src/server.ts';
import { createBranch, createCustomer, createTicket } from './fixtures.ts';
import { createTestApp, type GraphQLResponse, ok, type TestApp } from './helpers.ts';

let app: TestApp;
let branchId: string;

beforeAll(async () => {
  app = await createTestApp();
  branchId = (await createBranch(app, 'Support', 'SUP')).id;
  await createTicket(app, { branch: branchId, subject: 'Printer on fire', description: 'Paper tray 2 is smoking.' });
  await createCustomer(app, 'cu@example.com');
});
afterAll(() => app?.close());

/** Posts a raw body (a string, so it can hold what JSON.stringify would refuse to build). */
async function post(body: string, key: string | null = app.adminKey): Promise<GraphQLResponse<any> & { text: string }> {
  const response = await app.yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, ...JSON.parse(text) };
}

/** A client error: 4xx, or a GraphQL error with a code other than INTERNAL_SERVER_ERROR; no data. */
function expectRefused(response: GraphQLResponse, code: string, message?: RegExp) {
  expect(response.status).toBeLessThan(500);
  expect(response.errors, JSON.stringify(response)).toBeDefined();
  expect(response.errors![0]!.extensions?.code).toBe(code);
  expect(response.errors![0]!.message).not.toMatch(/Unexpected error/);
  if (message) expect(response.errors![0]!.message).toMatch(message);
  expect(response.data ?? null).toBeNull();
}

describe('string arguments are bounded', () => {
  it('refuses a 1M-character searchTickets query in milliseconds, naming the argument', async () => {
    const started = performance.now();
    const response = await app.gql('query($q: String!) { searchTickets(query: $q) { totalCount } }', {
      q: 'x'.repeat(1_000_000),
    });
    const elapsed = performance.now() - started;
    expectRefused(
      response,
      'BAD_USER_INPUT',
      /Argument "query" of "Query.searchTickets" is too long: 1000000 characters, at most 200/,
    );
    expect(elapsed).toBeLessThan(1000);
  });

  it('refuses an over-long inline search literal too, and accepts one at the limit', async () => {
    const over = await app.gql(`{ searchTickets(query: "${'x'.repeat(SEARCH_TEXT_MAX + 1)}") { totalCount } }`);
    expectRefused(over, 'BAD_USER_INPUT', /at most 200/);
    const at = await app.gql('query($q: String!) { searchTickets(query: $q) { totalCount } }', {
      q: 'x'.repeat(SEARCH_TEXT_MAX),
    });
    expect(ok<any>(at).searchTickets.totalCount).toBe(0);
    // The fuzz tests in this file may change or delete any ticket: search for one made here.
    await createTicket(app, { branch: branchId, subject: 'Kettle descaler overdue' });
    const found = ok<any>(await app.gql('{ searchTickets(query: "descaler") { nodes { subject } } }'));
    expect(found.searchTickets.nodes).toEqual([{ subject: 'Kettle descaler overdue' }]);
  });

  it.each([
    ['tickets', 'TicketFilter', 'filter.text'],
    ['agents', 'AgentFilter', 'filter.text'],
    ['customers', 'CustomerFilter', 'filter.text'],
    ['branches', 'BranchFilter', 'filter.text'],
  ])('refuses a %s text filter over 200 characters with the field path', async (field, type, path) => {
    const query = `query($f: ${type}) { ${field}(filter: $f) { totalCount } }`;
    const over = await app.gql(query, { f: { text: 'y'.repeat(201) } });
    expectRefused(
      over,
      'BAD_USER_INPUT',
      new RegExp(`Argument "${path}" of "Query.${field}" is too long: 201 characters`),
    );
    expect(ok<any>(await app.gql(query, { f: { text: 'y'.repeat(200) } }))[field].totalCount).toBe(0);
  });

  it('bounds lookups by key: a 1 MB ticket key is refused before any query', async () => {
    const response = await app.gql('query($k: String) { ticket(key: $k) { id } }', { k: 'K'.repeat(1_000_000) });
    expectRefused(response, 'BAD_USER_INPUT', /Argument "key" of "Query.ticket" is too long/);
  });

  it('bounds strings of mutations that have no domain rule (identification code details)', async () => {
    const response = await app.gql(
      'mutation($input: GenerateIdentificationCodeInput!) { generateIdentificationCode(input: $input) { code } }',
      { input: { phone: '1'.repeat(51) } },
    );
    expectRefused(
      response,
      'BAD_USER_INPUT',
      /Argument "input.phone" of "Mutation.generateIdentificationCode" is too long: 51 characters, at most 50/,
    );
  });

  it('keeps the TOO_LONG user errors of fields with a domain rule, and refuses any string over 1 Mi characters', async () => {
    const mutation =
      'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } userErrors { code field } } }';
    const tooLong = ok<any>(
      await app.gql(mutation, { input: { branch: branchId, subject: 's'.repeat(256), description: 'd' } }),
    );
    expect(tooLong.createTicket.userErrors).toEqual([{ code: 'TOO_LONG', field: ['subject'] }]);
    const huge = await app.gql(mutation, {
      input: { branch: branchId, subject: 's', description: 'd'.repeat(1024 * 1024 + 1) },
    });
    expectRefused(huge, 'BAD_USER_INPUT', /Argument "input.description" of "Mutation.createTicket" is too long/);
  });

  it('bounds custom field JSON: keys, nesting and string values', async () => {
    const query = 'query($f: CustomerFilter) { customers(filter: $f) { totalCount } }';
    let nested: unknown = 'x';
    for (let i = 0; i < 10; i++) nested = { a: nested };
    expectRefused(
      await app.gql(query, { f: { customField: { key: 'cf_1', value: nested } } }),
      'BAD_USER_INPUT',
      /nested too deeply/,
    );
    expectRefused(
      await app.gql(
        'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { userErrors { code } } }',
        {
          input: {
            email: 'json@example.com',
            firstName: 'J',
            customFields: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`cf_${i}`, 1])),
          },
        },
      ),
      'BAD_USER_INPUT',
      /has 101 keys, at most 100/,
    );
  });

  /** Input fields whose length a domain rule checks (TOO_LONG or INVALID user errors before any write). */
  const domainChecked = new Set([
    'AddCommentInput.content',
    'UpdateCommentInput.content',
    'Base64FileInput.filename',
    'CreateAgentInput.firstName',
    'CreateAgentInput.lastName',
    'UpdateAgentInput.firstName',
    'UpdateAgentInput.lastName',
    'CreateAgentInput.username',
    'UpdateAgentInput.username',
    'CreateApiKeyInput.label',
    'CreateBranchInput.name',
    'CreateBranchInput.key',
    'CreateBranchInput.tags',
    'UpdateBranchInput.name',
    'UpdateBranchInput.key',
    'UpdateBranchInput.tags',
    'CreateCustomFieldDefinitionInput.name',
    'CreateTicketInput.subject',
    'CreateTicketInput.description',
    'CreateTicketInput.tags',
    'UpdateTicketInput.subject',
    'UpdateTicketInput.description',
    'UpdateTicketInput.tags',
    // TOO_LONG user errors from src/domain/webhooks.ts (test/webhooks.test.ts).
    ...['CreateWebhookInput', 'UpdateWebhookInput'].flatMap((type) => [`${type}.url`, `${type}.description`]),
    ...['CreateCustomerInput', 'UpdateCustomerInput'].flatMap((type) =>
      [
        'channelExternalId',
        'companyName',
        'companyPosition',
        'customChannel',
        'customId',
        'firstName',
        'fullName',
        'lastName',
        'note',
        'phone',
        'whatsappPhone',
      ].map((field) => `${type}.${field}`),
    ),
  ]);

  it('declares a bound for every String argument and input field (or a domain rule checks it)', () => {
    const unbounded: string[] = [];
    const check = (coordinate: string, type: GraphQLInputType, extensions: Record<string, unknown>) => {
      const named = getNamedType(type);
      if (!isScalarType(named) || named.name !== 'String') return;
      if (extensions.maxLength === undefined && !domainChecked.has(coordinate)) unbounded.push(coordinate);
    };
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      if (isInputObjectType(type))
        for (const field of Object.values(type.getFields()))
          check(`${type.name}.${field.name}`, field.type, field.extensions);
      if (isObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          for (const arg of field.args) {
            // Relay cursors are checked by the connection plugin; their length is capped by the safety net.
            if (arg.name === 'after' || arg.name === 'before') continue;
            check(`${type.name}.${field.name}(${arg.name})`, arg.type, arg.extensions);
          }
        }
      }
    }
    expect(unbounded).toEqual([]);
  });
});

describe('nodes(ids:)', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`Ticket:${i + 1}`).toString('base64'));
  const query = 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }';

  it('refuses more than 100 ids with BAD_USER_INPUT', async () => {
    const started = performance.now();
    expectRefused(
      await app.gql(query, { ids: ids(10_000) }),
      'BAD_USER_INPUT',
      /Argument "ids" of "Query.nodes" has 10000 items, at most 100/,
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expectRefused(await app.gql(query, { ids: ids(101) }), 'BAD_USER_INPUT', /has 101 items/);
  });

  it('counts each id in the cost', async () => {
    const response = (await app.gql(query, { ids: ids(100) })) as any;
    expect(ok<any>(response).nodes).toHaveLength(100);
    expect(response.extensions.cost.complexity).toBeGreaterThanOrEqual(100);
  });
});

describe('anonymous introspection', () => {
  const anonymous = (query: string) => post(JSON.stringify({ query }), null);

  it("answers GraphiQL's introspection query without credentials", async () => {
    for (const options of [
      {},
      {
        descriptions: true,
        specifiedByUrl: true,
        directiveIsRepeatable: true,
        schemaDescription: true,
        inputValueDeprecation: true,
        oneOf: true,
      },
    ]) {
      const response = await anonymous(getIntrospectionQuery(options));
      expect(response.status).toBe(200);
      expect(response.errors).toBeUndefined();
      expect(response.data.__schema.types.length).toBeGreaterThan(50);
    }
  });

  it('refuses nested introspection that multiplies the schema (a 15 MB answer before)', async () => {
    // graphql-js's own rule stops `fields { type { fields ...` chains; args lists nest past it.
    const nested = `{ __schema { types { fields { args { type { fields { args { type { name } } } } } } } } }`;
    const response = await anonymous(nested);
    expectRefused(response, 'QUERY_TOO_COMPLEX', /Introspection lists may nest at most 3 deep/);
    expect(response.text.length).toBeLessThan(2000);
    const chained = `{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }`;
    expectRefused(await anonymous(chained), 'GRAPHQL_VALIDATION_FAILED', /Maximum introspection depth exceeded/);
  });

  it('refuses introspection repeated with aliases', async () => {
    const aliased = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: __schema { types { name fields { name } } }`).join(' ')} }`;
    const response = await anonymous(aliased);
    expectRefused(response, 'QUERY_TOO_COMPLEX', /at most 1 "__schema"/);
    expect(response.text.length).toBeLessThan(2000);
    const inner = `{ __schema { ${Array.from({ length: 20 }, (_, i) => `t${i}: types { fields { name } }`).join(' ')} } }`;
    expectRefused(await anonymous(inner), 'QUERY_TOO_COMPLEX', /at most 5 aliases/);
  });

  it('still answers small introspection and __typename', async () => {
    expect((await anonymous('{ __typename __type(name: "Ticket") { name fields { name } } }')).data.__type.name).toBe(
      'Ticket',
    );
  });
});

describe('document size and nesting, before validation (authenticated callers too)', () => {
  it('refuses 3,000 nested selections with a code', async () => {
    const response = await post(JSON.stringify({ query: `{${'a{'.repeat(3000)}b${'}'.repeat(3001)}` }));
    expectRefused(response, 'QUERY_TOO_COMPLEX', /nested more than 40 levels/);
    expect(response.status).toBe(400);
  });

  it('refuses deeply nested values inline and in variables', async () => {
    const inline = `{ tickets(filter: ${'{a:'.repeat(3000)}1${'}'.repeat(3000)}) { totalCount } }`;
    expectRefused(await post(JSON.stringify({ query: inline })), 'QUERY_TOO_COMPLEX', /nested more than 40 levels/);
    const list = `{ tickets(filter: { status: ${'['.repeat(3000)}OPEN${']'.repeat(3000)} }) { totalCount } }`;
    expectRefused(await post(JSON.stringify({ query: list })), 'QUERY_TOO_COMPLEX');
    const deepVariable = `${'['.repeat(100_000)}"OPEN"${']'.repeat(100_000)}`;
    const response = await post(
      `{"query":"query($f: TicketFilter) { tickets(filter: $f) { totalCount } }","variables":{"f":{"status":${deepVariable}}}}`,
    );
    expectRefused(response, 'BAD_USER_INPUT', /nested too deeply/);
    const deepJson = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
    const json = await post(
      `{"query":"query($f: CustomerFilter) { customers(filter: $f) { totalCount } }","variables":{"f":{"customField":{"key":"cf_1","value":${deepJson}}}}}`,
    );
    expectRefused(json, 'BAD_USER_INPUT', /nested too deeply/);
  });

  it('refuses unknown input fields in one error, before coercion prints the value once per field', async () => {
    // graphql-js put the whole value into the error of each unknown field: 10,000 of them in a
    // 200 KB variable held the process for over a minute (fuzz seed 604185986).
    const input: Record<string, unknown> = { ticket: { key: 'SUP-1' }, watcherEmail: 'a@example.com' };
    for (let i = 0; i < 10_000; i++) input[`k${i}`] = 'v';
    const response = await post(
      JSON.stringify({
        query: 'mutation($input: AddWatcherInput!) { addWatcher(input: $input) { userErrors { message } } }',
        variables: { input },
      }),
    );
    expectRefused(response, 'BAD_USER_INPUT', /AddWatcherInput does not define: "k0", "k1", "k2" and 9997 more/);
    expect(response.errors).toHaveLength(1);
    const nested = await post(
      JSON.stringify({
        query: 'query($f: TicketFilter) { tickets(filter: $f) { totalCount } }',
        variables: { f: { status: ['OPEN'], extra: 1 } },
      }),
    );
    expectRefused(nested, 'BAD_USER_INPUT', /TicketFilter does not define: "extra"/);
  });

  it('refuses too many tokens, aliases or directives', async () => {
    expectRefused(
      await post(JSON.stringify({ query: `{ ${'__typename '.repeat(6000)}}` })),
      'QUERY_TOO_COMPLEX',
      /more than 5000 tokens/,
    );
    const aliases = `{ ${Array.from({ length: 101 }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expectRefused(await post(JSON.stringify({ query: aliases })), 'QUERY_TOO_COMPLEX', /101 aliases, at most 100/);
    const directives = `{ __typename ${'@include(if: true) '.repeat(51)}}`;
    expectRefused(await post(JSON.stringify({ query: directives })), 'QUERY_TOO_COMPLEX', /51 directives, at most 50/);
  });
});

describe('text PostgreSQL cannot store', () => {
  const search = 'query($q: String!) { searchTickets(query: $q) { totalCount } }';

  it('refuses NUL in a variable and in a literal with BAD_USER_INPUT', async () => {
    expectRefused(await app.gql(search, { q: 'a\u0000b' }), 'BAD_USER_INPUT', /contains a NUL character/);
    expectRefused(await app.gql('{ searchTickets(query: "a\\u0000b") { totalCount } }'), 'BAD_USER_INPUT', /NUL/);
    const created = await app.gql(
      'mutation($input: CreateTicketInput!) { createTicket(input: $input) { ticket { id } } }',
      {
        input: { branch: branchId, subject: 'ok', description: 'nul \u0000 inside' },
      },
    );
    expectRefused(
      created,
      'BAD_USER_INPUT',
      /Argument "input.description" of "Mutation.createTicket" contains a NUL character/,
    );
  });

  it('refuses lone surrogates in variables (and in literals, as a syntax error)', async () => {
    const response = await post(
      '{"query":"query($q: String!) { searchTickets(query: $q) { totalCount } }","variables":{"q":"a\\ud800b"}}',
    );
    expectRefused(response, 'BAD_USER_INPUT', /lone UTF-16 surrogate/);
    const trailing = await post(
      '{"query":"query($q: String!) { searchTickets(query: $q) { totalCount } }","variables":{"q":"\\udc00"}}',
    );
    expectRefused(trailing, 'BAD_USER_INPUT', /lone UTF-16 surrogate/);
    expectRefused(
      await post(JSON.stringify({ query: '{ searchTickets(query: "a\\ud800b") { totalCount } }' })),
      'GRAPHQL_PARSE_FAILED',
    );
    // A well-formed pair is fine.
    expect(ok<any>(await app.gql(search, { q: '🔥' })).searchTickets.totalCount).toBe(0);
  });

  it('refuses NUL in custom field keys and values', async () => {
    const response = await app.gql('query($f: CustomerFilter) { customers(filter: $f) { totalCount } }', {
      f: { customField: { key: 'cf_1', value: 'a\u0000' } },
    });
    expectRefused(response, 'BAD_USER_INPUT', /NUL/);
  });
});

describe('malformed requests are 400 with a code', () => {
  const cases: [string, string, RequestInit][] = [
    ['GET with invalid variables JSON', '/graphql?query={__typename}&variables={bad', {}],
    ['GET with invalid extensions JSON', '/graphql?query={__typename}&extensions={bad', {}],
    ['GET with variables that are not an object', '/graphql?query={__typename}&variables=[1]', {}],
  ];
  const multipart = (body: string, boundary = 'XX'): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
  });
  const part = (name: string, value: string, boundary = 'XX') =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const file = (name: string) =>
    `--XX\r\nContent-Disposition: form-data; name="${name}"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n`;
  const upload =
    '{"query":"mutation($f: [File!]) { addAttachments(input: {files: $f}) { userErrors { message } } }","variables":{"f":[null]}}';
  cases.push(
    [
      'multipart with a broken boundary',
      '/graphql',
      multipart(`${part('operations', '{"query":"{__typename}"}', 'YY')}--YY--\r\n`),
    ],
    [
      'multipart without a boundary',
      '/graphql',
      { ...multipart('abc'), headers: { 'content-type': 'multipart/form-data' } },
    ],
    [
      'multipart cut short',
      '/graphql',
      multipart('--XX\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{__ty'),
    ],
    ['multipart without operations', '/graphql', multipart(`${part('map', '{}')}--XX--\r\n`)],
    ['multipart with invalid operations JSON', '/graphql', multipart(`${part('operations', '{bad')}--XX--\r\n`)],
    [
      'multipart with operations that are not an object',
      '/graphql',
      multipart(`${part('operations', '"x"')}--XX--\r\n`),
    ],
    [
      'multipart with invalid map JSON',
      '/graphql',
      multipart(`${part('operations', upload)}${part('map', '{bad')}--XX--\r\n`),
    ],
    [
      'multipart with a map that is not an object',
      '/graphql',
      multipart(`${part('operations', upload)}${part('map', '[1]')}--XX--\r\n`),
    ],
    [
      'multipart with a map entry that is not a list',
      '/graphql',
      multipart(`${part('operations', upload)}${file('0')}${part('map', '{"0":5}')}--XX--\r\n`),
    ],
    [
      'multipart with a map naming a missing file',
      '/graphql',
      multipart(`${part('operations', upload)}${part('map', '{"0":["variables.f.0"]}')}--XX--\r\n`),
    ],
    [
      'multipart with a map path outside the variables',
      '/graphql',
      multipart(`${part('operations', upload)}${file('0')}${part('map', '{"0":["query"]}')}--XX--\r\n`),
    ],
    [
      'multipart with a map path to __proto__',
      '/graphql',
      multipart(`${part('operations', upload)}${file('0')}${part('map', '{"0":["variables.__proto__.x"]}')}--XX--\r\n`),
    ],
  );

  const check = async (response: Response) => {
    const text = await response.text();
    expect(response.status, text).toBe(400);
    const body = JSON.parse(text);
    expect(body.errors[0].extensions.code).toBe('BAD_REQUEST');
    expect(text).not.toMatch(/Unexpected error|at \w+ \(|node_modules/);
  };

  it.each(cases)('%s (yoga.fetch)', async (_name, path, init) => {
    // A real client's preflight header, so these reach the parser instead of the CSRF rule.
    const headers = {
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${app.adminKey}`,
      'graphql-preflight': '1',
      ...(init.headers as object),
    };
    await check(await app.yoga.fetch(`http://localhost${path}`, { ...init, headers }));
  });

  describe('over a real socket', () => {
    let base: string;
    let server: ReturnType<typeof createHttpServer>;
    beforeAll(async () => {
      server = createHttpServer({ ...app.app, db: app.db, logger: createLogger('silent') });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it.each(cases)('%s', async (_name, path, init) => {
      await check(
        await fetch(`${base}${path}`, {
          ...init,
          headers: { authorization: `Bearer ${app.adminKey}`, 'graphql-preflight': '1', ...(init.headers as object) },
        }),
      );
    });

    it('still uploads a well-formed multipart request', async () => {
      // Its own ticket: the fuzzed inputs may move or delete the seeded one first.
      const { key } = await createTicket(app, { branch: branchId, subject: 'Upload target' });
      const operations = JSON.stringify({
        query:
          'mutation($f: [File!], $key: String!) { addAttachments(input: { ticket: { key: $key }, files: $f }) { attachments { filename } userErrors { message } } }',
        variables: { f: [null], key },
      });
      const body = `${part('operations', operations)}${part('map', '{"0":["variables.f.0"]}')}${file('0')}--XX--\r\n`;
      const response = await fetch(`${base}/graphql`, {
        ...multipart(body),
        headers: {
          authorization: `Bearer ${app.adminKey}`,
          'apollo-require-preflight': 'true',
          'content-type': 'multipart/form-data; boundary=XX',
        },
      });
      const result = (await response.json()) as any;
      expect(result.data.addAttachments).toEqual({ attachments: [{ filename: 'a.txt' }], userErrors: [] });
    });
  });
});

describe('fuzzed GraphQL inputs (fixed seed)', () => {
  /** mulberry32: a small deterministic generator, so a failure replays. */
  function random(seed: number) {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  // FUZZ_SEED and FUZZ_RUNS replay or widen a run.
  const seed = Number(process.env.FUZZ_SEED ?? 11);
  const runs = Number(process.env.FUZZ_RUNS ?? 300);
  let rnd = random(seed);
  // Each run starts the generator from the seed, on an app of its own with the file's fixture: its
  // inputs are the same whichever tests ran before it (CI shuffles them), and what its random
  // mutations change or delete (any ticket, branch or agent, the admin too) is nobody else's.
  let fuzzApp: TestApp | undefined;
  let fuzzBranchId = '';
  async function fuzzing() {
    rnd = random(seed);
    await fuzzApp?.close();
    fuzzApp = await createTestApp();
    fuzzBranchId = (await createBranch(fuzzApp, 'Support', 'SUP')).id;
    await createTicket(fuzzApp, {
      branch: fuzzBranchId,
      subject: 'Printer on fire',
      description: 'Paper tray 2 is smoking.',
    });
    await createCustomer(fuzzApp, 'cu@example.com');
    return fuzzApp;
  }
  const pick = <T>(items: readonly T[]) => items[Math.floor(rnd() * items.length)]!;
  const strings = [
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff',
    'x'.repeat(70_000),
    '%',
    '_',
    '\\',
    "'",
    '"',
    '🔥',
    '\u202e',
    'SUP-1',
    'null',
    '1e400',
    'VGlja2V0OjE=',
  ];
  const values = [
    ...strings,
    0,
    -1,
    2 ** 31,
    2 ** 53,
    // biome-ignore lint/correctness/noPrecisionLoss: Infinity as a JSON number, on purpose
    1e400,
    -0,
    1.5,
    true,
    false,
    null,
    [],
    {},
    [null],
    { a: 1 },
    ['OPEN'],
    [1, 2, 3],
  ];

  const operations: [string, () => Record<string, unknown>][] = [
    ['query($q: String!) { searchTickets(query: $q, first: 5) { totalCount } }', () => ({ q: pick(values) })],
    [
      'query($f: TicketFilter, $o: Int) { tickets(filter: $f, offset: $o) { totalCount } }',
      () => ({
        f: { text: pick(values), tag: pick(values), status: pick(values), createdAfter: pick(values) },
        o: pick(values),
      }),
    ],
    [
      'query($k: String, $i: ID) { ticket(key: $k, id: $i) { id } }',
      () => (rnd() < 0.5 ? { k: pick(values) } : { i: pick(values) }),
    ],
    ['query($ids: [ID!]!) { nodes(ids: $ids) { id } }', () => ({ ids: pick(values) })],
    [
      'query($f: CustomerFilter) { customers(filter: $f) { totalCount } }',
      () => ({
        f: { text: pick(values), language: pick(values), customField: { key: pick(values), value: pick(values) } },
      }),
    ],
    ['query($e: EmailAddress) { agent(email: $e) { id } }', () => ({ e: pick(values) })],
    [
      'query($n: Int, $a: String) { tickets(first: $n, after: $a) { totalCount } }',
      () => ({ n: pick(values), a: pick(values) }),
    ],
    [
      'mutation($input: CreateTicketInput!) { createTicket(input: $input) { userErrors { code } } }',
      () => ({
        input: {
          branch: rnd() < 0.5 ? fuzzBranchId : pick(values),
          subject: pick(values),
          description: pick(values),
          tags: pick(values),
          priority: pick(values),
        },
      }),
    ],
    [
      'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { userErrors { code } } }',
      () => ({
        input: {
          email: pick(values),
          firstName: pick(values),
          phone: pick(values),
          language: pick(values),
          customFields: pick(values),
          thumbnailUrl: pick(values),
        },
      }),
    ],
    [
      'mutation($input: CreateBranchInput!) { createBranch(input: $input) { userErrors { code } } }',
      () => ({
        input: {
          name: pick(values),
          key: pick(values),
          description: pick(values),
          logoUrl: pick(values),
          tags: pick(values),
        },
      }),
    ],
  ];

  /** A random value for an input type: mostly well-typed (with real ids), sometimes anything. */
  const knownIds: string[] = [];
  function valueFor(type: GraphQLInputType, depth = 0): unknown {
    if (rnd() < 0.15 || depth > 4) return pick(values);
    if (isNonNullType(type)) return valueFor(type.ofType, depth);
    if (isListType(type)) return Array.from({ length: Math.floor(rnd() * 3) }, () => valueFor(type.ofType, depth + 1));
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      if (type.isOneOf) {
        const field = pick(fields);
        return { [field.name]: valueFor(field.type, depth + 1) };
      }
      return Object.fromEntries(fields.filter(() => rnd() < 0.6).map((f) => [f.name, valueFor(f.type, depth + 1)]));
    }
    const named = getNamedType(type);
    if ('getValues' in named) return pick(named.getValues()).name;
    switch (named.name) {
      case 'ID':
        return rnd() < 0.7 && knownIds.length ? pick(knownIds) : pick(strings);
      case 'Int':
        return pick([0, 1, 5, 100, -1, 2 ** 31, 1.5]);
      case 'Boolean':
        return rnd() < 0.5;
      case 'EmailAddress':
        return pick(['a@example.com', 'cu@example.com', 'admin@example.com', 'x'.repeat(300), 'a\u0000@b.c']);
      case 'DateTime':
        return pick([
          '2020-01-01T00:00:00Z',
          '9999-12-31T23:59:59Z',
          '0000-01-01T00:00:00Z',
          'yesterday',
          '2020-13-45T99:99:99Z',
        ]);
      case 'JSON':
      case 'JSONObject':
        return pick([{ cf_1: 'x' }, { cf_1: 1e308 }, {}, { 'a.b': [1] }, 'text', 1]);
      default:
        return pick(strings);
    }
  }
  const rootFields = [schema.getQueryType()!, schema.getMutationType()!].flatMap((root) =>
    Object.values(root.getFields())
      .filter((field) => field.args.length > 0)
      .map((field) => ({ root: root === schema.getQueryType() ? 'query' : 'mutation', field })),
  );

  const outcomes = new Map<string, number>();
  afterAll(async () => {
    await fuzzApp?.close();
    if (process.env.FUZZ_STATS)
      console.log(
        [...outcomes]
          .sort()
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n'),
      );
  });
  it(`never answers "Unexpected error." or a 5xx or an error without a code, for any root field with random arguments (seed ${seed})`, async () => {
    const app = await fuzzing();
    knownIds.length = 0;
    const found = ok<any>(
      await app.gql(
        '{ tickets { nodes { id } } customers { nodes { id } } branches { nodes { id } } agents { nodes { id } } }',
      ),
    );
    for (const list of Object.values(found) as { nodes: { id: string }[] }[])
      knownIds.push(...list.nodes.map((n) => n.id));
    const failures: string[] = [];
    for (let i = 0; i < runs; i++) {
      const { root, field } = pick(rootFields);
      const definitions = field.args.map((a) => `$${a.name}: ${a.type}`).join(', ');
      const passed = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
      const selection = isScalarType(getNamedType(field.type)) ? '' : ' { __typename }';
      const query = `${root}(${definitions}) { ${field.name}(${passed})${selection} }`;
      const vars = Object.fromEntries(field.args.map((a) => [a.name, valueFor(a.type)]));
      const response = await app.gql(query, vars);
      const codes = (response.errors ?? []).map((e) => e.extensions?.code);
      if (process.env.FUZZ_STATS)
        outcomes.set(
          `${field.name} ${codes[0] ?? (response.data ? 'data' : '?')}`,
          (outcomes.get(`${field.name} ${codes[0] ?? (response.data ? 'data' : '?')}`) ?? 0) + 1,
        );
      if (response.status >= 500 || codes.includes('INTERNAL_SERVER_ERROR') || codes.includes(undefined)) {
        failures.push(
          `${response.status} ${JSON.stringify(response.errors).slice(0, 300)} for ${query} ${JSON.stringify(vars).slice(0, 300)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it(`never answers "Unexpected error." or a 5xx or an error without a code (seed ${seed})`, async () => {
    const app = await fuzzing();
    const failures: string[] = [];
    for (let i = 0; i < runs; i++) {
      const [query, variables] = pick(operations);
      const vars = variables();
      const response = await app.gql(query, vars);
      const codes = (response.errors ?? []).map((e) => e.extensions?.code);
      if (response.status >= 500 || codes.includes('INTERNAL_SERVER_ERROR') || codes.includes(undefined)) {
        failures.push(
          `${response.status} ${JSON.stringify(response.errors)} for ${query} ${JSON.stringify(vars).slice(0, 300)}`,
        );
      }
    }
    expect(failures).toEqual([]);
  }, 600_000);
});
