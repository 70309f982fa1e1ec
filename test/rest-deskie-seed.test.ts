// Deskie's users API document (test/seeds/deskie-users.txt, a copy of the seed it is built from),
// walked example by example: every "Request" JSON and every curl sample sent byte for byte with
// HTTP Basic staff_email:api_key, each answer compared with the document's example field by field
// (ids and dates aside). What differs is exactly the list below, each documented in
// docs/rest-compatibility.md. The one change to the bytes: the document's e-mail addresses were
// scrubbed to "[email protected]" when it was saved, and that is not an address, so each is
// replaced with a real one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_KEY, startRestServer } from './rest-helpers.ts';
import { compareWithSeed, parseCurl, readSeed, type SeedOperation } from './seed-walk.ts';

const seed = readSeed(new URL('./seeds/deskie-users.txt', import.meta.url).pathname);
const operation = (title: string) => {
  const found = seed.find((op) => op.title === title);
  if (!found) throw new Error(`The document has no "${title}" operation.`);
  return found;
};
// With a no-break space, as the page that was saved wrote it.
const SCRUBBED = '[email\u00a0protected]';
const DEFAULT_ORIGIN = 'https://[domain].deskie.io';
const deskieDate =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/;
const compareOptions = {
  ids: new Set(['user_id', 'linked_users']),
  dates: new Set(['created_at', 'updated_at']),
  date: deskieDate,
};

/**
 * Where this server differs from the document's examples, by operation: all in
 * docs/rest-compatibility.md ("Deskie"), none silently.
 */
const DEVIATIONS: Record<string, string[]> = {
  // No customer passwords here (customers use API keys an admin issues): none is made or shown.
  'Create a user': ['user.password: missing'],
  // The document's page 2 of 50 shows 3 users and total_count 20; the third, a Twitter user, has
  // language_id 1 under a language_id=2 filter and a facebook_id.
  'Get a list of users': [
    'total_count: 53 instead of 20',
    '2.user.facebook_id: missing',
    '2.user.language_id: 2 instead of 1',
    '2.user.twitter_id: added',
  ],
  // linked_users is in every single-user answer, not only in some.
  'Edit a user': ['user.linked_users: added'],
  'Delete a user': ['user.linked_users: added'],
  'Block a user': ['user.linked_users: added'],
  'Restore a user': ['user.linked_users: added'],
};

type Server = Awaited<ReturnType<typeof startRestServer>>;

// One walk through the document, in its order (a user created, listed, viewed, edited, linked...),
// kept in that order when CI shuffles: each step reads what the steps before it made.
describe('Deskie users API, walked from its document', { shuffle: false }, () => {
  let server: Server;
  /** The document's ids, and ours for them. */
  const ids = new Map<string, number>();
  const basic = `Basic ${Buffer.from(`${ADMIN_EMAIL}:${ADMIN_KEY}`).toString('base64')}`;
  let matchedFields = 0;
  const passed: string[] = [];

  const graphql = (query: string, variables: Record<string, unknown> = {}) => server.graphql(query, variables);

  /** A document URL on this server: its host replaced, its ids (and `[id]`) mapped to ours. */
  function local(url: string, id?: string) {
    const path = url
      .replace(DEFAULT_ORIGIN, '')
      .replace('[id]', String(ids.get(id ?? '') ?? id))
      .replace(/\/users\/(\d+)(?=[/.])/, (_, seedId: string) => `/users/${ids.get(seedId) ?? seedId}`);
    return `${server.origin}${path}`;
  }

  /** A document body with its scrubbed address replaced and its ids (`"user_id": 25830712`) ours. */
  function localBody(body: string, email?: string) {
    const addressed = email ? body.replaceAll(SCRUBBED, email) : body;
    return addressed.replace(/\b\d{3,}\b/g, (id) => String(ids.get(id) ?? id));
  }

  /** Sends what curl sends for the sample: method, URL, -H headers, -u credentials, -d body. */
  async function curl(op: SeedOperation, email?: string) {
    const sample = parseCurl(op.curl!);
    expect(sample.user).toBe('[staff_email]:[api_key]');
    const body = sample.body === undefined ? undefined : localBody(sample.body, email);
    const response = await fetch(local(sample.url), {
      method: sample.method,
      headers: { ...sample.headers, Authorization: basic },
      body,
    });
    const text = await response.text();
    return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
  }

  /** Sends the operation's "Request" JSON, as written, to its URL. */
  async function request(op: SeedOperation, email: string | undefined, id?: string) {
    const body = localBody(op.request!, email);
    const response = await fetch(local(op.url, id), {
      method: op.method,
      headers: { 'Content-Type': 'application/json', Authorization: basic },
      body,
    });
    const text = await response.text();
    return { status: response.status, text, json: text ? JSON.parse(text) : undefined };
  }

  /** The document's example answer, with its scrubbed address the one we sent. */
  function expected(op: SeedOperation, email?: string) {
    const text = JSON.stringify(op.response);
    return JSON.parse(email ? text.replaceAll(SCRUBBED, email) : text);
  }

  /** Field-by-field comparison; the differences must be the documented ones, no more, no fewer. */
  function expectLikeSeed(op: SeedOperation, actual: unknown, email?: string) {
    const { matched, differences } = compareWithSeed(actual, expected(op, email), compareOptions);
    expect(differences.sort()).toEqual([...(DEVIATIONS[op.title] ?? [])].sort());
    expect(matched.length).toBeGreaterThan(5);
    matchedFields += matched.length;
    passed.push(op.title);
  }

  beforeAll(async () => {
    server = await startRestServer();
    // The custom fields the document uses, under the keys it uses.
    for (const [key, type] of [
      ['cf_20', 'STRING'],
      ['cf_23', 'BOOLEAN'],
      ['cf_7264', 'STRING'],
      ['cf_7786', 'NUMBER'],
      ['cf_7486', 'BOOLEAN'],
    ]) {
      const made = await graphql(
        'mutation($input: CreateCustomFieldDefinitionInput!) { createCustomFieldDefinition(input: $input) { customFieldDefinition { key } userErrors { message } } }',
        { input: { name: key, type, key } },
      );
      expect(made.createCustomFieldDefinition.userErrors).toEqual([]);
    }
    // The link examples' two profiles of one person: a Telegram one (495582869) and an email one.
    const post = async (user: Record<string, unknown>) => {
      const response = await fetch(`${server.origin}/api/users.json`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: basic },
        body: JSON.stringify({ user }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as any).user.user_id as number;
    };
    const profile = {
      user_full_name: "User's full name",
      company_name: "User's company name",
      company_position: "User's position",
      language_id: 2,
      custom_fields: { cf_20: 'some data', cf_23: true },
    };
    const telegram = await post({ ...profile, telegram_id: 495582869 });
    ids.set('1307386', telegram);
    ids.set('25830712', telegram);
    ids.set('email profile', await post({ ...profile, user_email: 'linked@example.com' }));
  });
  afterAll(async () => {
    // How much of the document was compared: shown in the test log for the compatibility report.
    console.info(
      `Deskie document: ${passed.length} answers like the examples, ${matchedFields} fields compared equal.`,
    );
    await server?.close();
  });

  it('Create a user: the Request JSON, then the curl sample', async () => {
    const op = operation('Create a user');
    const created = await request(op, 'user@example.com');
    expect(created.status, created.text).toBe(201);
    expectLikeSeed(op, created.json, 'user@example.com');
    ids.set('200', created.json.user.user_id);
    expect(created.json.user.linked_users).toEqual([created.json.user.user_id]);

    const sample = await curl(op, 'curl.user@example.com');
    expect(sample.status, sample.text).toBe(201);
    expect(sample.json.user).toMatchObject({
      user_email: 'curl.user@example.com',
      user_full_name: "User's full name",
      language_id: 2,
      custom_fields: { cf_20: 'some data', cf_23: true },
      type: 'email',
    });
  });

  it('Get a list of users: page 2 of 50, language_id=2, custom_fields[cf_20]=data (PHP brackets)', async () => {
    const op = operation('Get a list of users');
    // Enough users matching the filter that page 2 holds the document's three.
    const matching = async () =>
      (
        await graphql(
          '{ customers(filter: {language: "en", customField: {key: "cf_20", text: "data"}}) { totalCount } }',
        )
      ).customers.totalCount as number;
    const fillers = 50 - (await matching());
    for (let n = 0; n < fillers; n++) {
      const response = await fetch(`${server.origin}/api/users.json`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: basic },
        body: JSON.stringify({
          user: {
            user_email: `filler${n}@example.com`,
            user_full_name: `Filler ${n}`,
            language_id: 2,
            custom_fields: { cf_20: 'data' },
          },
        }),
      });
      expect(response.status).toBe(201);
    }
    const page = expected(op);
    for (const [index, extra] of [
      ['0', { user_email: 'first@example.com' }],
      ['1', { facebook_id: 123123123 }],
      ['2', { twitter_id: 3333333 }],
    ] as const) {
      const { user } = page[index];
      const response = await fetch(`${server.origin}/api/users.json`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: basic },
        body: JSON.stringify({
          user: {
            user_full_name: user.user_full_name,
            company_name: user.company_name,
            company_position: user.company_position,
            language_id: 2,
            custom_fields: user.custom_fields,
            ...extra,
          },
        }),
      });
      expect(response.status, await response.text()).toBe(201);
    }
    const listed = await curl(op);
    expect(listed.status, listed.text).toBe(200);
    expect(Object.keys(listed.json)).toEqual(['0', '1', '2', 'total_count']);
    const { matched, differences } = compareWithSeed(
      listed.json,
      JSON.parse(JSON.stringify(op.response).replaceAll(SCRUBBED, 'first@example.com')),
      compareOptions,
    );
    expect(differences.sort()).toEqual([...DEVIATIONS[op.title]!].sort());
    matchedFields += matched.length;
    passed.push(op.title);

    // Without page and limit: the first 100.
    const all = await fetch(`${server.origin}/api/users.json`, { headers: { Authorization: basic } });
    const body = (await all.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toHaveLength(Math.min(100, body.total_count as number) + 1);
  });

  it('View a user', async () => {
    const op = operation('View a user');
    const viewed = await curl(op);
    expect(viewed.status, viewed.text).toBe(200);
    expectLikeSeed(op, viewed.json, 'user@example.com');
  });

  it('Edit a user: the Request JSON, then the curl sample', async () => {
    const op = operation('Edit a user');
    const edited = await request(op, undefined, '200');
    expect(edited.status, edited.text).toBe(200);
    expectLikeSeed(op, edited.json, 'user@example.com');
    const sample = await curl(op);
    expect(sample.status, sample.text).toBe(200);
    expect(sample.json.user).toMatchObject({ user_full_name: "User's full name changed", language_id: 2 });
  });

  it('Generate an identification code: the Request JSON, then the curl sample', async () => {
    const op = operation('Generate an identification code');
    for (const answer of [await request(op, 'jane.ostin@example.com'), await curl(op, 'jane.ostin@example.com')]) {
      expect(answer.status, answer.text).toBe(200);
      expect(Object.keys(answer.json)).toEqual(['code']);
      expect(answer.json.code).toMatch(/^[A-Z2-9]{10}$/);
    }
    passed.push(op.title);
    // Both found or made the same profile, with the document's custom fields.
    const jane = await graphql('{ customer(email: "jane.ostin@example.com") { name customFields customId } }');
    expect(jane.customer).toEqual({
      name: 'Jane Ostin',
      customFields: { cf_7264: 'some data', cf_7786: 2, cf_7486: true },
      customId: 'j.ostin',
    });
  });

  it('Link user profiles: the Request JSON and the curl sample link the Telegram profile with the email one', async () => {
    const op = operation('Link user profiles');
    const linked = await request(op, 'linked@example.com', '1307386');
    expect(linked.status, linked.text).toBe(200);
    expectLikeSeed(op, linked.json);
    expect(linked.json.user.linked_users).toEqual([ids.get('1307386'), ids.get('email profile')]);
    const again = await curl(op, 'linked@example.com');
    expect(again.status, again.text).toBe(200);
    expect(again.json.user.linked_users).toEqual(linked.json.user.linked_users);
  });

  it('Unlink user profiles: the Request JSON, then (linked again) the curl sample', async () => {
    const op = operation('Unlink user profiles');
    const unlinked = await request(op, undefined, '1307386');
    expect(unlinked.status, unlinked.text).toBe(200);
    expectLikeSeed(op, unlinked.json);
    expect(unlinked.json.user.linked_users).toEqual([ids.get('1307386')]);
    const relink = await fetch(`${server.origin}/api/users/${ids.get('1307386')}/link.json`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: basic },
      body: '{"user_email":"linked@example.com"}',
    });
    expect(relink.status).toBe(200);
    const sample = await curl(op);
    expect(sample.status, sample.text).toBe(200);
    expect(sample.json.user.linked_users).toEqual([ids.get('1307386')]);
    // Unlinking a profile that is not linked to this one is refused, in Deskie's error shape.
    const stranger = await fetch(`${server.origin}/api/users/${ids.get('1307386')}/unlink.json`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: basic },
      body: JSON.stringify({ user_id: ids.get('email profile') }),
    });
    expect(stranger.status).toBe(400);
    expect(await stranger.json()).toEqual({ error: 'incorrect_data', description: expect.any(String) });
  });

  it('Delete (disable), block and restore a user, each from an active user as in the document', async () => {
    for (const title of ['Delete a user', 'Block a user', 'Restore a user']) {
      const op = operation(title);
      // The document shows each from an active user (block: not deleted too); restore after block.
      if (title === 'Block a user') await curl(operation('Restore a user'));
      if (title === 'Restore a user') await curl(operation('Block a user'));
      const answer = await curl(op);
      expect(answer.status, answer.text).toBe(200);
      expectLikeSeed(op, answer.json, 'user@example.com');
    }
  });

  it('Delete permanently a user: 200, then it is gone', async () => {
    const op = operation('Delete permanently a user');
    expect(op.responseText).toBe('HTTP Status: 200 OK');
    const deleted = await curl(op);
    expect(deleted.status, deleted.text).toBe(200);
    passed.push(op.title);
    const gone = await curl(operation('View a user'));
    expect(gone.status).toBe(404);
    expect(gone.json).toEqual({ error: 'not_found', description: 'User not found.' });
  });

  it('walked every operation of the document', () => {
    expect(passed.sort()).toEqual(seed.map((op) => op.title).sort());
  });
});
